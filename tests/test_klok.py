"""One clock: every form that carries a date or time, saved unchanged in winter and in summer
time, leaves the stored row as it was; a moment on a page reads as the Dutch date and time.

The moments sit near midnight on purpose: 23:30 on 15 January is 22:30 UTC the same day, but
00:30 on 15 July is 22:30 UTC on 14 July, so a form that showed or read the UTC date would move
the meeting or the deadline by a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from participatie import tijd
from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep
from participatie.mail import outbox
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling
from participatie.spoor.tables import Spoorregel
from participatie.vragen import domain as vragen
from participatie.vragen.tables import Vraag
from tests.conftest import login, make_gebruiker
from tests.focusgroepen.test_domain import _meeting
from tests.peilingen.test_domain import _vraag_in_voorleggen
from tests.vragen.test_domain import _aanvraag, _versie
from tests.vragen.test_mails import _to_borging

# (date, begintijd, eindtijd) on the Dutch clock, and how a page must say it.
WINTER = (date(2027, 1, 15), "23:30", "23:59", "vrijdag 15 januari 2027, 23:30 tot 23:59")
ZOMER = (date(2027, 7, 15), "00:30", "01:30", "donderdag 15 juli 2027, 00:30 tot 01:30")
SEIZOENEN = pytest.mark.parametrize("seizoen", [WINTER, ZOMER], ids=["winter", "zomer"])


class _Formulier(HTMLParser):
    """What a browser sends for one form of a page: its inputs, selects and textareas as they
    stand (checked boxes only, the selected option or else the first), CSRF token included."""

    def __init__(self, action: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.gevonden = False
        self.binnen = False
        self.velden: list[tuple[str, str]] = []
        self._select: str | None = None
        self._keuzes: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._tekst: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            # action=None: the form without an action attribute (it posts to its own page).
            if not self.gevonden and a.get("action") == self.action:
                self.gevonden = self.binnen = True
            return
        name = a.get("name")
        if not self.binnen:
            return
        if tag == "input" and name:
            soort = a.get("type") or "text"
            if soort in ("submit", "button", "reset", "image", "file"):
                return
            if soort in ("checkbox", "radio") and "checked" not in a:
                return
            self.velden.append((name, a.get("value") or ("on" if soort in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._keuzes = name, []
        elif tag == "option" and self._select is not None:
            self._keuzes.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._tekst = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.binnen:
            self.binnen = False
        elif tag == "select" and self._select is not None:
            gekozen = [v for v, selected in self._keuzes if selected] or [v for v, _ in self._keuzes[:1]]
            self.velden += [(self._select, v) for v in gekozen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            tekst = "".join(self._tekst)
            # A browser drops the newline right after <textarea> and sends line breaks as CRLF.
            tekst = tekst.removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")
            self.velden.append((self._textarea, tekst))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._tekst.append(data)


def formulier(html: str, action: str | None) -> list[tuple[str, str]]:
    parser = _Formulier(action)
    parser.feed(html)
    assert parser.gevonden, f"geen formulier met action={action!r}"
    return parser.velden


def _as_data(velden: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in velden:
        data.setdefault(name, []).append(value)
    return data


async def save_unchanged(client: httpx.AsyncClient, page: str, action: str | None) -> httpx.Response:
    """GET the page, send its form back exactly as it stands (as a browser would)."""
    shown = await client.get(page)
    assert shown.status_code == 200
    velden = formulier(shown.text, action)
    return await client.post(action or page, data=_as_data(velden))


def _same_moments(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones: compare as aware UTC.
    return {k: tijd.as_utc(v) if isinstance(v, datetime) else v for k, v in row.items()}


async def _vraag_in_concretiseren(mensen, dag: date) -> int:
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"], advies_gewenst_op=dag.isoformat())
    await vragen.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    await vragen.update_concretisering(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        # One line: a browser sends line breaks as CRLF, and the domain keeps what it gets, so a text
        # written with "\n" outside a browser would differ (not a matter of the clock).
        precieze_vraag="Wat houdt mensen tegen?",
        aanpak="Persoonlijk gesprek",
        doelgroep="Klanten van de voedselbank",
        participatievormen=["bezoek op locatie"],
        planning="Maart",
        deadline=dag.isoformat(),
        verantwoordelijke=str(raadslid.id),
    )
    return vraag_id


async def _groep(mensen) -> int:
    vraag_id = await _vraag_in_voorleggen(mensen)
    return await focusgroepen.create_focusgroep(
        mensen["raadslid"],
        vraag_id,
        thema="Minimaregelingen",
        doel="Horen waar inwoners vastlopen.",
        eind_op="2027-12-31",
        verantwoordelijke=str(mensen["raadslid"].id),
    )


def _bijeenkomst(dag: date, begin: str, einde: str):
    # A one-line agenda: a browser sends line breaks as CRLF and the domain keeps what it gets,
    # so an agenda written with "\n" outside a browser would differ (not a matter of the clock).
    return _meeting(datum=dag.isoformat(), begintijd=begin, eindtijd=einde, agenda="Kennismaken")


# --- the forms, saved unchanged -------------------------------------------------------------


@SEIZOENEN
async def test_concretisering_saved_unchanged_keeps_the_row(client, mensen, seizoen):
    dag = seizoen[0]
    vraag_id = await _vraag_in_concretiseren(mensen, dag)
    before = await Vraag.select().where(Vraag.id == vraag_id).first()
    await login(client, "kees@beverwijk.example")
    page = f"/raad/beverwijk/vragen/{vraag_id}"

    saved = await save_unchanged(client, page, f"{page}/concretisering")
    after = await Vraag.select().where(Vraag.id == vraag_id).first()
    shown = await client.get(page)

    assert saved.status_code in (200, 302, 303)
    assert after["deadline"] == dag
    # Saving bumps the row's version counter; every other column stays as it was.
    assert _same_moments({**after, "versie": None}) == _same_moments({**before, "versie": None})
    assert dict(formulier(shown.text, f"{page}/concretisering"))["deadline"] == dag.isoformat()


@SEIZOENEN
async def test_adviesaanvraag_date_reads_back_as_typed(client, mensen, seizoen):
    dag = seizoen[0]
    await login(client, "marja@beverwijk.example")
    new_page = await client.get("/gemeente/beverwijk/aanvragen/nieuw")
    velden = dict(formulier(new_page.text, "/gemeente/beverwijk/aanvragen/nieuw"))
    velden.update(
        {
            "titel": "Minimaregelingen",
            "tekst": "Waarom vragen mensen de regelingen niet aan?",
            "thema": "minimabeleid",
            "contactpersoon": "Marja van Leeuwen",
            "advies_gewenst_op": dag.isoformat(),
        }
    )

    created = await client.post("/gemeente/beverwijk/aanvragen/nieuw", data=velden)
    assert created.status_code in (302, 303), created.text
    row = await Vraag.select(Vraag.id, Vraag.advies_gewenst_op).first()
    shown = await client.get(f"/gemeente/beverwijk/aanvragen/{row['id']}")

    assert row["advies_gewenst_op"] == dag
    assert f"Advies gewenst vóór {tijd.datum(dag)}." in shown.text


@SEIZOENEN
@pytest.mark.parametrize(
    ("wie", "page"),
    [
        ("marja@beverwijk.example", "/gemeente/beverwijk/aanvragen/{id}"),
        ("kees@beverwijk.example", "/raad/beverwijk/vragen/{id}"),
    ],
    ids=["ambtenaar", "raadslid"],
)
async def test_reactie_saved_unchanged_keeps_the_vervolg_date(client, mensen, seizoen, wie, page):
    dag = seizoen[0]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _to_borging(vraag_id, mensen["raadslid"])
    await vragen.record_reactie(
        vraag_id,
        mensen["ambtenaar"],
        oordeel="deels",
        toelichting="Het formulier wordt korter.",
        vervolg_op=dag.isoformat(),
    )
    before = await Vraag.select().where(Vraag.id == vraag_id).first()
    await login(client, wie)
    page = page.format(id=vraag_id)

    saved = await save_unchanged(client, page, f"{page}/reactie")
    after = await Vraag.select().where(Vraag.id == vraag_id).first()
    shown = await client.get(page)

    assert saved.status_code in (302, 303), saved.text[:500]
    assert after["vervolg_op"] == dag
    # Recording the reaction again bumps the version and stamps reactie_at anew (the moment it
    # was recorded); every other column stays as it was.
    ignored = {"versie": None, "reactie_at": None}
    assert _same_moments({**after, **ignored}) == _same_moments({**before, **ignored})
    assert f"Vervolg op {tijd.datum(dag)}." in shown.text


@pytest.mark.parametrize("dag", [date(2026, 1, 15), date(2026, 7, 15)], ids=["winter", "zomer"])
async def test_activiteit_date_reads_back_as_typed(client, mensen, dag):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, "kees@beverwijk.example")
    page = f"/raad/beverwijk/vragen/{vraag_id}"
    velden = dict(formulier((await client.get(page)).text, f"{page}/activiteiten"))
    velden.update({"waar": "de voedselbank", "op": dag.isoformat(), "bereikt": "12"})

    saved = await client.post(f"{page}/activiteiten", data=velden)
    shown = await client.get(page)

    assert saved.status_code in (302, 303), saved.text[:500]
    assert f"{tijd.datum(dag)}: de voedselbank – 12 inwoners bereikt" in shown.text


@SEIZOENEN
async def test_focusgroep_change_saved_unchanged_keeps_the_row(client, mensen, seizoen):
    dag = seizoen[0]
    groep_id = await _groep(mensen)
    await focusgroepen.change_focusgroep(
        mensen["raadslid"],
        groep_id,
        thema="Minimaregelingen",
        doel="Horen waar inwoners vastlopen.",
        eind_op=dag.isoformat(),
        verantwoordelijke=str(mensen["raadslid"].id),
    )
    before = await Focusgroep.select().where(Focusgroep.id == groep_id).first()
    await login(client, "kees@beverwijk.example")

    saved = await save_unchanged(client, f"/raad/beverwijk/focusgroepen/{groep_id}/wijzigen", None)
    after = await Focusgroep.select().where(Focusgroep.id == groep_id).first()
    shown = await client.get(f"/raad/beverwijk/focusgroepen/{groep_id}")

    assert saved.status_code in (302, 303), saved.text[:500]
    assert _same_moments(after) == _same_moments(before)
    assert after["eind_op"] == dag
    assert f"loopt tot en met {tijd.datum(dag)}" in shown.text


@SEIZOENEN
async def test_bijeenkomst_saved_unchanged_keeps_the_row(client, mensen, settings, seizoen):
    dag, begin, einde, _ = seizoen
    groep_id = await _groep(mensen)
    bijeenkomst_id = await focusgroepen.plan_bijeenkomst(
        mensen["raadslid"],
        groep_id,
        settings,
        _bijeenkomst(dag, begin, einde),
    )
    before = await Bijeenkomst.select().where(Bijeenkomst.id == bijeenkomst_id).first()
    await login(client, "kees@beverwijk.example")
    page = f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten/{bijeenkomst_id}"

    saved = await save_unchanged(client, page, page)
    after = await Bijeenkomst.select().where(Bijeenkomst.id == bijeenkomst_id).first()

    assert saved.status_code in (302, 303), saved.text[:500]
    assert (tijd.local(after["begint_at"]).date(), tijd.tijd(after["begint_at"])) == (dag, begin)
    assert _same_moments(after) == _same_moments(before)


@SEIZOENEN
async def test_peiling_settings_saved_unchanged_keep_the_row(client, mensen, seizoen):
    dag, begin, _, _ = seizoen
    opent = f"{(dag - timedelta(days=1)).isoformat()}T{begin}"
    sluit = f"{dag.isoformat()}T{begin}"
    vraag_id = await _vraag_in_voorleggen(mensen)
    peiling_id = await peilingen.create_peiling(
        mensen["raadslid"], vraag_id, titel="Minimaregelingen", intro="Vijf korte vragen.", toegang="link"
    )
    await peilingen.update_peiling(
        mensen["raadslid"],
        peiling_id,
        titel="Minimaregelingen",
        intro="Vijf korte vragen.",
        toegang="link",
        opent_at=opent,
        sluit_at=sluit,
    )
    before = await Peiling.select().where(Peiling.id == peiling_id).first()
    await login(client, "kees@beverwijk.example")
    page = f"/raad/beverwijk/peilingen/{peiling_id}"

    saved = await save_unchanged(client, page, page)
    after = await Peiling.select().where(Peiling.id == peiling_id).first()
    shown = dict(formulier((await client.get(page)).text, page))

    assert saved.status_code in (302, 303), saved.text[:500]
    assert (shown["opent_at"], shown["sluit_at"]) == (opent, sluit)
    assert tijd.invoer_moment(after["sluit_at"]) == sluit
    # Saving bumps the poll's version counter; every other column stays as it was.
    assert _same_moments({**after, "versie": None}) == _same_moments({**before, "versie": None})


@SEIZOENEN
async def test_spoor_search_sent_again_finds_the_same(client, settings, database, seizoen):
    dag, begin, _, _ = seizoen
    at = tijd.from_local(datetime.combine(dag, datetime.strptime(begin, "%H:%M").time()))
    await Spoorregel.insert(
        Spoorregel(
            at=at,
            door=None,
            door_naam="Anna de Wit",
            onderwerp="vraag",
            actie="vraag_gewijzigd",
            voor={},
            na={},
        )
    )
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")
    typed = f"{dag.day}-{dag.month}-{dag.year}"

    first = await client.get("/beheer/spoor", params={"van": typed, "tot": typed})
    velden = formulier(first.text, "/beheer/spoor")
    again = await client.get("/beheer/spoor", params=velden)
    day_before = await client.get(
        "/beheer/spoor", params={"van": "", "tot": f"{dag.day - 1}-{dag.month}-{dag.year}"}
    )

    assert formulier(again.text, "/beheer/spoor") == velden
    assert dict(velden)["van"] == typed
    assert f'data-label="Wanneer">{tijd.datum(dag)} om {begin}</td>' in first.text
    assert again.text.count("Anna de Wit") == first.text.count("Anna de Wit") == 1
    assert "Anna de Wit" not in day_before.text


# --- a moment on a page ----------------------------------------------------------------------


@SEIZOENEN
async def test_meeting_near_midnight_reads_as_the_dutch_date_and_time(client, mensen, settings, seizoen):
    dag, begin, einde, zin = seizoen
    groep_id = await _groep(mensen)
    bijeenkomst_id = await focusgroepen.plan_bijeenkomst(
        mensen["raadslid"],
        groep_id,
        settings,
        _bijeenkomst(dag, begin, einde),
    )
    await login(client, "kees@beverwijk.example")

    page = await client.get(f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten/{bijeenkomst_id}")
    row = await Bijeenkomst.select(Bijeenkomst.begint_at).where(Bijeenkomst.id == bijeenkomst_id).first()

    assert f"<h1>Bijeenkomst {zin}</h1>" in page.text
    velden = dict(
        formulier(page.text, f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten/{bijeenkomst_id}")
    )
    assert (velden["datum"], velden["begintijd"], velden["eindtijd"]) == (dag.isoformat(), begin, einde)
    # Stored in UTC: 22:30, on the 14th in summer time.
    utc_dag = 15 if dag.month == 1 else 14
    assert tijd.as_utc(row["begint_at"]) == datetime(2027, dag.month, utc_dag, 22, 30, tzinfo=UTC)


def test_babel_formats_winter_and_summer_on_the_dutch_clock():
    winter = datetime(2027, 1, 15, 22, 30, tzinfo=UTC)
    zomer = datetime(2027, 7, 14, 22, 30, tzinfo=UTC)

    assert (tijd.datum_lang(winter), tijd.tijd(winter)) == ("vrijdag 15 januari 2027", "23:30")
    assert (tijd.datum_lang(zomer), tijd.tijd(zomer)) == ("donderdag 15 juli 2027", "00:30")
    assert tijd.moment(zomer) == "15 juli 2027 om 00:30"
    assert (tijd.invoer_moment(winter), tijd.invoer_moment(zomer)) == ("2027-01-15T23:30", "2027-07-15T00:30")


@pytest.mark.parametrize(
    ("utc", "herinnerd"),
    [
        (datetime(2027, 1, 14, 22, 59, tzinfo=UTC), 0),  # 23:59 on the 14th, Dutch clock: not late yet
        (datetime(2027, 1, 14, 23, 30, tzinfo=UTC), 1),  # 00:30 on the 15th: a day late
    ],
    ids=["laatste-minuut", "na-middernacht"],
)
async def test_overdue_reaction_counts_by_the_dutch_date(mensen, utc, herinnerd):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _to_borging(vraag_id, mensen["raadslid"])
    # The reaction was due on 14 January (arranged directly: the step sets it months ahead).
    await Vraag.update({Vraag.reactie_verwacht_op: date(2027, 1, 14)}).where(Vraag.id == vraag_id)

    assert await vragen.remind_overdue_borging(utc) == herinnerd


@SEIZOENEN
async def test_invitation_mail_reads_the_dutch_date_and_an_unchanged_save_sends_none(
    mensen, mail_settings, smtp, seizoen
):
    dag, begin, einde, zin = seizoen
    groep_id = await _groep(mensen)
    await focusgroepen.add_inwoner(
        mensen["raadslid"],
        groep_id,
        naam="Fatima el Amrani",
        email="fatima@example.org",
        telefoon="",
        toestemming=True,
    )
    bijeenkomst_id = await focusgroepen.plan_bijeenkomst(
        mensen["raadslid"], groep_id, mail_settings, _bijeenkomst(dag, begin, einde)
    )
    await outbox.drain(mail_settings)
    await focusgroepen.change_bijeenkomst(
        mensen["raadslid"], bijeenkomst_id, mail_settings, _bijeenkomst(dag, begin, einde)
    )
    await outbox.drain(mail_settings)

    (mail,) = smtp.to("fatima@example.org")
    assert f"Wanneer: {zin}" in mail.get_body("plain").get_content()
