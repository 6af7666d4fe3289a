"""One clock for the whole product: stored in UTC, shown and read as Europe/Amsterdam.

Every domain asks this module for the time, so a test (or a planner run) sees one clock, and
every date a person reads is formatted by Babel, never by hand: in Dutch, or in English on a
page or mail in English (participatie.taal decides which).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

from participatie import taal

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The Dutch locale, the default; formatting asks taal.locale() for the current one.
LOCALE = taal.LOCALES[taal.NL]
# "27 november 2026 om 14:05" / "27 November 2026 at 14:05": the word between is not CLDR's.
_MOMENT = {taal.NL: "d MMMM y 'om' HH:mm", taal.EN: "d MMMM y 'at' HH:mm"}


def now() -> datetime:
    """The current moment, in UTC (what the database stores)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date as a person in the IJmond would say it (after midnight Dutch time)."""
    return now().astimezone(AMSTERDAM).date()


def as_utc(value: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands back naive ones)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime) -> datetime:
    """A stored moment on the Dutch clock."""
    return as_utc(value).astimezone(AMSTERDAM)


def from_local(value: datetime) -> datetime:
    """A moment a person typed (Dutch clock, naive) as UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=AMSTERDAM)
    return value.astimezone(UTC)


def plus_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter."""
    month = moment.month - 1 + months
    year = moment.year + month // 12
    month = month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def parse_date(
    fouten: dict[str, str], veld: str, value: str, *, required: bool, future: bool = False
) -> date | None:
    """A date typed in a form: YYYY-MM-DD from the date input, or 31-12-2026 typed by hand
    where a browser shows a plain text field (the form our message gives as the example).
    Messages in `fouten` in the language of the request."""
    value = value.strip()
    if not value:
        if required:
            fouten[veld] = taal.gettext("Vul een datum in.")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.strptime(value, "%d-%m-%Y").date()
        except ValueError:
            fouten[veld] = taal.gettext("Vul een geldige datum in, zoals 31-12-2026.")
            return None
    if future and parsed < today():
        fouten[veld] = taal.gettext("Deze datum ligt in het verleden. Kies een datum vanaf vandaag.")
    return parsed


# --- formatting for people (Jinja filters) -------------------------------------------------


def datum(value: date | datetime | None, formaat: str = "d MMMM y") -> str:
    """'27 november 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, formaat, locale=taal.locale())


def datum_lang(value: date | datetime | None) -> str:
    """'vrijdag 27 november 2026'."""
    return datum(value, "EEEE d MMMM y")


def tijd(value: datetime | None) -> str:
    """'14:05' on the Dutch clock."""
    if value is None:
        return ""
    return format_time(local(value), "HH:mm", locale=taal.locale())


def moment(value: datetime | None) -> str:
    """'27 november 2026 om 14:05' on the Dutch clock ('27 November 2026 at 14:05' in English)."""
    if value is None:
        return ""
    return format_datetime(local(value), _MOMENT[taal.huidige_taal()], locale=taal.locale())


def invoer_moment(value: datetime | None) -> str:
    """A stored moment for a datetime-local input: Dutch clock, so saving it unchanged keeps it."""
    if value is None:
        return ""
    return local(value).strftime("%Y-%m-%dT%H:%M")


FILTERS = {
    "datum": datum,
    "datum_lang": datum_lang,
    "tijd": tijd,
    "moment": moment,
    "invoer_moment": invoer_moment,
}
