"""Structured logs of who did what.

One JSON object per line so the logs can be searched. Callers pass ids and names of things,
never passwords, tokens or e-mail addresses: `log_event` drops keys that look like them.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger("participatie.audit")

_FORBIDDEN_KEYS = ("wachtwoord", "password", "token", "email", "adres", "secret")
# Exception texts can quote what a person typed (an SMTP refusal, a database error); no e-mail
# address may reach a log line through them.
_EMAIL = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    return _EMAIL.sub("[e-mailadres]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        payload.update(getattr(record, "velden", {}))
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(debug: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("participatie")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    root.propagate = False
    # APScheduler reports every job start at INFO; only its problems matter to us.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def log_event(actie: str, *, door: int | None = None, **velden: Any) -> None:
    """Record that `door` (a gebruiker id, or None for a resident or the planner) did `actie`."""
    clean = {k: v for k, v in velden.items() if not any(f in k.lower() for f in _FORBIDDEN_KEYS)}
    logger.info(actie, extra={"velden": {"actie": actie, "door": door, **clean}})
