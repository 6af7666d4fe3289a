"""A poll in more than one language.

Dutch is the poll's own text and always there. The council adds languages (any language Babel
knows: English, Turkish, Arabic, Polish, Tigrinya ...) and translates each text; a language is
offered to residents only when every text has a translation, so nobody meets a half-Dutch form.
Babel (CLDR) gives each language its own name ("العربية") and its writing direction, so Arabic,
Persian and Hebrew forms are laid out right to left without a list of our own.

The answers are pooled: a choice is the same Keuze row in every language. How many answered in
which language is counted apart (Teller soort "taal"); a response itself carries no language.

The council's side: `add_taal`, `save_vertalingen` and `remove_taal`, each under the poll
builder's own permission check, in one transaction that raises the poll's version (so every
cached form refreshes) and writes a trail line. Translations may change while the poll is open
or has answers: they do not change what was asked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cache

from babel import Locale, UnknownLocaleError

from participatie import spoor, taal, tijd
from participatie.accounts.domain import Ingelogd
from participatie.auditlog import log_event
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import text_field
from participatie.peilingen import domain
from participatie.peilingen.domain import FormItem, Formulier, PeilingError, Peilingrij
from participatie.peilingen.tables import Item, Keuze, Peiling, Peilingtaal, Status, Vertaling
from participatie.taal import gettext as _

NL = "nl"

# The texts of a poll that get a translation, per level. "keuze" has a keuze row.
PEILING_VELDEN = ("titel", "intro")
ITEM_VELDEN = ("tekst", "toelichting", "label_laag", "label_hoog")
KEUZE_VELD = "keuze"

Sleutel = tuple[str, int | None, int | None]  # (veld, item id, keuze id)

# A poll in more languages than this is hard to keep right; ten covers the IJmond's largest groups.
MAX_TALEN = 10
# The languages most asked for in the IJmond, offered first when the council adds one.
GANGBAAR = ("en", "tr", "ar", "pl", "uk", "ti", "so", "fa", "de")
# The longest translation per text: the length of the Dutch text's own column (and the
# builder's limit for the introduction, which is a text column).
MAX_LENGTE = {
    "titel": 200,
    "intro": 2000,
    "tekst": 500,
    "toelichting": 500,
    "label_laag": 60,
    "label_hoog": 60,
    KEUZE_VELD: 200,
}


@dataclass(frozen=True)
class Taal:
    code: str  # the normalised BCP 47 tag: "ar", "pt-BR"
    naam: str  # in the language itself: "العربية"
    naam_nl: str  # in Dutch, for the council: "Arabisch"
    richting: str  # "ltr" or "rtl"


def normalise(code: str) -> str:
    """ "AR", " ar_ma " -> "ar", "ar-MA": the form stored and used in lang attributes."""
    delen = code.strip().replace("_", "-").split("-")
    if not delen or not delen[0]:
        return ""
    return "-".join([delen[0].lower(), *(d.upper() if len(d) == 2 else d.title() for d in delen[1:])])


@cache
def _leesnaam(code: str, lezer: str) -> str:
    try:
        return Locale.parse(code, sep="-").get_display_name(Locale.parse(lezer, sep="_")) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code


def leesnaam(info: Taal) -> str:
    """The language's name in the reader's own language: "Arabisch" for the Dutch council
    member, "Arabic" for one who reads the site in English."""
    return _leesnaam(info.code, taal.locale())


def taal_info(code: str) -> Taal | None:
    """The language behind a tag, or None when Babel does not know it."""
    tag = normalise(code)
    if not tag or len(tag) > 35:
        return None
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    eigen = locale.get_display_name(locale) or tag
    return Taal(
        code=tag,
        naam=eigen,
        naam_nl=locale.get_display_name(Locale("nl")) or tag,
        richting="rtl" if locale.text_direction == "rtl" else "ltr",
    )


@cache
def _namen() -> dict[str, str]:
    """Every language name the council may type instead of a tag, lower case: the Dutch or
    English name ("arabisch", "arabic") and, for the languages most asked for, the name in
    the language itself."""
    namen = {
        naam.casefold(): code
        for lezer in ("en", "nl")  # Dutch names win where the two differ in meaning
        for code, naam in Locale(lezer).languages.items()
        if "_" not in code
    }
    for code in GANGBAAR:
        info = taal_info(code)
        if info is not None:
            namen[info.naam.casefold()] = code
    return namen


def find_taal(invoer: str) -> Taal | None:
    """The language the council typed: a tag ("ar", "pt-BR") or a name ("Arabisch", "Türkçe")."""
    invoer = invoer.replace("\x00", "").strip()[:60]
    if not invoer:
        return None
    return taal_info(invoer) or taal_info(_namen().get(invoer.casefold(), ""))


def gangbare_talen() -> list[Taal]:
    return [info for code in GANGBAAR if (info := taal_info(code)) is not None]


def veldnaam(sleutel: Sleutel) -> str:
    """The form field of a text: "titel", "tekst-12", "keuze-12-40"."""
    veld, item, keuze = sleutel
    return "-".join([veld, *(str(i) for i in (item, keuze) if i is not None)])


def sleutel_van(naam: str) -> Sleutel | None:
    """The text a form field stands for, or None for any other field."""
    veld, *ids = naam.split("-")
    if not all(i.isascii() and i.isdigit() and len(i) <= 9 for i in ids):
        return None
    nummers = [int(i) for i in ids]
    if veld in PEILING_VELDEN and not nummers:
        return (veld, None, None)
    if veld in ITEM_VELDEN and len(nummers) == 1:
        return (veld, nummers[0], None)
    if veld == KEUZE_VELD and len(nummers) == 2:
        return (veld, nummers[0], nummers[1])
    return None


def nodig(formulier: Formulier) -> list[Sleutel]:
    """Every text of the poll that needs a translation: the empty Dutch ones do not."""
    sleutels: list[Sleutel] = [("titel", None, None)]
    if formulier.intro.strip():
        sleutels.append(("intro", None, None))
    for item in formulier.items:
        for veld in ITEM_VELDEN:
            if str(getattr(item, veld)).strip():
                sleutels.append((veld, item.id, None))
        sleutels.extend((KEUZE_VELD, item.id, keuze_id) for keuze_id, _ in item.keuzes)
    return sleutels


def vingerafdruk(nederlands: str) -> str:
    """A short fingerprint of a Dutch text, kept with its translation to notice a rewording."""
    return hashlib.sha256(nederlands.strip().encode()).hexdigest()[:16]


def nederlands(formulier: Formulier) -> dict[Sleutel, str]:
    """The Dutch text of every translatable text of the poll."""
    nl: dict[Sleutel, str] = {("titel", None, None): formulier.titel, ("intro", None, None): formulier.intro}
    for item in formulier.items:
        for veld in ITEM_VELDEN:
            nl[(veld, item.id, None)] = str(getattr(item, veld))
        for keuze_id, tekst in item.keuzes:
            nl[(KEUZE_VELD, item.id, keuze_id)] = tekst
    return nl


@dataclass(frozen=True)
class _Geladen:
    actueel: dict[str, dict[Sleutel, str]]
    # Translations of a Dutch text that has changed since: shown to the council to look at
    # again, never to a resident.
    verouderd: dict[str, dict[Sleutel, str]]


_cache: dict[tuple[int, str, int], _Geladen] = {}


async def _laad(formulier: Formulier) -> _Geladen:
    # The random link key is part of the key: ids repeat when a database is recreated.
    key = (formulier.peiling_id, formulier.sleutel, formulier.versie)
    if key in _cache:
        return _cache[key]
    talen = (
        await Peilingtaal.select(Peilingtaal.taal)
        .where(Peilingtaal.peiling == formulier.peiling_id)
        .order_by(Peilingtaal.id)
    )
    actueel: dict[str, dict[Sleutel, str]] = {t["taal"]: {} for t in talen}
    verouderd: dict[str, dict[Sleutel, str]] = {t["taal"]: {} for t in talen}
    keuze_item = {k: item.id for item in formulier.items for k, _ in item.keuzes}
    nl = nederlands(formulier)
    rows = await Vertaling.select(
        Vertaling.taal, Vertaling.veld, Vertaling.item, Vertaling.keuze, Vertaling.tekst, Vertaling.bij_nl
    ).where(Vertaling.peiling == formulier.peiling_id)
    for r in rows:
        if r["taal"] in actueel and r["tekst"].strip():
            item = keuze_item.get(r["keuze"]) if r["keuze"] is not None else r["item"]
            sleutel: Sleutel = (r["veld"], item, r["keuze"])
            bij = r["bij_nl"]
            if bij and sleutel in nl and bij != vingerafdruk(nl[sleutel]):
                verouderd[r["taal"]][sleutel] = r["tekst"]
            else:
                actueel[r["taal"]][sleutel] = r["tekst"]
    geladen = _Geladen(actueel=actueel, verouderd=verouderd)
    if len(_cache) > 500:
        _cache.clear()
    _cache[key] = geladen
    return geladen


async def vertalingen(formulier: Formulier) -> dict[str, dict[Sleutel, str]]:
    """Per added language (in the order added): its translations of the current Dutch texts.
    Kept per poll version, which every change of a text or a translation raises."""
    return (await _laad(formulier)).actueel


async def verouderde(formulier: Formulier) -> dict[str, dict[Sleutel, str]]:
    """Per added language: translations whose Dutch text was reworded after they were made."""
    return (await _laad(formulier)).verouderd


def ontbrekend(formulier: Formulier, teksten: dict[Sleutel, str]) -> list[Sleutel]:
    """The texts still without a translation, in the order of the form."""
    return [s for s in nodig(formulier) if not teksten.get(s, "").strip()]


async def aangeboden(formulier: Formulier) -> list[Taal]:
    """The languages a resident may pick: complete ones Babel knows, Dutch not included."""
    talen = []
    for code, teksten in (await vertalingen(formulier)).items():
        info = taal_info(code)
        if info is not None and not ontbrekend(formulier, teksten):
            talen.append(info)
    return talen


def vertaal(formulier: Formulier, teksten: dict[Sleutel, str]) -> Formulier:
    """The form with its texts in another language; ids, kinds and limits stay, so the answers
    pool with the Dutch ones. A missing text stays Dutch (only reachable for the council's
    preview: residents are offered complete languages only)."""

    def t(veld: str, item: int | None, keuze: int | None, dutch: str) -> str:
        return teksten.get((veld, item, keuze), "") or dutch

    def item_in(item: FormItem) -> FormItem:
        return replace(
            item,
            tekst=t("tekst", item.id, None, item.tekst),
            toelichting=t("toelichting", item.id, None, item.toelichting),
            label_laag=t("label_laag", item.id, None, item.label_laag),
            label_hoog=t("label_hoog", item.id, None, item.label_hoog),
            keuzes=tuple((k, t(KEUZE_VELD, item.id, k, tekst)) for k, tekst in item.keuzes),
        )

    return replace(
        formulier,
        titel=t("titel", None, None, formulier.titel),
        intro=t("intro", None, None, formulier.intro),
        items=tuple(item_in(i) for i in formulier.items),
    )


@dataclass(frozen=True)
class Taalstand:
    """How far one added language is: the council's list shows "nog 3 teksten te vertalen"."""

    taal: Taal
    ontbrekend: int
    totaal: int

    @property
    def is_compleet(self) -> bool:
        return self.ontbrekend == 0


def _info(code: str) -> Taal:
    # A tag stored before Babel forgot it still gets a row, so the council can remove it.
    return taal_info(code) or Taal(code=code, naam=code, naam_nl=code, richting="ltr")


async def standen(formulier: Formulier) -> list[Taalstand]:
    """Every added language (in the order added) with how many texts it still misses."""
    totaal = len(nodig(formulier))
    return [
        Taalstand(taal=_info(code), ontbrekend=len(ontbrekend(formulier, teksten)), totaal=totaal)
        for code, teksten in (await vertalingen(formulier)).items()
    ]


# --- the council's changes -------------------------------------------------------------------


async def _wijzigbaar(user: Ingelogd, peiling_id: int) -> Peilingrij:
    """The poll, if this person may build it (the builder's own check: another council's poll
    is refused like a missing one) and it still takes answers."""
    peiling = await domain._peiling_voor(user, peiling_id)
    if peiling.status is Status.GESLOTEN:
        raise PeilingError(_("Deze peiling is gesloten en kan niet meer veranderen."))
    return peiling


async def _new_version(peiling_id: int) -> None:
    # On PostgreSQL the row lock makes two changes to one poll's languages wait for each other,
    # so a count or a read after it stays true until the commit.
    await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == peiling_id)


_ITEMS = "SELECT id FROM item WHERE peiling = {}"
_KEUZES = "SELECT id FROM keuze WHERE item IN (SELECT id FROM item WHERE peiling = {})"


async def _lock(peiling_id: int) -> tuple[set[int], set[int]]:
    """The poll's questions and choices as they are now, held until the commit; then the poll's
    new version. The builder removes a question by deleting it (its choices and translations go
    with it) before it raises the version: taking the questions first, in that same order, means
    a removal and a change of translations wait for each other instead of deadlocking, and a
    question removed meanwhile is not in the result (its translation would be refused by its
    foreign key). SQLite has one writer at a time and no row locks."""
    lock = "" if Item._meta.db.engine_type == "sqlite" else " FOR KEY SHARE"
    items = {r["id"] for r in await Item.raw(_ITEMS + lock, peiling_id)}
    keuzes = {r["id"] for r in await Keuze.raw(_KEUZES + lock, peiling_id)} if items else set()
    await _new_version(peiling_id)
    return items, keuzes


async def _spoor(user: Ingelogd, actie: str, peiling: Peilingrij, **velden: dict[str, object]) -> None:
    await spoor.record(
        user,
        actie,
        onderwerp="peiling",
        onderwerp_id=peiling.id,
        vraag_id=peiling.vraag_id,
        gemeente_id=peiling.gemeente_id,
        **velden,
    )


async def add_taal(user: Ingelogd, peiling_id: int, code: str) -> Taal:
    """Offer the poll in one more language (residents see it once every text is translated)."""
    peiling = await _wijzigbaar(user, peiling_id)
    if not code.replace("\x00", "").strip():
        raise OngeldigeInvoer({"taal": _("Vul een taal in, zoals en, tr, ar, pl of ti.")})
    info = find_taal(code)
    if info is None:
        raise OngeldigeInvoer(
            {
                "taal": _(
                    "Deze taal kennen we niet: %(invoer)s. Vul een taalcode in, zoals en, tr, ar, pl of ti, "
                    "of de naam in het Nederlands, zoals Engels of Arabisch."
                )
                % {"invoer": code.replace("\x00", "").strip()[:40]}
            }
        )
    if info.code.split("-")[0] == NL:
        raise OngeldigeInvoer({"taal": _("Nederlands staat er altijd al in. Kies een andere taal.")})
    async with Peiling._meta.db.transaction():
        await _new_version(peiling_id)
        bestaand = await Peilingtaal.select(Peilingtaal.taal).where(Peilingtaal.peiling == peiling_id)
        if info.code in {r["taal"] for r in bestaand}:
            raise OngeldigeInvoer(
                {"taal": _("%(taal)s staat al bij deze peiling.") % {"taal": leesnaam(info)}}
            )
        if len(bestaand) >= MAX_TALEN:
            raise OngeldigeInvoer(
                {
                    "taal": _("Een peiling kan in hoogstens %(aantal)s talen naast het Nederlands.")
                    % {"aantal": MAX_TALEN}
                }
            )
        # ON CONFLICT: two clicks at once both passed the check above on SQLite's snapshot.
        rows = await Peilingtaal.insert(
            Peilingtaal(peiling=peiling_id, taal=info.code, aangemaakt_at=tijd.now())
        ).on_conflict(action="DO NOTHING")
        if rows:
            await _spoor(user, "peilingtaal_toegevoegd", peiling, na={"taal": info.code})
    domain._changed()
    log_event("peilingtaal_toegevoegd", door=user.id, peiling=peiling_id, taal=info.code)
    return info


async def _taal_van(peiling_id: int, code: str) -> str:
    tag = normalise(code)
    if not await Peilingtaal.exists().where((Peilingtaal.peiling == peiling_id) & (Peilingtaal.taal == tag)):
        raise PeilingError(_("Deze taal hoort niet bij de peiling."))
    return tag


async def remove_taal(user: Ingelogd, peiling_id: int, code: str) -> None:
    """Stop offering a language; its translations go with it. Answers given in it stay, and
    still count under their language in the results."""
    peiling = await _wijzigbaar(user, peiling_id)
    tag = await _taal_van(peiling_id, code)
    async with Peiling._meta.db.transaction():
        await _lock(peiling_id)
        weg = (
            await Vertaling.delete()
            .where((Vertaling.peiling == peiling_id) & (Vertaling.taal == tag))
            .returning(Vertaling.id)
        )
        await Peilingtaal.delete().where((Peilingtaal.peiling == peiling_id) & (Peilingtaal.taal == tag))
        await _spoor(user, "peilingtaal_verwijderd", peiling, voor={"taal": tag, "vertalingen": len(weg)})
    domain._changed()
    log_event("peilingtaal_verwijderd", door=user.id, peiling=peiling_id, taal=tag)


async def save_vertalingen(user: Ingelogd, peiling_id: int, code: str, values: dict[Sleutel, str]) -> int:
    """Store the translations of one language; an emptied field removes its translation.
    Texts the poll no longer has (an item removed meanwhile) are skipped. Each text is one row
    however often it is saved at once (an upsert on the unique index). Returns how many
    texts changed; OngeldigeInvoer (per form field) when one is too long, and nothing is stored."""
    peiling = await _wijzigbaar(user, peiling_id)
    tag = await _taal_van(peiling_id, code)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    if formulier is None:
        raise domain.GeenToegang()
    geldig = set(nodig(formulier))
    fouten: dict[str, str] = {}
    nieuw: dict[Sleutel, str] = {}
    for sleutel, value in values.items():
        if sleutel in geldig:
            nieuw[sleutel] = text_field(
                fouten, veldnaam(sleutel), value, "", max_length=MAX_LENGTE[sleutel[0]], required=False
            )
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Peiling._meta.db.transaction():
        items, keuzes = await _lock(peiling_id)
        # Read again under the lock: the language may have been removed since the form was
        # checked (its translations would be orphaned).
        await _taal_van(peiling_id, tag)
        nieuw = {
            (veld, item, keuze): tekst
            for (veld, item, keuze), tekst in nieuw.items()
            if (item is None or item in items) and (keuze is None or keuze in keuzes)
        }
        rows = await Vertaling.select(
            Vertaling.id, Vertaling.veld, Vertaling.item, Vertaling.keuze, Vertaling.tekst, Vertaling.bij_nl
        ).where((Vertaling.peiling == peiling_id) & (Vertaling.taal == tag))
        oud = {(r["veld"], r["item"], r["keuze"]): r for r in rows}
        nl = nederlands(formulier)
        voor: dict[str, str] = {}
        na: dict[str, str] = {}
        bevestigd = 0
        for sleutel, tekst in nieuw.items():
            bestaand = oud.get(sleutel)
            bij_nl = vingerafdruk(nl.get(sleutel, ""))
            if tekst == (bestaand["tekst"] if bestaand else ""):
                if bestaand is not None and tekst and bestaand["bij_nl"] != bij_nl:
                    # Saved again unchanged after the Dutch was reworded: the council has
                    # looked at it and says it still fits.
                    await Vertaling.update({Vertaling.bij_nl: bij_nl}).where(Vertaling.id == bestaand["id"])
                    bevestigd += 1
                continue
            voor[veldnaam(sleutel)], na[veldnaam(sleutel)] = (bestaand["tekst"] if bestaand else ""), tekst
            if not tekst:
                await Vertaling.delete().where(Vertaling.id == bestaand["id"])  # type: ignore[index]
                continue
            veld, item, keuze = sleutel
            await Vertaling.raw(
                "INSERT INTO vertaling (peiling, taal, veld, item, keuze, tekst, bij_nl) "
                "VALUES ({}, {}, {}, {}, {}, {}, {}) "
                "ON CONFLICT (peiling, taal, veld, COALESCE(item, 0), COALESCE(keuze, 0)) "
                "DO UPDATE SET tekst = excluded.tekst, bij_nl = excluded.bij_nl",
                peiling_id,
                tag,
                veld,
                item,
                keuze,
                tekst,
                bij_nl,
            )
        if na:
            # The council's own wording, before and after, per text: no resident's data.
            await _spoor(
                user,
                "peilingvertaling_opgeslagen",
                peiling,
                voor={"taal": tag, **voor},
                na={"taal": tag, **na},
            )
    domain._changed()
    if na and peiling.status is Status.OPEN:
        log_event("open_peiling_vertaald", door=user.id, peiling=peiling_id, taal=tag, teksten=len(na))
    return len(na)
