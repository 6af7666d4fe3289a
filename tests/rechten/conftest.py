"""A resident (Piet) who left his address in every domain, and a neighbour (Anna) who left
hers in the same places: what Piet sees, corrects and erases must never touch Anna's."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest

from participatie.focusgroepen import domain as focusgroepen
from participatie.mail import outbox
from participatie.peilingen import adressen
from participatie.peilingen.tables import Adresbatch, Adreswachtrij
from participatie.rechten import routes
from participatie.vragen import domain as vragen
from tests.conftest import post_form
from tests.focusgroepen.test_domain import make_groep
from tests.peilingen.test_domain import make_peiling

PIET = "piet.de_vries@example.org"  # an underscore: a LIKE pattern would match "piet.deXvries"
ANNA = "anna@example.org"
LOOKALIKE = "piet.deXvries@example.org"


@pytest.fixture(autouse=True)
def bronnen(settings) -> None:
    # The lead wires this into create_app; until then (and regardless) the tests register them.
    routes.register_bronnen(settings)


@dataclass
class Gegevens:
    idee_piet: int
    idee_anna: int
    peiling: int
    groep: int
    tweede_groep: int
    lid_piet: int
    lid_anna: int


async def _leave(settings, peiling_id: int, email: str, *, wil_vervolg: bool) -> None:
    bewijs = adressen.read_bewijs(
        settings.secret_ring, peiling_id, adressen.new_bewijs(settings.secret_key, peiling_id)
    )
    await adressen.leave_address(
        peiling_id, email, wil_vervolg=wil_vervolg, bewijs=bewijs, secret=settings.secret_ring
    )


@pytest.fixture
async def gegevens(mensen, settings) -> Gegevens:
    """Piet and Anna in every domain, created through each domain's own functions."""
    idee_piet = await vragen.create_idee(
        gemeente_slug="velsen", tekst="Meer bankjes in het Burgemeester Rijkenspark", email=PIET
    )
    idee_anna = await vragen.create_idee(
        gemeente_slug="velsen", tekst="Een zebrapad bij de school", email=ANNA
    )
    await vragen.create_idee(gemeente_slug="velsen", tekst="Iemand anders", email=LOOKALIKE)

    peiling_id = await make_peiling(mensen)
    # Piet and Anna leave an address; the final batch moves both into Rapportadres ...
    await _leave(settings, peiling_id, PIET.upper(), wil_vervolg=False)
    await _leave(settings, peiling_id, ANNA, wil_vervolg=True)
    async with Adresbatch._meta.db.transaction():
        await adressen.lock([peiling_id])
        await adressen.finalize(peiling_id, settings.secret_ring)
    # ... and each answers again on another device: these wait, encrypted, for the next batch.
    await _leave(settings, peiling_id, PIET, wil_vervolg=True)
    await _leave(settings, peiling_id, ANNA, wil_vervolg=False)
    assert await Adreswachtrij.count() == 2

    groep = await make_groep(mensen)
    lid_piet = await focusgroepen.add_inwoner(
        mensen["raadslid"], groep, naam="Piet de Vries", email=PIET, telefoon="0251 123456", toestemming=True
    )
    lid_anna = await focusgroepen.add_inwoner(
        mensen["raadslid"], groep, naam="Anna Jansen", email=ANNA, telefoon="0251 654321", toestemming=True
    )
    tweede = await make_groep(mensen)
    await focusgroepen.invite_inwoner(mensen["raadslid"], tweede, settings, PIET)
    await focusgroepen.invite_inwoner(mensen["raadslid"], tweede, settings, ANNA)
    return Gegevens(idee_piet, idee_anna, peiling_id, groep, tweede, lid_piet, lid_anna)


LINK = re.compile(r"https://participatie\.test(/mijn-gegevens/link/[A-Za-z0-9_-]+)")


async def ask_link(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post_form(client, "/mijn-gegevens", {"email": email})


async def mailed_link(mail_settings, smtp, email: str) -> str:
    """Send what waits and return the path of the newest data-page link mailed to `email`."""
    await outbox.drain(mail_settings)
    links = [
        LINK.search(m.get_body(("plain",)).get_content())
        for m in smtp.received
        if m["To"].lower() == email.lower() and "gegevens" in m["Subject"]
    ]
    found = [m.group(1) for m in links if m]
    assert found, f"geen link gemaild aan {email}"
    return found[-1]


async def open_session(client: httpx.AsyncClient, mail_settings, smtp, email: str) -> str:
    """Ask a link, read it from the mail, press its button; returns the link path."""
    assert (await ask_link(client, email)).status_code == 303
    pad = await mailed_link(mail_settings, smtp, email)
    assert (await client.get(pad)).status_code == 200
    used = await post_form(client, pad, {})
    assert (used.status_code, used.headers["location"]) == (303, "/mijn-gegevens/overzicht")
    return pad
