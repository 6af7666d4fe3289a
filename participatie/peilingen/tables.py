from enum import StrEnum

from piccolo.columns import (
    UUID,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from participatie.accounts.tables import Gebruiker, Gemeente
from participatie.db import AutoId
from participatie.vragen.tables import Vraag


class Status(StrEnum):
    CONCEPT = "concept"  # being built; only the council sees it
    GEPLAND = "gepland"  # published; the planner opens it at opent_at
    OPEN = "open"
    GESLOTEN = "gesloten"


class Toegang(StrEnum):
    LINK = "link"  # a public link and poster: one response per browser, limited per address
    CODES = "codes"  # personal single-use invitation codes only


class Soort(StrEnum):
    ENKEL = "enkel"  # single choice
    MEER = "meer"  # multiple choice, optionally at most max_keuzes
    SCHAAL = "schaal"  # 1-5 with labelled ends
    JANEE = "janee"
    GETAL = "getal"  # a whole number between min_getal and max_getal
    TEKST = "tekst"  # open text up to max_lengte


class Bron(StrEnum):
    """How a response came in: the results show the split, the exports carry it per row."""

    LINK = "link"  # the public link (poster, QR code)
    CODE = "code"  # a personal invitation code
    KIOSK = "kiosk"  # a council tablet at a meeting
    PAPIER = "papier"  # a printed form, typed in by a council member


class Peiling(AutoId, Table):
    """A flash poll on one vraag in voorleggen."""

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.restrict, index=True)
    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.restrict)
    titel = Varchar(length=200, null=False)
    intro = Text(null=False, default="")
    # The short public link: /p/<sleutel>. Random, so polls cannot be guessed one by one.
    sleutel = Varchar(length=16, null=False, unique=True)
    toegang = Varchar(length=10, choices=Toegang, null=False, default=Toegang.LINK.value)
    status = Varchar(length=10, choices=Status, null=False, default=Status.CONCEPT.value, index=True)
    opent_at = Timestamptz(null=True, default=None)
    sluit_at = Timestamptz(null=True, default=None)
    geopend_at = Timestamptz(null=True, default=None)
    gesloten_at = Timestamptz(null=True, default=None)
    # Raised by every change to the poll or its items; also keys the per-process form cache.
    versie = Integer(null=False, default=1)
    aangemaakt_at = Timestamptz(null=False)


class Item(AutoId, Table):
    """One question of a peiling."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    positie = Integer(null=False)
    soort = Varchar(length=10, choices=Soort, null=False)
    tekst = Varchar(length=500, null=False)
    toelichting = Varchar(length=500, null=False, default="")
    verplicht = Boolean(null=False, default=True)
    # Background items (kern, age band) are only for breakdowns, never reported on their own.
    is_achtergrond = Boolean(null=False, default=False)
    max_keuzes = Integer(null=True, default=None)
    min_getal = Integer(null=True, default=None)
    max_getal = Integer(null=True, default=None)
    max_lengte = Integer(null=True, default=None)
    label_laag = Varchar(length=60, null=False, default="")
    label_hoog = Varchar(length=60, null=False, default="")
    # A standard background item (participatie.kenmerken: "leeftijd", "kern"): its choices are
    # the characteristic's categories, so the answers can be set beside reference figures.
    kenmerk = Varchar(length=20, null=True, default=None)


class Keuze(AutoId, Table):
    item = ForeignKey(references=Item, null=False, on_delete=OnDelete.cascade, index=True)
    positie = Integer(null=False)
    tekst = Varchar(length=200, null=False)
    # For a standard background item: the category (participatie.kenmerken) this choice stands for.
    categorie = Varchar(length=60, null=True, default=None)


class Peilingtaal(AutoId, Table):
    """A language the council offers a poll in, besides Dutch. `taal` is a BCP 47 tag ("en",
    "ar", "ti", "pl"); Babel gives its name and writing direction. Residents see it only once
    every text of the poll has a translation. Unique (peiling, taal): index in the migration."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    taal = Varchar(length=35, null=False)
    aangemaakt_at = Timestamptz(null=False)


class Vertaling(AutoId, Table):
    """One text of a poll in one added language. The Dutch text stays in the poll's own columns.
    `veld` says which: titel or intro (item and keuze empty), tekst, toelichting, label_laag or
    label_hoog (item set), or keuze (keuze set). Deleting the item or choice deletes its
    translations. Unique (peiling, taal, veld, item, keuze): index in the migration."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    taal = Varchar(length=35, null=False)
    veld = Varchar(length=20, null=False)
    item = ForeignKey(references=Item, null=True, default=None, on_delete=OnDelete.cascade)
    keuze = ForeignKey(references=Keuze, null=True, default=None, on_delete=OnDelete.cascade)
    tekst = Text(null=False, default="")
    # A fingerprint of the Dutch text this translates (talen.vingerafdruk). When the council
    # rewords the Dutch, the translation no longer says the same: it stops counting, the
    # language goes off the resident's picker until the council has looked at it again.
    # Empty: not recorded (then the translation counts as it is).
    bij_nl = Varchar(length=16, null=False, default="")


class Antwoord(AutoId, Table):
    """One person's response. Holds no address, browser, code or e-mail: nothing that points
    back to a person. `ingediend_at` is kept to the hour for the responses-over-time chart."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    ingediend_uur = Timestamptz(null=False)
    bron = Varchar(length=10, null=False)  # a Bron: link | code | kiosk | papier
    # No language: it is counted apart (Teller soort "taal"). Beside a report address left in
    # English, the one response given in English would name its author.


class Waarde(AutoId, Table):
    """The answer to one item; a multiple-choice item has one row per ticked choice."""

    antwoord = ForeignKey(references=Antwoord, null=False, on_delete=OnDelete.cascade, index=True)
    item = ForeignKey(references=Item, null=False, on_delete=OnDelete.cascade, index=True)
    keuze = ForeignKey(references=Keuze, null=True, default=None, on_delete=OnDelete.cascade)
    getal = Integer(null=True, default=None)
    tekst = Text(null=True, default=None)
    # An open answer that would identify someone is hidden from results and exports.
    verborgen = Boolean(null=False, default=False)


class Deelname(AutoId, Table):
    """That someone took part, never what they answered: a keyed hash of the invitation code,
    the browser's cookie or the kiosk form, unique per peiling (index in the migration)."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade)
    sleutel = Varchar(length=64, null=False)


class Uitnodiging(AutoId, Table):
    """A personal single-use code. Only its keyed hash is stored; the code itself is printed
    or mailed once and then known only to the resident."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    code_hash = Varchar(length=64, null=False, unique=True)
    gebruikt = Boolean(null=False, default=False)


class Rapportadres(Table):
    """An address left to receive the final report. A random key and no timestamp: nothing
    orders or links it to the answers. Deleted once the report has been sent."""

    id = UUID(primary_key=True)
    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=254, null=False)
    wil_vervolg = Boolean(null=False, default=False)  # also the follow-up on the municipality's reaction
    # Keyed hash of the one-use proof the browser got with its response (see adressen.py):
    # one address per response. Random, so it points to no response.
    bewijs = Varchar(length=64, null=False, default="")
    # The language of the page the address was left on ("nl"/"en"): the report mail goes out
    # in it. It belongs to the address, never to the answers.
    taal = Varchar(length=5, null=False, default="nl")


class Teller(AutoId, Table):
    """Counts per poll and time window, kept in the database so that limits hold across app
    processes. `soort` says what is counted:

    - minuut: stored (aantal) and refused (geweigerd) responses in one minute; kept for the
      results page, which shows the council unusual bursts.
    - adres: responses from one address (keyed hash in `sleutel`) in a 10-minute window.
    - code / codes: wrong invitation codes from one address / on the whole poll, per 10 minutes.
    - taal: responses per language the form was shown in (`sleutel` the tag, `venster` the
      Europe/Amsterdam year); kept, like the minute counts. Not on the response itself: see
      Antwoord.

    A hot count (a poll's minute, one busy address) is spread over `shard` 0..7, picked at
    random per submission, so concurrent submissions do not queue on one row lock; readers
    sum the shards. Rows with an address hash are deleted by the planner within the hour.
    `venster` is the window's start in whole minutes since 1970 (UTC): an integer compares the
    same on both engines. Unique (peiling, soort, venster, sleutel, shard): index in the migration.
    """

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade)
    soort = Varchar(length=10, null=False)
    sleutel = Varchar(length=64, null=False, default="")
    venster = Integer(null=False)
    shard = Integer(null=False, default=0)
    aantal = Integer(null=False, default=0)
    geweigerd = Integer(null=False, default=0)


class Kiosk(AutoId, Table):
    """A tablet unlocked by a council member for one poll. The tablet holds a random token
    (cookie); only its hash is stored. It opens that poll's kiosk form and nothing else, until
    `verloopt_at` (the end of the day at the latest) or until the council revokes it."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, null=False, unique=True)
    gemaakt_door = ForeignKey(references=Gebruiker, null=True, default=None, on_delete=OnDelete.set_null)
    aangemaakt_at = Timestamptz(null=False)
    verloopt_at = Timestamptz(null=False)
    ingetrokken_at = Timestamptz(null=True, default=None)


class Adreswachtrij(AutoId, Table):
    """An address waiting to join Rapportadres in the next batch (see adressen.py). Holds only
    ciphertext (the address, the follow-up wish and the language): while it waits, its row order
    and transaction still sit next to its response. Unique (peiling, bewijs): index in the
    migration."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade)
    bewijs = Varchar(length=64, null=False)
    inhoud = Bytea(null=False)


class Adresbatch(AutoId, Table):
    """Per poll: how many responses there were when addresses last moved into Rapportadres.
    Its row is also the poll's lock for leaving, moving and mailing addresses. Unique
    (peiling): index in the migration."""

    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade)
    telling = Integer(null=False, default=0)
    # Set once every address of the closed poll sits in one final batch.
    is_definitief = Boolean(null=False, default=False)
