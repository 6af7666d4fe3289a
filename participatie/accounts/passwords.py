"""Password hashing with argon2id, run off the event loop, a few at a time; password rules.

One argon2 hash with the standard profile (RFC 9106, low memory) takes 64 MiB and about
0.15 s of two cores. Unbounded, 40 parallel login posts grew one process to 2.4 GB and
stalled every other request, so each process runs at most HASHES_AT_ONCE hashes, lets
HASHES_WAITING more wait their turn, and refuses the rest at once (TeDruk: a 429).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from functools import cache
from typing import TypeVar

import anyio.to_thread
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from participatie.fouten import TeVaak
from participatie.taal import N_
from participatie.taal import gettext as _

T = TypeVar("T")

MIN_LENGTH = 12
# Long passphrases are welcome; the cap only stops someone from making us hash megabytes.
MAX_LENGTH = 1024

# Two running hashes fill the two cores of our machine (argon2 uses 4 lanes each) and cost
# 128 MiB; eight waiting add at most a second of delay. Beyond that the person is asked to
# retry: a queue that grows without bound is the memory problem again, in slow motion.
HASHES_AT_ONCE = 2
HASHES_WAITING = 8
RETRY_AFTER_BUSY = 5  # seconds

TE_BEKEND = N_(
    "Dit wachtwoord gebruiken veel mensen, of het lijkt er te veel op. "
    "Kies iets dat niet makkelijk te raden is, bijvoorbeeld een zin van een paar woorden."
)

# Dutch words that people build their passwords on, beside the international list below.
# fmt: off
_NEDERLANDS = frozenset((
    "welkom", "wachtwoord", "paswoord", "wachtwoordje", "geheim", "geheimpje", "inloggen", "gebruiker",
    "beheerder", "beheer", "hallo", "hoi", "doei", "liefde", "schat", "schatje", "lieverd", "engel",
    "prinses", "poesje", "konijn", "hondje", "kat", "hond", "voetbal", "ajax", "feyenoord", "psv", "az",
    "alkmaar", "twente", "utrecht", "vitesse", "oranje", "holland", "nederland", "amsterdam", "rotterdam",
    "haarlem", "velsen", "beverwijk", "heemskerk", "ijmuiden", "ijmond", "gemeente", "raad",
    "participatie", "participatieraad", "zomer", "winter", "lente", "herfst", "vakantie", "zonneschijn",
    "regenboog", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "januari",
    "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november",
    "december", "sinterklaas", "kerstmis", "kerst", "pasen", "azerty", "qwerty", "asdfgh", "zxcvbn",
    "abcdef",
))
# fmt: on

# What people put after a word to pass a length rule: digits, punctuation, spaces.
_TRAILING = re.compile(r"[\W\d_]+$")
_LEADING = re.compile(r"^[\W\d_]+")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords (zxcvbn's list, from leaked password sets) and Dutch basics.

    Shipped inside the zxcvbn package, so the check works offline and sends nothing anywhere.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _NEDERLANDS


def _candidates(wachtwoord: str) -> set[str]:
    """The forms of a password to look up: as typed, without decoration, and one repeat of it."""
    lower = wachtwoord.lower()
    found = {lower, lower.replace(" ", "")}
    for form in list(found):
        core = _LEADING.sub("", _TRAILING.sub("", form))
        found |= {core, _TRAILING.sub("", form)}
        # "welkom01welkom01": a word (with its decoration) typed twice.
        for size in range(1, len(form) // 2 + 1):
            if len(form) % size == 0 and form[:size] * (len(form) // size) == form:
                unit = form[:size]
                found |= {unit, _TRAILING.sub("", unit), _LEADING.sub("", _TRAILING.sub("", unit))}
                break
    return {c for c in found if c}


def check_strength(wachtwoord: str) -> str | None:
    """The reason this password is refused, in the language of the request (Dutch outside
    one), or None when it is acceptable."""
    if len(wachtwoord) < MIN_LENGTH:
        return _(
            "Kies een wachtwoord van minstens %(aantal)s tekens. Een zin van een paar woorden mag ook."
        ) % {"aantal": MIN_LENGTH}
    if len(wachtwoord) > MAX_LENGTH:
        return _("Een wachtwoord mag hoogstens %(aantal)s tekens lang zijn.") % {"aantal": MAX_LENGTH}
    if wachtwoord.strip() == "" or len(set(wachtwoord)) < 4:
        return _("Dit wachtwoord is te makkelijk te raden. Kies een ander wachtwoord.")
    if not any(c.isalpha() for c in wachtwoord):
        # Only digits and signs: dates, phone numbers and keyboard runs, quickly tried.
        return _(TE_BEKEND)
    if _candidates(wachtwoord) & common_passwords():
        return _(TE_BEKEND)
    return None


class TeDruk(TeVaak):
    """Too many password checks are running or waiting in this process; retry in a moment.

    A 429 with Retry-After through the app's refusal handler, like every other limit.
    """

    def __init__(self) -> None:
        super().__init__(
            N_("Het is nu erg druk. Probeer het over een paar seconden opnieuw."), RETRY_AFTER_BUSY
        )


class Begrenzer:
    """Admits at most HASHES_AT_ONCE argon2 runs per process, with a short queue.

    Also counts the hashes run (`uitgevoerd`) and the most at once (`hoogste`): figures for
    the logs and for the tests that prove a flood of logins checks only a few passwords.
    """

    def __init__(self, at_once: int, waiting: int) -> None:
        self.at_once = at_once
        self.waiting = waiting
        self.binnen = 0  # running plus waiting
        self.bezig = 0  # running
        self.uitgevoerd = 0
        self.hoogste = 0
        # One semaphore per event loop: tests and CLI commands run several loops in turn.
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            self._semaphores = {lp: s for lp, s in self._semaphores.items() if not lp.is_closed()}
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.at_once)
        return semaphore

    async def run(self, work: Callable[[], T]) -> T:
        # Checked and counted before the first await, so a burst cannot overshoot the queue.
        if self.binnen >= self.at_once + self.waiting:
            raise TeDruk()
        self.binnen += 1
        try:
            async with self._semaphore():
                self.bezig += 1
                self.hoogste = max(self.hoogste, self.bezig)
                try:
                    self.uitgevoerd += 1
                    return await anyio.to_thread.run_sync(work)
                finally:
                    self.bezig -= 1
        finally:
            self.binnen -= 1


begrenzer = Begrenzer(HASHES_AT_ONCE, HASHES_WAITING)


@cache
def _hasher(profile: str) -> PasswordHasher:
    if profile == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


@cache
def _dummy_hash(profile: str) -> str:
    # Verified against when the account does not exist, so a wrong e-mail address takes as
    # long as a wrong password and does not reveal which accounts exist.
    return _hasher(profile).hash("geen-echt-wachtwoord-alleen-voor-de-tijd")


async def hash_password(wachtwoord: str, profile: str) -> str:
    """The argon2id hash of a new password. Raises TeDruk when this process is full."""
    return await begrenzer.run(lambda: _hasher(profile).hash(wachtwoord))


async def verify_password(stored_hash: str | None, wachtwoord: str, profile: str) -> bool:
    """Whether the password matches; None (no such account) is checked against a dummy hash
    and is always False. Raises TeDruk when this process is full."""

    def verify() -> bool:
        try:
            return _hasher(profile).verify(stored_hash or _dummy_hash(profile), wachtwoord) and (
                stored_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    if len(wachtwoord) > MAX_LENGTH:
        return False
    return await begrenzer.run(verify)


def needs_rehash(stored_hash: str, profile: str) -> bool:
    return _hasher(profile).check_needs_rehash(stored_hash)
