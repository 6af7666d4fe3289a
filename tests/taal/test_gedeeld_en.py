"""The shared refusals in English: form checks (invoer, tijd), the refusal family (fouten), login
limits, the start page's closing times and the trail's names. Made in the current language, so
Dutch stays exactly what it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from participatie import spoor, taal, tijd, werkbank
from participatie.accounts.domain import TeVeelHerstelVerzoeken, TeVeelPogingen
from participatie.fouten import GelijktijdigGewijzigd, Geweigerd, OngeldigeInvoer
from participatie.invoer import text_field
from participatie.taal import N_


def _text_errors(value: str, label: str, max_length: int = 10) -> dict[str, str]:
    fouten: dict[str, str] = {}
    text_field(fouten, "veld", value, label, max_length=max_length)
    return fouten


def test_text_field_messages_in_english_with_a_translated_label():
    with taal.in_taal("en"):
        leeg = _text_errors("", N_("een naam"))
        lang = _text_errors("x" * 11, N_("een naam"))

    assert leeg == {"veld": "Fill in a name."}
    assert lang == {"veld": "This may be at most 10 characters long."}


def test_text_field_messages_stay_dutch():
    assert _text_errors("", "een naam") == {"veld": "Vul een naam in."}
    assert _text_errors("x" * 11, "een naam") == {"veld": "Dit mag hoogstens 10 tekens lang zijn."}
    # An empty label is no msgid: looked up, it would bring the catalogue's header.
    with taal.in_taal("en"):
        assert "Project-Id-Version" not in _text_errors("", "")["veld"]


def test_date_messages_in_english_and_dutch():
    def fouten(value: str, **kwargs: bool) -> str:
        found: dict[str, str] = {}
        tijd.parse_date(found, "datum", value, required=True, **kwargs)
        return found["datum"]

    gisteren = (tijd.today() - timedelta(days=1)).isoformat()
    with taal.in_taal("en"):
        engels = [fouten(""), fouten("31-02-2026"), fouten(gisteren, future=True)]
    nederlands = [fouten(""), fouten("31-02-2026"), fouten(gisteren, future=True)]

    assert engels == [
        "Fill in a date.",
        "Fill in a valid date, such as 31-12-2026 (day-month-year).",
        "This date is in the past. Choose a date from today onwards.",
    ]
    assert nederlands == [
        "Vul een datum in.",
        "Vul een geldige datum in, zoals 31-12-2026.",
        "Deze datum ligt in het verleden. Kies een datum vanaf vandaag.",
    ]


def test_default_refusals_are_msgids_the_error_page_translates():
    refusals = [Geweigerd(), OngeldigeInvoer({}), GelijktijdigGewijzigd()]

    with taal.in_taal("en"):
        shown = [taal.gettext(r.melding) for r in refusals]

    assert [r.melding for r in refusals] == [
        "Dit kan nu niet.",
        "Niet alles is goed ingevuld.",
        "Iemand anders heeft dit net gewijzigd. Bekijk de nieuwe versie en probeer het opnieuw.",
    ]
    assert shown == [
        "This is not possible right now.",
        "Not everything is filled in correctly.",
        "Someone else has just changed this. Look at the new version and try again.",
    ]


def test_login_limits_in_english_count_minutes_and_dutch_is_unchanged():
    with taal.in_taal("en"):
        een = TeVeelPogingen(retry_after=60).melding
        vijf = TeVeelHerstelVerzoeken(retry_after=300).melding

    assert een == "A wrong password was used too often. Try again in 1 minute."
    assert vijf == "Too many new links were asked for from here. Try again in 5 minutes."
    assert TeVeelPogingen(retry_after=60).melding == (
        "Er is te vaak een verkeerd wachtwoord gebruikt. Probeer het over 1 minuten opnieuw."
    )


def test_closing_times_on_the_start_page_in_english():
    nu = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # a Friday
    sluit = [nu + timedelta(hours=7), nu + timedelta(days=1, hours=7), nu + timedelta(days=7, hours=7)]

    with taal.in_taal("en"):
        engels = [werkbank.sluit_tekst(s, nu) for s in sluit] + [werkbank.sluit_tekst(None, nu)]
    nederlands = [werkbank.sluit_tekst(s, nu) for s in sluit]

    assert engels == [
        "closes today at 17:00",
        "closes tomorrow at 17:00",
        "closes on Friday 4 December 2026 at 17:00",
        "closes when the council closes it",
    ]
    assert nederlands == [
        "sluit vandaag om 17:00",
        "sluit morgen om 17:00",
        "sluit op vrijdag 4 december 2026 om 17:00",
    ]


def test_trail_names_in_english_and_dutch():
    def namen() -> list[str]:
        return [
            spoor.actie_tekst("peiling_gepubliceerd"),
            spoor.actie_tekst("iets_nieuws"),
            spoor.veld_tekst("deadline"),
            spoor.onderwerp_tekst("vergadering"),
            spoor.waarde_tekst(None),
            spoor.waarde_tekst(True),
            spoor.waarde_tekst(7, "verantwoordelijke", {}),
            spoor.waarde_tekst("2026-12-04"),
        ]

    with taal.in_taal("en"):
        engels = namen()

    assert engels == [
        "Survey opened",
        "iets nieuws",
        "deadline",
        "meeting",
        "(empty)",
        "yes",
        "account 7 (no longer exists)",
        "4 December 2026",
    ]
    assert namen() == [
        "Peiling geopend",
        "iets nieuws",
        "uiterste datum",
        "vergadering",
        "(leeg)",
        "ja",
        "account 7 (bestaat niet meer)",
        "4 december 2026",
    ]
