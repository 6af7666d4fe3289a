"""Keyed hashes under the app's key ring: sign with the current key, recognise any key.

PARTICIPATIE_SECRET_KEY keys the hashes behind links already mailed, codes handed out and
cookies in residents' browsers. Rotating it must not break those, so every check takes the
ring (`Settings.secret_ring`: the current key first, then PARTICIPATIE_OLD_SECRET_KEYS) while
everything new is made with the current key alone. A single key (a plain str) is a ring of
one: callers that know only one key keep working, without rotation.
"""

from __future__ import annotations

import hashlib
import hmac

# The current key first, then older keys still recognised; or one key.
Sleutels = str | tuple[str, ...]


def ring(sleutels: Sleutels) -> tuple[str, ...]:
    """The keys to try, the current one first."""
    return (sleutels,) if isinstance(sleutels, str) else sleutels


def keyed(secret: str, value: str) -> str:
    """A keyed hash: lets us recognise a code, browser or address without storing it."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def keyed_all(sleutels: Sleutels, value: str, length: int = 64) -> list[str]:
    """The keyed hash under every key of the ring, for a lookup (`.is_in(...)`) of a hash
    stored when an older key was current. One hash per key: the ring is short."""
    return [keyed(secret, value)[:length] for secret in ring(sleutels)]


def key_of(sleutels: Sleutels, value: str, digest: str, length: int = 64) -> str | None:
    """The key of the ring whose keyed hash of `value` (its first `length` characters) is
    `digest`, or None. The current key is tried first, so what it made costs one hash."""
    given = digest.encode()  # bytes: a non-ASCII str would make compare_digest raise
    for secret in ring(sleutels):
        if hmac.compare_digest(keyed(secret, value)[:length].encode(), given):
            return secret
    return None


def matches(sleutels: Sleutels, value: str, digest: str, length: int = 64) -> bool:
    """Whether `digest` is the keyed hash of `value` under any key of the ring."""
    return key_of(sleutels, value, digest, length) is not None
