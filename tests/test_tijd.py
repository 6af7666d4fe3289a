"""The one clock: UTC stored, the Dutch clock shown and read, Babel's Dutch words.

Pure functions, so no database: the same on both engines.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from participatie import tijd
from participatie.sjablonen import environment

# The switch days of 2026: clocks go 02:00 -> 03:00 on 29 March and 03:00 -> 02:00 on 25 October,
# both at 01:00 UTC.
ZOMERTIJD_IN = date(2026, 3, 29)
ZOMERTIJD_UIT = date(2026, 10, 25)


def _every_quarter(day: date) -> list[datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return [start + timedelta(minutes=15 * i) for i in range(24 * 4)]


# --- the Dutch date around midnight UTC ----------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        # winter: UTC+1, so 23:30 UTC is already the next day in the IJmond
        (datetime(2026, 1, 15, 22, 59, tzinfo=UTC), date(2026, 1, 15)),
        (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), date(2026, 1, 16)),
        # summer: UTC+2, the Dutch day starts at 22:00 UTC
        (datetime(2026, 7, 15, 21, 59, tzinfo=UTC), date(2026, 7, 15)),
        (datetime(2026, 7, 15, 22, 0, tzinfo=UTC), date(2026, 7, 16)),
    ],
)
def test_local_date_is_the_dutch_one_around_midnight_utc(stored, expected):
    assert tijd.local(stored).date() == expected
    assert tijd.datum(stored) == tijd.datum(expected)


def test_datum_of_a_late_utc_moment_names_the_next_dutch_day():
    assert tijd.datum(datetime(2026, 11, 27, 23, 30, tzinfo=UTC)) == "28 november 2026"


def test_today_is_the_date_on_the_dutch_clock():
    before = tijd.local(tijd.now()).date()
    today = tijd.today()
    after = tijd.local(tijd.now()).date()
    assert today in {before, after}


def test_as_utc_reads_a_naive_sqlite_value_as_utc():
    assert tijd.as_utc(datetime(2026, 1, 15, 13, 5)) == datetime(2026, 1, 15, 13, 5, tzinfo=UTC)


# --- what a datetime-local input shows and sends back ----------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 1, 15, 13, 5, tzinfo=UTC), "2026-01-15T14:05"),
        (datetime(2026, 7, 15, 12, 5, tzinfo=UTC), "2026-07-15T14:05"),
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), "2026-01-16T00:30"),
        (datetime(2026, 7, 15, 22, 30, tzinfo=UTC), "2026-07-16T00:30"),
    ],
)
def test_invoer_moment_shows_the_dutch_clock_and_saving_it_unchanged_keeps_it(stored, shown):
    assert tijd.invoer_moment(stored) == shown
    assert tijd.from_local(datetime.fromisoformat(shown)) == stored


def test_invoer_moment_round_trips_every_quarter_of_the_spring_switch_day():
    moments = _every_quarter(ZOMERTIJD_IN)
    back = [tijd.from_local(datetime.fromisoformat(tijd.invoer_moment(m))) for m in moments]
    assert back == moments


def test_invoer_moment_round_trips_the_autumn_switch_day_except_the_repeated_hour():
    # 02:00-03:00 happens twice that night; a clock reading cannot say which, so the second pass
    # (01:00-02:00 UTC) is read as the first, summer-time one. Every other moment comes back.
    repeated = {datetime(2026, 10, 25, 1, m, tzinfo=UTC) for m in (0, 15, 30, 45)}
    moments = [m for m in _every_quarter(ZOMERTIJD_UIT) if m not in repeated]
    back = [tijd.from_local(datetime.fromisoformat(tijd.invoer_moment(m))) for m in moments]
    assert back == moments
    assert tijd.from_local(datetime(2026, 10, 25, 2, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_from_local_of_the_skipped_spring_hour_lands_after_the_switch():
    # 02:30 does not exist on 29 March; it is read with the winter offset, i.e. 03:30 summer time.
    stored = tijd.from_local(datetime(2026, 3, 29, 2, 30))
    assert stored == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert tijd.invoer_moment(stored) == "2026-03-29T03:30"


def test_invoer_moment_of_nothing_is_an_empty_field():
    assert tijd.invoer_moment(None) == ""


# --- Babel's Dutch ---------------------------------------------------------------------------


def test_datum_is_babels_dutch():
    assert tijd.datum(date(2026, 11, 27)) == "27 november 2026"
    assert tijd.datum(date(2026, 3, 1)) == "1 maart 2026"


def test_datum_lang_names_the_weekday():
    assert tijd.datum_lang(date(2026, 11, 27)) == "vrijdag 27 november 2026"
    assert tijd.datum_lang(datetime(2026, 11, 29, 12, 0, tzinfo=UTC)) == "zondag 29 november 2026"


def test_tijd_is_the_dutch_clock_in_winter_and_summer():
    assert tijd.tijd(datetime(2026, 11, 27, 13, 5, tzinfo=UTC)) == "14:05"
    assert tijd.tijd(datetime(2026, 7, 15, 12, 5, tzinfo=UTC)) == "14:05"
    assert tijd.tijd(datetime(2026, 11, 27, 13, 5)) == "14:05"  # naive from SQLite: UTC


def test_moment_is_date_and_time_in_one_dutch_phrase():
    assert tijd.moment(datetime(2026, 11, 27, 13, 5, tzinfo=UTC)) == "27 november 2026 om 14:05"


def test_formatters_show_nothing_for_no_value():
    assert [tijd.datum(None), tijd.datum_lang(None), tijd.tijd(None), tijd.moment(None)] == ["", "", "", ""]


def test_templates_format_with_these_filters():
    template = environment().from_string("{{ d | datum_lang }}, {{ m | tijd }}, {{ m | invoer_moment }}")
    shown = template.render(d=date(2026, 11, 27), m=datetime(2026, 11, 27, 13, 5, tzinfo=UTC))
    assert shown == "vrijdag 27 november 2026, 14:05, 2026-11-27T14:05"


# --- plus_months -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, 9, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),
        (datetime(2028, 1, 31, 9, 0, tzinfo=UTC), 1, datetime(2028, 2, 29, 9, 0, tzinfo=UTC)),
        (datetime(2028, 2, 29, 9, 0, tzinfo=UTC), 12, datetime(2029, 2, 28, 9, 0, tzinfo=UTC)),
        (datetime(2028, 2, 29, 9, 0, tzinfo=UTC), 48, datetime(2032, 2, 29, 9, 0, tzinfo=UTC)),
        (datetime(2026, 1, 31, 9, 0, tzinfo=UTC), 3, datetime(2026, 4, 30, 9, 0, tzinfo=UTC)),
        (datetime(2026, 12, 15, 9, 0, tzinfo=UTC), 1, datetime(2027, 1, 15, 9, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, 9, 0, tzinfo=UTC), -1, datetime(2025, 12, 15, 9, 0, tzinfo=UTC)),
        (datetime(2026, 5, 31, 9, 0, tzinfo=UTC), 0, datetime(2026, 5, 31, 9, 0, tzinfo=UTC)),
    ],
)
def test_plus_months_keeps_the_day_or_takes_the_months_last(start, months, expected):
    assert tijd.plus_months(start, months) == expected


# --- parse_date ------------------------------------------------------------------------------


def test_parse_date_reads_the_date_input():
    fouten: dict[str, str] = {}
    assert tijd.parse_date(fouten, "op", " 2026-12-31 ", required=True) == date(2026, 12, 31)
    assert fouten == {}


def test_parse_date_reads_the_dutch_form_its_message_asks_for():
    fouten: dict[str, str] = {}
    assert tijd.parse_date(fouten, "op", "31-12-2026", required=True) == date(2026, 12, 31)
    assert tijd.parse_date(fouten, "op", "1-2-2027", required=True) == date(2027, 2, 1)
    assert fouten == {}


def test_parse_date_empty_and_required_asks_for_a_date():
    fouten: dict[str, str] = {}
    assert tijd.parse_date(fouten, "op", "  ", required=True) is None
    assert fouten == {"op": "Vul een datum in."}


def test_parse_date_empty_and_optional_is_no_date_and_no_error():
    fouten: dict[str, str] = {}
    assert tijd.parse_date(fouten, "op", "", required=False) is None
    assert fouten == {}


@pytest.mark.parametrize("value", ["31-02-2026", "morgen", "2026-13-01", "12/31/2026"])
def test_parse_date_refuses_what_is_no_date(value):
    fouten: dict[str, str] = {}
    assert tijd.parse_date(fouten, "deadline", value, required=False) is None
    assert fouten == {"deadline": "Vul een geldige datum in, zoals 31-12-2026."}


def test_parse_date_in_the_past_is_refused_where_the_future_is_asked():
    fouten: dict[str, str] = {}
    gisteren = tijd.today() - timedelta(days=1)
    assert tijd.parse_date(fouten, "deadline", gisteren.isoformat(), required=True, future=True) == gisteren
    assert fouten == {"deadline": "Deze datum ligt in het verleden. Kies een datum vanaf vandaag."}


def test_parse_date_today_counts_as_the_future():
    fouten: dict[str, str] = {}
    vandaag = tijd.today()
    assert tijd.parse_date(fouten, "deadline", vandaag.isoformat(), required=True, future=True) == vandaag
    assert fouten == {}


def test_parse_date_in_the_past_is_fine_where_no_future_is_asked():
    fouten: dict[str, str] = {}
    assert tijd.parse_date(fouten, "op", "2000-01-01", required=True) == date(2000, 1, 1)
    assert fouten == {}
