"""Rapport use cases: compose, publish, mail out once to every participant, follow up.

Publishing renders the PDF first (outside the transaction: WeasyPrint takes a moment), then in
one transaction marks the report published and queues one mail per address. The addresses of
people who only wanted the report are deleted from the poll tables in that same transaction:
from then on they exist only in the outbox, which blanks them a day after delivery. Those who
also want to hear the municipality's reaction are kept until that follow-up (or a maximum
period a beheerder sets).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from participatie import sleutels
from participatie.accounts import instellingen
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Rol
from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.db import as_utc
from participatie.focusgroepen.domain import plus_months
from participatie.focusgroepen.tables import Focusgroep, Lid, Soort
from participatie.invoer import text_field as _text
from participatie.mail import outbox
from participatie.markdown import MAX_MARKDOWN, MarkdownTeZwaar, render_isolated
from participatie.peilingen import adressen
from participatie.peilingen.tables import Peiling, Rapportadres, Status
from participatie.rapporten import inhoud, pdf
from participatie.rapporten.tables import Rapport
from participatie.sleutels import keyed
from participatie.vragen import domain as vragen
from participatie.vragen.stappen import Stap

# A report's PDF goes along as an attachment up to this size; above it the mail links to it,
# so 10,000 mails do not carry megabytes each.
PDF_BIJLAGE_MAX = 1_000_000
VERVOLG_SLEUTEL = "vervolg_bewaartermijn_maanden"
VERVOLG_STANDAARD = 12
STAPPEN_SAMENSTELLEN = (Stap.VOORLEGGEN, Stap.TERUGKOPPELEN, Stap.ADVIES, Stap.BORGING, Stap.AFGEROND)
STAPPEN_PUBLICEREN = (Stap.TERUGKOPPELEN, Stap.ADVIES, Stap.BORGING, Stap.AFGEROND)
TE_ZWAAR = "Deze tekst is te ingewikkeld om te tonen. Gebruik minder opmaak of maak de tekst korter."
PDF_TE_ZWAAR = (
    "De PDF van dit rapport kost te veel tijd om te maken. "
    "Gebruik minder opmaak, zoals vet of schuin, of maak de tekst korter."
)


class RapportError(Exception):
    """A refused change; `str(error)` is the Dutch message."""


class GeenToegang(RapportError):
    def __init__(self) -> None:
        super().__init__("U kunt dit rapport niet wijzigen.")


class OngeldigeInvoer(RapportError):
    def __init__(self, fouten: dict[str, str]) -> None:
        self.fouten = fouten
        super().__init__("Niet alles is goed ingevuld.")


class OngeldigeLink(RapportError):
    def __init__(self) -> None:
        super().__init__("Deze link werkt niet (meer).")


def now() -> datetime:
    return datetime.now(UTC)


async def _vraag(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    try:
        vraag = await vragen.load_vraag(vraag_id)
    except vragen.VraagError:
        raise GeenToegang() from None
    if not vragen.may_work_on(user, vraag):
        raise GeenToegang()
    return vraag


async def load_rapport(vraag_id: int) -> dict[str, Any] | None:
    return await Rapport.select().where(Rapport.vraag == vraag_id).first()


async def rapport_voor(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    """The vraag's report, made (empty) on first visit by the council."""
    vraag = await _vraag(user, vraag_id)
    rapport = await load_rapport(vraag_id)
    if rapport is not None:
        return rapport
    if vraag["stap"] not in STAPPEN_SAMENSTELLEN:
        raise RapportError("Een rapport maakt u vanaf de stap voorleggen.")
    await Rapport.insert(
        Rapport(
            vraag=vraag_id,
            gemeente=vraag["gemeente"],
            sleutel=secrets.token_urlsafe(9)[:12],
            titel=f"Wat inwoners zeiden over: {vraag['titel']}"[:200],
            aangemaakt_at=now(),
        )
    ).on_conflict(target=Rapport.vraag, action="DO NOTHING")
    rapport = await load_rapport(vraag_id)
    assert rapport is not None
    return rapport


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
    rapport = await rapport_voor(user, vraag_id)
    fouten: dict[str, str] = {}
    titel = _text(fouten, "titel", titel, "een titel", max_length=200, required=True)
    inleiding = _text(
        fouten, "inleiding", inleiding, "een inleiding", max_length=MAX_MARKDOWN, required=False
    )
    conclusies = _text(
        fouten, "conclusies", conclusies, "de conclusies", max_length=MAX_MARKDOWN, required=False
    )
    if fouten:
        raise OngeldigeInvoer(fouten)
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
        Rapport.versie: versie + 1,
    }
    is_published = rapport["gepubliceerd_at"] is not None
    if not is_published:
        # A change withdraws an earlier approval: approve what will be sent.
        changes[Rapport.goedgekeurd_at] = None
    else:
        # Readers see that the report changed after it went out, and the PDF says the same as
        # the page: it is made of the new text first, and a text it cannot be made of is refused.
        changes[Rapport.gewijzigd_at] = now()
        nieuw = {"titel": titel, "inleiding_html": inleiding_html, "conclusies_html": conclusies_html}
        nieuw["gewijzigd_at"] = changes[Rapport.gewijzigd_at]
        changes[Rapport.pdf] = await render_pdf(rapport["id"], nieuw)
    updated = (
        await Rapport.update(changes)
        .where((Rapport.id == rapport["id"]) & (Rapport.versie == versie))
        .returning(Rapport.id)
    )
    if not updated:
        raise RapportError("Iemand anders heeft het rapport net gewijzigd. Laad de pagina opnieuw.")
    if is_published:
        log_event("rapport_gewijzigd_na_publicatie", door=user.id, rapport=rapport["id"], versie=versie + 1)


async def approve(user: Ingelogd, vraag_id: int) -> None:
    rapport = await rapport_voor(user, vraag_id)
    if not rapport["conclusies"].strip():
        raise OngeldigeInvoer({"conclusies": "Schrijf eerst de conclusies; daarna kunt u goedkeuren."})
    await Rapport.update({Rapport.goedgekeurd_at: now()}).where(Rapport.id == rapport["id"])
    log_event("rapport_goedgekeurd", door=user.id, rapport=rapport["id"])


# --- recipients ------------------------------------------------------------------------------


async def _peiling_ids(vraag_id: int) -> list[int]:
    return [p["id"] for p in await Peiling.select(Peiling.id).where(Peiling.vraag == vraag_id)]


async def recipients(vraag_id: int) -> dict[str, bool]:
    """Every address left for this vraag's polls and its focus groups' residents, once each
    (lower-cased), with whether they want the follow-up on the municipality's reaction."""
    out: dict[str, bool] = {}
    peilingen = await _peiling_ids(vraag_id)
    for row in await Rapportadres.select(Rapportadres.email, Rapportadres.wil_vervolg).where(
        Rapportadres.peiling.is_in(peilingen or [-1])
    ):
        email = row["email"].strip().lower()
        out[email] = out.get(email, False) or bool(row["wil_vervolg"])
    groepen = [g["id"] for g in await Focusgroep.select(Focusgroep.id).where(Focusgroep.vraag == vraag_id)]
    for row in await Lid.select(Lid.email).where(
        Lid.focusgroep.is_in(groepen or [-1])
        & (Lid.soort == Soort.INWONER.value)
        & Lid.email.is_not_null()
        & Lid.vertrokken_at.is_null()
    ):
        out.setdefault(row["email"].strip().lower(), False)
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


async def remove_me(secret: sleutels.Sleutels, rapport_id: int, h: str, token: str) -> None:
    """The remove-me link: forget this address for the report's follow-up."""
    check_afmeld_token(secret, rapport_id, h, token)
    rapport = await Rapport.select(Rapport.id, Rapport.vraag).where(Rapport.id == rapport_id).first()
    if rapport is None:
        raise OngeldigeLink()
    peilingen = await _peiling_ids(rapport["vraag"])
    rows = await Rapportadres.select(Rapportadres.id, Rapportadres.email).where(
        Rapportadres.peiling.is_in(peilingen or [-1])
    )
    mine = [r["id"] for r in rows if sleutels.matches(secret, _adres(r["email"]), h, 32)]
    if mine:
        await Rapportadres.delete().where(Rapportadres.id.is_in(mine))
    log_event("rapport_afgemeld", rapport=rapport_id, aantal=len(mine))  # "adres" keys are dropped


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
    """Publish and queue the mail-out; returns how many mails were queued. Publishing twice
    queues nothing twice: the mails have a key per report and address."""
    if user is not None:
        rapport = await rapport_voor(user, vraag_id)
    else:
        rapport = await load_rapport(vraag_id)
        assert rapport is not None
    vraag = await vragen.load_vraag(vraag_id)
    if rapport["gepubliceerd_at"] is not None:
        return 0
    if vraag["stap"] not in STAPPEN_PUBLICEREN:
        raise RapportError("Publiceren kan vanaf de stap terugkoppelen.")
    if not rapport["conclusies"].strip():
        raise OngeldigeInvoer({"conclusies": "Schrijf de conclusies voordat u publiceert."})
    # The PDF is rendered first, outside the transaction: WeasyPrint takes a moment.
    await _store_pdf(rapport["id"])
    queued = await _queue_mailout(rapport, vraag, settings)
    if queued is None:
        return 0  # someone else published it just now
    log_event("rapport_gepubliceerd", door=user.id if user else None, rapport=rapport["id"], mails=queued)
    return queued


async def _queue_mailout(rapport: dict[str, Any], vraag: dict[str, Any], settings: Settings) -> int | None:
    """In one transaction: mark the report published and queue one mail per address.

    The polls' address locks are taken first, so an address left meanwhile either got in
    before (and is mailed here) or waits and is then refused with a link to the report. The
    addresses are read under the lock, and exactly the rows mailed are deleted.
    """
    raad = await vragen.raad_of(vraag)
    pad = f"/rapporten/{raad['slug']}/{rapport['sleutel']}"
    groep = f"rapport:{rapport['id']}"
    async with Rapport._meta.db.transaction():
        peilingen = await _peiling_ids(vraag["id"])
        await adressen.lock(peilingen)
        claimed = (
            await Rapport.update({Rapport.gepubliceerd_at: now()})
            .where((Rapport.id == rapport["id"]) & Rapport.gepubliceerd_at.is_null())
            .returning(Rapport.id)
        )
        if not claimed:
            return None
        for peiling_id in peilingen:
            await adressen.finalize(peiling_id, settings.secret_ring)
        rows = await Rapportadres.select(Rapportadres.id, Rapportadres.email, Rapportadres.wil_vervolg).where(
            Rapportadres.peiling.is_in(peilingen or [-1])
        )
        uit_peiling = {r["email"].strip().lower() for r in rows}
        ontvangers = await recipients(vraag["id"])
        await Rapport.update({Rapport.ontvangers: len(ontvangers)}).where(Rapport.id == rapport["id"])
        vervolg_maanden = await vervolg_bewaartermijn_maanden()
        for email in sorted(ontvangers):
            await outbox.enqueue(
                email,
                "rapport",
                {
                    "raad_naam": raad["raad_naam"],
                    "titel": rapport["titel"],
                    "vraag_titel": vraag["titel"],
                    "pad": pad,
                    "pdf_pad": f"{pad}/pdf",
                    "afmeld_pad": afmeld_pad(settings.secret_key, rapport["id"], email),
                    "wil_vervolg": ontvangers[email],
                    "vervolg_maanden": vervolg_maanden,
                    "uit_peiling": email in uit_peiling,
                    "bijlage_bron": f"rapport:{rapport['id']}",
                },
                groep=groep,
                sleutel=f"{groep}:{adres_hash(settings.secret_key, email)}",
            )
        # Whoever only wanted the report is now only in the outbox: exactly the rows just read.
        mailed = [r["id"] for r in rows if not r["wil_vervolg"]]
        for start in range(0, len(mailed), 1000):
            await Rapportadres.delete().where(Rapportadres.id.is_in(mailed[start : start + 1000]))
    return len(ontvangers)


async def publish_automatic(settings: Settings) -> int:
    """Reports set to go by themselves, approved, whose vraag's polls have all closed."""
    due = await Rapport.select(Rapport.vraag).where(
        (Rapport.automatisch == True)  # noqa: E712
        & Rapport.goedgekeurd_at.is_not_null()
        & Rapport.gepubliceerd_at.is_null()
    )
    published = 0
    for row in due:
        statussen = {
            p["status"] for p in await Peiling.select(Peiling.status).where(Peiling.vraag == row["vraag"])
        }
        vraag = await vragen.load_vraag(row["vraag"])
        if statussen == {Status.GESLOTEN.value} and vraag["stap"] in STAPPEN_PUBLICEREN:
            await publish(None, row["vraag"], settings)
            published += 1
    return published


async def send_followups(settings: Settings) -> int:
    """When the municipality's reaction is recorded: add it to the report (the page shows it
    by itself; the PDF is rendered again) and tell those who asked, then forget them."""
    # Only reports whose vraag has its reaction: the job runs every few minutes.
    due = await Rapport.select(Rapport.id, Rapport.vraag, Rapport.titel, Rapport.sleutel).where(
        Rapport.gepubliceerd_at.is_not_null()
        & Rapport.vervolg_at.is_null()
        & Rapport.vraag.reactie_at.is_not_null()
    )
    sent = 0
    for rapport in due:
        vraag = await vragen.load_vraag(rapport["vraag"])
        await _refresh_pdf(rapport["id"])
        raad = await vragen.raad_of(vraag)
        peilingen = await _peiling_ids(vraag["id"])
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
            vervolg = sorted(
                {
                    r["email"].strip().lower()
                    for r in await Rapportadres.select(Rapportadres.email).where(
                        Rapportadres.peiling.is_in(peilingen or [-1]) & (Rapportadres.wil_vervolg == True)  # noqa: E712
                    )
                }
            )
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
                )
            await Rapportadres.delete().where(Rapportadres.peiling.is_in(peilingen or [-1]))
        sent += len(vervolg)
        log_event("rapport_vervolg", rapport=rapport["id"], mails=len(vervolg))
    return sent


async def vervolg_bewaartermijn_maanden() -> int:
    return await instellingen.read_int(VERVOLG_SLEUTEL, VERVOLG_STANDAARD)


async def set_vervolg_bewaartermijn(user: Ingelogd, maanden: str) -> None:
    if user.rol is not Rol.BEHEERDER:
        raise GeenToegang()
    value = instellingen.parse_int(maanden)
    if value is None or not 1 <= value <= 36:
        raise OngeldigeInvoer({"vervolg_maanden": "Kies een bewaartermijn van 1 tot en met 36 maanden."})
    await instellingen.write(VERVOLG_SLEUTEL, value)
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
        peilingen = await _peiling_ids(rapport["vraag"])
        rows = (
            await Rapportadres.delete()
            .where(Rapportadres.peiling.is_in(peilingen or [-1]))
            .returning(Rapportadres.id)
        )
        deleted += len(rows)
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
    rapport = await rapport_voor(user, vraag_id)
    return await outbox.retry_failed(f"rapport:{rapport['id']}") + await outbox.retry_failed(
        f"rapport:{rapport['id']}:vervolg"
    )
