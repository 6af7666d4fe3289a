"""Shared steps of the panel tests: sign up over HTTP, read the mail from the real SMTP server."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx

from participatie.mail import outbox
from tests.conftest import csrf_token

BASE = "https://participatie.test"


async def post(client: httpx.AsyncClient, path: str, data: list[tuple[str, str]]) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(
        path,
        content=urlencode([*data, ("_csrf_token", token)]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


async def sign_up(
    client: httpx.AsyncClient, slug: str, email: str, **extra: str | list[str]
) -> httpx.Response:
    data: list[tuple[str, str]] = [("email", email)]
    for key, value in extra.items():
        data += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return await post(client, f"/{slug}/panel", data)


def body(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def link(message, prefix: str) -> str:
    """The path of the first link in the mail that starts with `prefix`."""
    found = re.search(re.escape(BASE) + r"(" + re.escape(prefix) + r"[^\s]+)", body(message))
    assert found, body(message)
    return found.group(1)


async def mails_to(settings, smtp, address: str) -> list:
    await outbox.drain(settings)
    return smtp.to(address)
