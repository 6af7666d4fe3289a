"""Rapport use cases: compose, publish, mail out once to every participant, follow up.

Publishing renders the PDF first (outside the transaction: WeasyPrint takes a moment), then in
one transaction marks the report published and queues one mail per address. The addresses of
people who only wanted the report are deleted from the poll tables in that same transaction:
from then on they exist only in the outbox, which blanks them a day after delivery. Those who
also want to hear the municipality's reaction are kept until that follow-up (or a maximum
period a beheerder sets). The addresses belong to peilingen: they are read and forgotten
through `peilingen.rapportadressen`, inside this domain's transactions.

Every change a council member makes writes one line of the trail (spoor) in its transaction;
the mail-out is traced by its number of recipients, never by an address.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from participatie import sleutels, spoor
from participatie.accounts import instellingen
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Rol
from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.focusgroepen import queries as focusgroep_queries
from participatie.fouten import GeenToegang, GelijktijdigGewijzigd, Geweigerd, NietGevonden

# Re-exported: the settings page (instellingen.py) catches rapporten.OngeldigeInvoer.
from participatie.fouten import OngeldigeInvoer as OngeldigeInvoer
from participatie.invoer import text_field as _text
from participatie.mail import outbox
from participatie.markdown import MAX_MARKDOWN, MarkdownTeZwaar, render_isolated
from participatie.peilingen import adressen, rapportadressen
from participatie.rapporten import inhoud, pdf
from participatie.rapporten.tables import Rapport
from participatie.sleutels import keyed
from participatie.taal import EN, N_, STANDAARD, in_taal
from participatie.tijd import as_utc, datum, now, plus_months
from participatie.vragen import domain as vragen
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie

# A report's PDF goes along as an attachment up to this size; above it the mail links to it,
# so 10,000 mails do not carry megabytes each.
PDF_BIJLAGE_MAX = 1_000_000
VERVOLG_SLEUTEL = "vervolg_bewaartermijn_maanden"
VERVOLG_STANDAARD = 12
# Refusals stay Dutch here (the msgid) and are translated where the page shows them.
TE_ZWAAR = N_("Deze tekst is te ingewikkeld om te tonen. Gebruik minder opmaak of maak de tekst korter.")
PDF_TE_ZWAAR = N_(
    "De PDF van dit rapport kost te veel tijd om te maken. "
    "Gebruik minder opmaak, zoals vet of schuin, of maak de tekst korter."
)
NIET_GOEDGEKEURD = N_("Schrijf eerst de conclusies; daarna kunt u goedkeuren.")
NIET_GEPUBLICEERD = N_("Schrijf de conclusies voordat u publiceert.")
GEEN_RAPPORT = N_("Dit rapport bestaat niet (meer).")
NOG_GEEN_RAPPORT = N_("Er is nog geen rapport. Sla het eerst op.")
GELIJKTIJDIG = N_("Iemand anders heeft het rapport net gewijzigd. Laad de pagina opnieuw.")
ALLEEN_BEHEERDER = N_("Alleen een beheerder kan dit instellen.")
# The same sentence as peilingen' own period setting, which marks and translates it.
BEWAARTERMIJN = "Kies een bewaartermijn van 1 tot en met 36 maanden."
# The fields the council writes; the trail shows which of them a save changed.
TEKSTVELDEN = ("titel", "inleiding", "conclusies", "automatisch")


class RapportError(Geweigerd):
    """A refused change to a report; `str(error)` is the Dutch message (status 422)."""


class RapportNietGevonden(RapportError, NietGevonden):
    """The vraag is not one this person works on, or has no report yet: a 404."""

    def __init__(self, melding: str = GEEN_RAPPORT) -> None:
        super().__init__(melding)


class RapportGelijktijdigGewijzigd(RapportError, GelijktijdigGewijzigd):
    """Someone else saved the report since this form was opened: a 409."""

    def __init__(self) -> None:
        super().__init__(GELIJKTIJDIG)


class OngeldigeLink(RapportError, NietGevonden):
    """A remove-me link that was not made by us (any key of the ring): the plain 404 page,
    which tells no more than any unknown address would."""

    def __init__(self) -> None:
        super().__init__(NietGevonden().melding)


async def _vraag(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    """The vraag, if this person works on it; otherwise as if it did not exist."""
    vraag = await vragen.load_vraag_for(user, vraag_id)
    if vraag is None:
        raise RapportNietGevonden()
    return vraag


def _check_stap(vraag: dict[str, Any], actie: Actie) -> None:
    reden = stappen.weigering(vraag["stap"], actie)
    if reden is not None:
        raise RapportError(reden)


@dataclass(frozen=True)
class RapportRij:
    """A vraag's report as stored (or, with `id` None, the draft the page shows before it is)."""

    id: int | None
    vraag: int
    gemeente: int
    sleutel: str
    titel: str
    inleiding: str
    conclusies: str
    inleiding_html: str
    conclusies_html: str
    automatisch: bool
    goedgekeurd_at: datetime | None
    gepubliceerd_at: datetime | None
    ontvangers: int | None
    vervolg_at: datetime | None
    vervolg_ontvangers: int | None
    gewijzigd_at: datetime | None
    versie: int
    aangemaakt_at: datetime | None
    pdf: bytes | None = field(default=None, repr=False)

    @property
    def opgeslagen_id(self) -> int:
        """The id of a stored report; a draft has none, as if it did not exist (404)."""
        if self.id is None:
            raise RapportNietGevonden()
        return self.id

    def __getitem__(self, key: str) -> Any:
        # The bridge for code that reads a report as a dict (peilingen' pages, the CLI, tests).
        return getattr(self, key)


def _moment(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _rij(row: dict[str, Any]) -> RapportRij:
    """The one loader of a report row; moments as aware UTC on both engines."""
    return RapportRij(
        id=row["id"],
        vraag=row["vraag"],
        gemeente=row["gemeente"],
        sleutel=row["sleutel"],
        titel=row["titel"],
        inleiding=row["inleiding"],
        conclusies=row["conclusies"],
        inleiding_html=row["inleiding_html"],
        conclusies_html=row["conclusies_html"],
        automatisch=bool(row["automatisch"]),
        goedgekeurd_at=_moment(row["goedgekeurd_at"]),
        gepubliceerd_at=_moment(row["gepubliceerd_at"]),
        ontvangers=row["ontvangers"],
        vervolg_at=_moment(row["vervolg_at"]),
        vervolg_ontvangers=row["vervolg_ontvangers"],
        gewijzigd_at=_moment(row["gewijzigd_at"]),
        versie=row["versie"],
        aangemaakt_at=_moment(row["aangemaakt_at"]),
        pdf=bytes(row["pdf"]) if row["pdf"] is not None else None,
    )


async def load_rapport(vraag_id: int) -> RapportRij | None:
    row = await Rapport.select().where(Rapport.vraag == vraag_id).first()
    return _rij(row) if row is not None else None


async def gepubliceerde_rapporten(gemeente_id: int) -> list[dict[str, Any]]:
    """Title, key and date of a council's published reports, newest first (the public list)."""
    return await (
        Rapport.select(Rapport.titel, Rapport.sleutel, Rapport.gepubliceerd_at)
        .where((Rapport.gemeente == gemeente_id) & Rapport.gepubliceerd_at.is_not_null())
        .order_by(Rapport.gepubliceerd_at, ascending=False)
    )


async def gepubliceerd_rapport(gemeente_id: int, sleutel: str) -> RapportRij | None:
    """A council's published report by its public key; None for any other."""
    row = (
        await Rapport.select()
        .where(
            (Rapport.sleutel == sleutel)
            & (Rapport.gemeente == gemeente_id)
            & Rapport.gepubliceerd_at.is_not_null()
        )
        .first()
    )
    return _rij(row) if row is not None else None


async def rapport_van(user: Ingelogd, vraag_id: int) -> tuple[dict[str, Any], RapportRij]:
    """(vraag, report) for the council's page. Reads only: before a report is stored this is
    its draft (`concept`, id None), refused where the step allows no report yet."""
    vraag = await _vraag(user, vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is None:
        _check_stap(vraag, Actie.RAPPORT_SCHRIJVEN)
        rapport = concept(vraag)
    return vraag, rapport


def concept(vraag: dict[str, Any]) -> RapportRij:
    """The report the page shows before one is stored: saving it creates it (versie 0)."""
    return RapportRij(
        id=None,
        vraag=vraag["id"],
        gemeente=vraag["gemeente"],
        sleutel="",
        titel=_standaard_titel(vraag),
        inleiding="",
        conclusies="",
        inleiding_html="",
        conclusies_html="",
        automatisch=False,
        goedgekeurd_at=None,
        gepubliceerd_at=None,
        ontvangers=None,
        vervolg_at=None,
        vervolg_ontvangers=None,
        gewijzigd_at=None,
        versie=0,
        aangemaakt_at=None,
    )


def _standaard_titel(vraag: dict[str, Any]) -> str:
    return f"Wat inwoners zeiden over: {vraag['titel']}"[:200]


async def _insert(user: Ingelogd, vraag: dict[str, Any], velden: dict[Any, Any]) -> int | None:
    """Store the vraag's report with `velden` and trace it; None if one exists already.
    Call inside a transaction."""
    rows = (
        await Rapport.insert(
            Rapport(
                vraag=vraag["id"],
                gemeente=vraag["gemeente"],
                sleutel=secrets.token_urlsafe(9)[:12],
                aangemaakt_at=now(),
                **{column._meta.name: value for column, value in velden.items()},
            )
        )
        .on_conflict(target=Rapport.vraag, action="DO NOTHING")
        .returning(Rapport.id)
    )
    if not rows:
        return None
    await spoor.record(
        user,
        "rapport_aangemaakt",
        onderwerp="rapport",
        onderwerp_id=rows[0]["id"],
        vraag_id=vraag["id"],
        gemeente_id=vraag["gemeente"],
        na={column._meta.name: value for column, value in velden.items() if column._meta.name in TEKSTVELDEN},
    )
    return int(rows[0]["id"])


async def create_rapport(user: Ingelogd, vraag_id: int) -> RapportRij:
    """The vraag's report, stored empty (with a title) if there is none yet. For scripts and
    tests: the council's page shows a draft and stores the report by its first save."""
    vraag = await _vraag(user, vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is not None:
        return rapport
    _check_stap(vraag, Actie.RAPPORT_SCHRIJVEN)
    async with Rapport._meta.db.transaction():
        await _insert(user, vraag, {Rapport.titel: _standaard_titel(vraag)})
    rapport = await load_rapport(vraag_id)
    assert rapport is not None  # inserted just now, or by someone else meanwhile
    return rapport


# Older name: scripts (demo.py) and tests get or make the report with it.
rapport_voor = create_rapport


async def update_rapport(
    user: Ingelogd,
    vraag_id: int,
    *,
    versie: int,
    titel: str,
    inleiding: str,
    conclusies: str,
    automatisch: bool,
) -> None:
    """Save the council's texts. `versie` is the version the form showed: 0 for the draft of a
    report not stored yet (this save stores it), and a save over someone else's is refused.
    After publication the PDF is made of the new text first; a text it cannot be made of is
    refused, and nothing is written."""
    vraag = await _vraag(user, vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is None:
        _check_stap(vraag, Actie.RAPPORT_SCHRIJVEN)
    fouten: dict[str, str] = {}
    # The labels are msgids: text_field translates them into its message. "een titel" is
    # marked (and translated) by peilingen, which asks for a title the same way.
    titel = _text(fouten, "titel", titel, "een titel", max_length=200, required=True)
    inleiding = _text(
        fouten, "inleiding", inleiding, N_("een inleiding"), max_length=MAX_MARKDOWN, required=False
    )
    conclusies = _text(
        fouten, "conclusies", conclusies, N_("de conclusies"), max_length=MAX_MARKDOWN, required=False
    )
    if fouten:
        raise OngeldigeInvoer(fouten)
    if (rapport is None) != (versie == 0) or (rapport is not None and rapport.versie != versie):
        raise RapportGelijktijdigGewijzigd()
    # Rendered once, here, beside the server: page views only show the stored HTML.
    try:
        inleiding_html, conclusies_html = await render_isolated([inleiding, conclusies])
    except MarkdownTeZwaar:
        raise OngeldigeInvoer({"conclusies": TE_ZWAAR}) from None
    changes: dict[Any, Any] = {
        Rapport.titel: titel,
        Rapport.inleiding: inleiding,
        Rapport.conclusies: conclusies,
        Rapport.inleiding_html: inleiding_html,
        Rapport.conclusies_html: conclusies_html,
        Rapport.automatisch: automatisch,
    }
    if rapport is None:
        async with Rapport._meta.db.transaction():
            if await _insert(user, vraag, changes) is None:
                raise RapportGelijktijdigGewijzigd()  # someone else stored one just now
        return
    changes[Rapport.versie] = versie + 1
    is_published = rapport.gepubliceerd_at is not None
    if not is_published:
        # A change withdraws an earlier approval: approve what will be sent.
        changes[Rapport.goedgekeurd_at] = None
    else:
        # Readers see that the report changed after it went out, and the PDF says the same as
        # the page: it is made of the new text first, and a text it cannot be made of is refused.
        changes[Rapport.gewijzigd_at] = now()
        nieuw = {"titel": titel, "inleiding_html": inleiding_html, "conclusies_html": conclusies_html}
        nieuw["gewijzigd_at"] = changes[Rapport.gewijzigd_at]
        changes[Rapport.pdf] = await render_pdf(rapport.opgeslagen_id, nieuw)
    voor = {veld: rapport[veld] for veld in TEKSTVELDEN}
    na = {"titel": titel, "inleiding": inleiding, "conclusies": conclusies, "automatisch": automatisch}
    if rapport.goedgekeurd_at is not None and not is_published:
        voor["goedgekeurd"], na["goedgekeurd"] = True, False
    voor, na = spoor.changed(voor, na)
    async with Rapport._meta.db.transaction():
        updated = (
            await Rapport.update(changes)
            .where((Rapport.id == rapport.id) & (Rapport.versie == versie))
            .returning(Rapport.id)
        )
        if not updated:
            raise RapportGelijktijdigGewijzigd()
        await spoor.record(
            user,
            "rapport_gewijzigd_na_publicatie" if is_published else "rapport_gewijzigd",
            onderwerp="rapport",
            onderwerp_id=rapport.id,
            vraag_id=vraag_id,
            gemeente_id=rapport.gemeente,
            voor=voor,
            na=na,
        )
    if is_published:
        log_event("rapport_gewijzigd_na_publicatie", door=user.id, rapport=rapport.id, versie=versie + 1)


async def approve(user: Ingelogd, vraag_id: int) -> None:
    await _vraag(user, vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is None or not rapport.conclusies.strip():
        raise OngeldigeInvoer({"conclusies": NIET_GOEDGEKEURD})
    moment = now()
    async with Rapport._meta.db.transaction():
        await Rapport.update({Rapport.goedgekeurd_at: moment}).where(Rapport.id == rapport.id)
        await spoor.record(
            user,
            "rapport_goedgekeurd",
            onderwerp="rapport",
            onderwerp_id=rapport.id,
            vraag_id=vraag_id,
            gemeente_id=rapport.gemeente,
            voor={"goedgekeurd_at": rapport.goedgekeurd_at},
            na={"goedgekeurd_at": moment},
        )
    log_event("rapport_goedgekeurd", door=user.id, rapport=rapport.id)


# --- recipients ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ontvanger:
    """One address the report goes to: whether it wants the follow-up, and the language its
    mails are in ("nl"/"en")."""

    wil_vervolg: bool
    taal: str = STANDAARD


def _taal(adres: Any) -> str:
    # The language the address was left in (a poll's address, a focus group member); "nl" for
    # a row that has none.
    return str(adres.get("taal") or STANDAARD)


def _samen(talen: list[str]) -> str:
    # One address left twice, once on an English page: English. Whoever chose English once may
    # not read Dutch; a Dutch reader who looked at the English page can read it.
    return EN if EN in talen else STANDAARD


async def recipients(vraag_id: int) -> dict[str, Ontvanger]:
    """Every address left for this vraag's polls and its focus groups' residents, once each
    (lower-cased), with whether they want the follow-up on the municipality's reaction and
    the language to write to them in."""
    out: dict[str, Ontvanger] = {}
    peilingen = await rapportadressen.peiling_ids(vraag_id)
    for adres in await rapportadressen.adressen_voor(peilingen):
        email = adres.email.strip().lower()
        eerder = out.get(email)
        talen = [_taal(adres)] + ([eerder.taal] if eerder else [])
        out[email] = Ontvanger(
            wil_vervolg=(eerder is not None and eerder.wil_vervolg) or adres.wil_vervolg,
            taal=_samen(talen),
        )
    for lid in await focusgroep_queries.inwoner_ontvangers(vraag_id):
        email = lid["email"].strip().lower()
        eerder = out.get(email)
        if eerder is None:
            out[email] = Ontvanger(wil_vervolg=False, taal=_taal(lid))
        else:
            out[email] = Ontvanger(wil_vervolg=eerder.wil_vervolg, taal=_samen([eerder.taal, _taal(lid)]))
    return out


def _adres(email: str) -> str:
    return f"rapportadres:{email.strip().lower()}"


def adres_hash(secret: str, email: str) -> str:
    return keyed(secret, _adres(email))[:32]


def afmeld_pad(secret: str, rapport_id: int, email: str) -> str:
    h = adres_hash(secret, email)
    token = keyed(secret, f"rapport-afmelden:{rapport_id}:{h}")[:32]
    return f"/r/{rapport_id}/afmelden/{h}/{token}"


def check_afmeld_token(secret: sleutels.Sleutels, rapport_id: int, h: str, token: str) -> None:
    """Any key of the ring may have made the link: one mailed before a key rotation works."""
    if not sleutels.matches(secret, f"rapport-afmelden:{rapport_id}:{h}", token, 32):
        raise OngeldigeLink()


async def remove_me(secret: sleutels.Sleutels, rapport_id: int, h: str, token: str) -> str:
    """The remove-me link: forget this address for the report's follow-up. The resident's own
    act: no trail line (it would name them), only a count in the log. Returns the report's
    public path, where the resident can still read it."""
    check_afmeld_token(secret, rapport_id, h, token)
    rapport = (
        await Rapport.select(
            Rapport.id, Rapport.vraag, Rapport.sleutel, Rapport.gemeente.slug.as_alias("slug")
        )
        .where(Rapport.id == rapport_id)
        .first()
    )
    if rapport is None:
        raise OngeldigeLink()
    peilingen = await rapportadressen.peiling_ids(rapport["vraag"])
    mine = [
        a.id
        for a in await rapportadressen.adressen_voor(peilingen)
        if sleutels.matches(secret, _adres(a.email), h, 32)
    ]
    await rapportadressen.vergeet(mine)
    log_event("rapport_afgemeld", rapport=rapport_id, aantal=len(mine))  # "adres" keys are dropped
    return f"/rapporten/{rapport['slug']}/{rapport['sleutel']}"


# --- publishing and the mail-out ---------------------------------------------------------------


async def render_pdf(rapport_id: int, nieuw: dict[str, Any] | None = None) -> bytes:
    """The report's PDF (with the `nieuw` values of a change not yet saved), made in a child
    process with a time limit; a report it takes too long for is refused (OngeldigeInvoer)."""
    html = await inhoud.render_html(rapport_id, nieuw)
    try:
        return await pdf.make_pdf(html)
    except pdf.PdfTeZwaar:
        raise OngeldigeInvoer({"conclusies": PDF_TE_ZWAAR}) from None


async def _store_pdf(rapport_id: int) -> None:
    pdf_bytes = await render_pdf(rapport_id)
    await Rapport.update({Rapport.pdf: pdf_bytes}).where(Rapport.id == rapport_id)


async def _refresh_pdf(rapport_id: int) -> None:
    """For jobs: a PDF that cannot be made again keeps the previous one, the job goes on."""
    try:
        await _store_pdf(rapport_id)
    except OngeldigeInvoer:
        log_event("rapport_pdf_te_zwaar", rapport=rapport_id)


async def pdf_bijlage(sleutel: str) -> outbox.Bijlage | None:
    """The report's PDF for the outbox, if small enough to attach."""
    row = await Rapport.select(Rapport.pdf).where(Rapport.id == int(sleutel)).first()
    if row is None or row["pdf"] is None or len(row["pdf"]) > PDF_BIJLAGE_MAX:
        return None
    return outbox.Bijlage(naam="rapport.pdf", mime_type="application/pdf", inhoud=bytes(row["pdf"]))


outbox.register_bijlage_bron("rapport", pdf_bijlage)


async def publish(user: Ingelogd | None, vraag_id: int, settings: Settings) -> int:
    """Publish and queue the mail-out; returns how many mails were queued. `user` None is the
    planner (a report set to go by itself). Publishing twice queues nothing twice: the mails
    have a key per report and address."""
    if user is not None:
        vraag = await _vraag(user, vraag_id)
    else:
        vraag = await vragen.load_vraag(vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is not None and rapport.gepubliceerd_at is not None:
        return 0
    _check_stap(vraag, Actie.RAPPORT_PUBLICEREN)
    if rapport is None or not rapport.conclusies.strip():
        raise OngeldigeInvoer({"conclusies": NIET_GEPUBLICEERD})
    # The PDF is rendered first, outside the transaction: WeasyPrint takes a moment.
    await _store_pdf(rapport.opgeslagen_id)
    queued = await _queue_mailout(user, rapport, vraag, settings)
    if queued is None:
        return 0  # someone else published it just now
    log_event("rapport_gepubliceerd", door=user.id if user else None, rapport=rapport.id, mails=queued)
    return queued


async def _queue_mailout(
    user: Ingelogd | None, rapport: RapportRij, vraag: dict[str, Any], settings: Settings
) -> int | None:
    """In one transaction: mark the report published, queue one mail per address and trace
    it (the number of recipients only).

    The polls' address locks are taken first, so an address left meanwhile either got in
    before (and is mailed here) or waits and is then refused with a link to the report. The
    addresses are read under the lock, and exactly the rows mailed are deleted.
    """
    raad = await vragen.raad_of(vraag)
    pad = f"/rapporten/{raad['slug']}/{rapport['sleutel']}"
    groep = f"rapport:{rapport['id']}"
    async with Rapport._meta.db.transaction():
        peilingen = await rapportadressen.peiling_ids(vraag["id"])
        await adressen.lock(peilingen)
        moment = now()
        claimed = (
            await Rapport.update({Rapport.gepubliceerd_at: moment})
            .where((Rapport.id == rapport.id) & Rapport.gepubliceerd_at.is_null())
            .returning(Rapport.id)
        )
        if not claimed:
            return None
        for peiling_id in peilingen:
            await adressen.finalize(peiling_id, settings.secret_ring)
        rows = await rapportadressen.adressen_voor(peilingen)
        uit_peiling = {r.email.strip().lower() for r in rows}
        ontvangers = await recipients(vraag["id"])
        await Rapport.update({Rapport.ontvangers: len(ontvangers)}).where(Rapport.id == rapport.id)
        vervolg_maanden = await vervolg_bewaartermijn_maanden()
        bewaard_tot = plus_months(moment, vervolg_maanden)
        for email in sorted(ontvangers):
            ontvanger = ontvangers[email]
            # The date written out now, in the mail's language: the outbox keeps its context as
            # JSON, where a date is text the template's date filter cannot read.
            with in_taal(ontvanger.taal):
                bewaard_tot_tekst = datum(bewaard_tot) if ontvanger.wil_vervolg else ""
            await outbox.enqueue(
                email,
                "rapport",
                {
                    "raad_naam": raad["raad_naam"],
                    "titel": rapport.titel,
                    "vraag_titel": vraag["titel"],
                    "pad": pad,
                    "pdf_pad": f"{pad}/pdf",
                    "afmeld_pad": afmeld_pad(settings.secret_key, rapport.opgeslagen_id, email),
                    "wil_vervolg": ontvanger.wil_vervolg,
                    "vervolg_maanden": vervolg_maanden,
                    "bewaard_tot": bewaard_tot_tekst,
                    "uit_peiling": email in uit_peiling,
                    # A report may go out in terugkoppelen, before there is any advice: the
                    # mail promises advice only when the report holds it.
                    "heeft_advies": bool((vraag["advies_tekst"] or "").strip()),
                    "bijlage_bron": f"rapport:{rapport['id']}",
                },
                groep=groep,
                sleutel=f"{groep}:{adres_hash(settings.secret_key, email)}",
                taal=ontvanger.taal,
            )
        # Whoever only wanted the report is now only in the outbox: exactly the rows just read.
        await rapportadressen.vergeet([r.id for r in rows if not r.wil_vervolg])
        await spoor.record(
            user,
            "rapport_gepubliceerd",
            onderwerp="rapport",
            onderwerp_id=rapport.id,
            vraag_id=vraag["id"],
            gemeente_id=rapport.gemeente,
            voor={"gepubliceerd_at": None},
            na={"gepubliceerd_at": moment, "ontvangers": len(ontvangers)},
        )
    return len(ontvangers)


async def publish_automatic(settings: Settings) -> int:
    """Reports set to go by themselves, approved, whose vraag's polls have all closed."""
    due = await Rapport.select(Rapport.vraag).where(
        (Rapport.automatisch == True)  # noqa: E712 - a piccolo expression
        & Rapport.goedgekeurd_at.is_not_null()
        & Rapport.gepubliceerd_at.is_null()
    )
    published = 0
    for row in due:
        vraag = await vragen.load_vraag(row["vraag"])
        if await rapportadressen.alle_gesloten(row["vraag"]) and stappen.mag(
            vraag["stap"], Actie.RAPPORT_PUBLICEREN
        ):
            await publish(None, row["vraag"], settings)
            published += 1
    return published


async def send_followups(settings: Settings) -> int:
    """When the municipality's reaction is recorded: add it to the report (the page shows it
    by itself; the PDF is rendered again) and tell those who asked, then forget them."""
    # Only reports whose vraag has its reaction: the job runs every few minutes.
    due = await Rapport.select(
        Rapport.id, Rapport.vraag, Rapport.titel, Rapport.sleutel, Rapport.gemeente
    ).where(
        Rapport.gepubliceerd_at.is_not_null()
        & Rapport.vervolg_at.is_null()
        & Rapport.vraag.reactie_at.is_not_null()
    )
    sent = 0
    for rapport in due:
        vraag = await vragen.load_vraag(rapport["vraag"])
        await _refresh_pdf(rapport["id"])
        raad = await vragen.raad_of(vraag)
        peilingen = await rapportadressen.peiling_ids(vraag["id"])
        oordeel = dict(vragen.REACTIE_OORDELEN).get(vraag["reactie_oordeel"] or "", "")
        groep = f"rapport:{rapport['id']}:vervolg"
        pad = f"/rapporten/{raad['slug']}/{rapport['sleutel']}"
        async with Rapport._meta.db.transaction():
            claimed = (
                await Rapport.update({Rapport.vervolg_at: now()})
                .where((Rapport.id == rapport["id"]) & Rapport.vervolg_at.is_null())
                .returning(Rapport.id)
            )
            if not claimed:
                continue
            # Read inside the transaction: a remove-me click just before is respected.
            talen: dict[str, list[str]] = {}
            for a in await rapportadressen.adressen_voor(peilingen, alleen_vervolg=True):
                talen.setdefault(a.email.strip().lower(), []).append(_taal(a))
            vervolg = sorted(talen)
            await Rapport.update({Rapport.vervolg_ontvangers: len(vervolg)}).where(
                Rapport.id == rapport["id"]
            )
            for email in vervolg:
                await outbox.enqueue(
                    email,
                    "rapport_vervolg",
                    {
                        "raad_naam": raad["raad_naam"],
                        "titel": rapport["titel"],
                        "oordeel": oordeel,
                        "toelichting": vraag["reactie_toelichting"],
                        "pad": pad,
                        # For the List-Unsubscribe header mail providers expect on bulk mail.
                        "afmeld_pad": afmeld_pad(settings.secret_key, rapport["id"], email),
                    },
                    groep=groep,
                    sleutel=f"{groep}:{adres_hash(settings.secret_key, email)}",
                    taal=_samen(talen[email]),
                )
            await rapportadressen.vergeet_alle(peilingen)
            # The planner's act, traced like the first mail-out: a number, never an address.
            await spoor.record(
                None,
                "rapport_vervolg_verstuurd",
                onderwerp="rapport",
                onderwerp_id=rapport["id"],
                vraag_id=vraag["id"],
                gemeente_id=rapport["gemeente"],
                na={"vervolg_ontvangers": len(vervolg)},
            )
        sent += len(vervolg)
        log_event("rapport_vervolg", rapport=rapport["id"], mails=len(vervolg))
    return sent


async def vervolg_bewaartermijn_maanden() -> int:
    return await instellingen.read_int(VERVOLG_SLEUTEL, VERVOLG_STANDAARD)


async def set_vervolg_bewaartermijn(user: Ingelogd, maanden: str) -> None:
    """A beheerder's setting; runs in the caller's transaction when there is one (the settings
    page saves all its fields at once)."""
    if user.rol is not Rol.BEHEERDER:
        raise GeenToegang(ALLEEN_BEHEERDER)
    value = instellingen.parse_int(maanden)
    if value is None or not 1 <= value <= 36:
        raise OngeldigeInvoer({"vervolg_maanden": BEWAARTERMIJN})
    oud = await vervolg_bewaartermijn_maanden()
    async with Rapport._meta.db.transaction():
        await instellingen.write(VERVOLG_SLEUTEL, value)
        if oud != value:
            await spoor.record(
                user,
                "vervolg_bewaartermijn_gewijzigd",
                onderwerp="instelling",
                voor={VERVOLG_SLEUTEL: oud},
                na={VERVOLG_SLEUTEL: value},
            )
    log_event("vervolg_bewaartermijn_gewijzigd", door=user.id, maanden=value)


async def purge_followup_addresses(moment: datetime | None = None) -> int:
    """Addresses kept for a follow-up that never came are deleted after the maximum period."""
    moment = moment or now()
    maanden = await vervolg_bewaartermijn_maanden()
    waiting = await Rapport.select(Rapport.vraag, Rapport.gepubliceerd_at).where(
        Rapport.gepubliceerd_at.is_not_null() & Rapport.vervolg_at.is_null()
    )
    deleted = 0
    for rapport in waiting:
        if plus_months(as_utc(rapport["gepubliceerd_at"]), maanden) > moment:
            continue
        deleted += await rapportadressen.vergeet_alle(await rapportadressen.peiling_ids(rapport["vraag"]))
    return deleted


async def delivery(rapport_id: int) -> dict[str, Any]:
    """What the council sees: counts per state and the reasons of failures, no addresses."""
    groep = f"rapport:{rapport_id}"
    return {
        "telling": await outbox.counts(groep),
        "redenen": await outbox.failure_reasons(groep),
        "vervolg": await outbox.counts(f"{groep}:vervolg"),
        # Since when our mail server is away (Amsterdam time), or None.
        "storing": await outbox.outage_since(),
        "geduld_dagen": outbox.SERVER_GEDULD.days,
    }


async def retry_failed(user: Ingelogd, vraag_id: int) -> int:
    """Queue the report's finally failed mails again; traced with how many, if any."""
    await _vraag(user, vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is None:
        raise RapportNietGevonden()
    groep = f"rapport:{rapport['id']}"
    async with Rapport._meta.db.transaction():
        aantal = await outbox.retry_failed(groep) + await outbox.retry_failed(f"{groep}:vervolg")
        if aantal:
            await spoor.record(
                user,
                "rapport_mails_opnieuw",
                onderwerp="rapport",
                onderwerp_id=rapport.id,
                vraag_id=vraag_id,
                gemeente_id=rapport.gemeente,
                na={"opnieuw": aantal},
            )
    return aantal
