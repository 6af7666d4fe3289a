"""Password hashing with argon2id, run off the event loop (a hash costs tens of milliseconds)."""

from __future__ import annotations

from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
# Long passphrases are welcome; the cap only stops someone from making us hash megabytes.
MAX_LENGTH = 1024


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


def check_strength(wachtwoord: str) -> str | None:
    """The Dutch reason this password is refused, or None when it is acceptable."""
    if len(wachtwoord) < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens. Een zin van een paar woorden mag ook."
    if len(wachtwoord) > MAX_LENGTH:
        return f"Een wachtwoord mag hoogstens {MAX_LENGTH} tekens lang zijn."
    if wachtwoord.strip() == "" or len(set(wachtwoord)) < 4:
        return "Dit wachtwoord is te makkelijk te raden. Kies een ander wachtwoord."
    return None


async def hash_password(wachtwoord: str, profile: str) -> str:
    return await anyio.to_thread.run_sync(_hasher(profile).hash, wachtwoord)


async def verify_password(stored_hash: str | None, wachtwoord: str, profile: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher(profile).verify(stored_hash or _dummy_hash(profile), wachtwoord) and (
                stored_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    if len(wachtwoord) > MAX_LENGTH:
        return False
    return await anyio.to_thread.run_sync(verify)


def needs_rehash(stored_hash: str, profile: str) -> bool:
    return _hasher(profile).check_needs_rehash(stored_hash)
