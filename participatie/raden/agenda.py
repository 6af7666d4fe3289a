"""A council's public meetings as an iCalendar feed (RFC 5545), for residents who subscribe.

Each meeting keeps one UID for its whole life, so a calendar updates it instead of adding a
copy; SEQUENCE is its version and DTSTAMP the moment it last changed, so an unchanged feed is
byte for byte the same. A cancelled meeting stays in the feed as STATUS:CANCELLED, which makes
subscribed calendars drop it. Times are UTC ('Z'): no time zone table to get wrong.
"""

from __future__ import annotations

import icalendar

from participatie.accounts.queries import GemeenteRij
from participatie.raden.queries import VergaderingRij

UID_DOMEIN = "participatieraden-ijmond"


def uid(gemeente_slug: str, vergadering_id: int) -> str:
    return f"vergadering-{vergadering_id}-{gemeente_slug}@{UID_DOMEIN}"


def feed(info: GemeenteRij, vergaderingen: list[VergaderingRij], base_url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Participatieraden IJmond//participatie//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Vergaderingen {info.raad_naam}")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    pagina = f"{base_url.rstrip('/')}/{info.slug}"
    for v in vergaderingen:
        event = icalendar.Event()
        event.add("uid", uid(info.slug, v.id))
        event.add("sequence", v.versie)
        event.add("dtstamp", v.gewijzigd_at)
        event.add("last-modified", v.gewijzigd_at)
        event.add("dtstart", v.begint_at)
        event.add("dtend", v.eindigt_at)
        event.add("summary", f"{info.raad_naam}: {v.onderwerp}")
        event.add("location", v.plaats)
        beschrijving = (v.agenda + "\n\n" if v.agenda else "") + f"Meer over de raad: {pagina}"
        event.add("description", beschrijving)
        event.add("url", pagina)
        event.add("status", "CANCELLED" if v.is_geannuleerd else "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
