"""Run CPU-heavy work on text a user wrote (Markdown, PDFs) in a child process with a time limit.

markdown-it and WeasyPrint are pure Python: in a thread they hold the GIL, so the event loop
and every other request wait with them, and a thread cannot be stopped. A child process runs
beside the server on another core, at a lower priority, and is killed when its time is up.
Each job is a module run as `python -m <module>`: bytes in on stdin, bytes out on stdout.
"""

from __future__ import annotations

import asyncio
import os
import sys
import weakref
from collections.abc import Callable

from participatie.config import ROOT

# Exit status of a child that could not do its work for a known reason (it says why on stderr).
NIET_BESCHIKBAAR = 3
# Children at once per server process: more saves or publications wait their turn (without
# holding the loop), so a burst of them cannot take every core from the server.
MAX_CHILDREN = 2
_limits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _limit() -> asyncio.Semaphore:
    # One per event loop: a semaphore belongs to the loop it first waited on.
    loop = asyncio.get_running_loop()
    if loop not in _limits:
        _limits[loop] = asyncio.Semaphore(MAX_CHILDREN)
    return _limits[loop]


class TeLang(Exception):
    """The child did not finish within its time limit and was killed."""


class Mislukt(RuntimeError):
    """The child stopped with an error; `status` is its exit status."""

    def __init__(self, status: int, uitleg: str) -> None:
        self.status = status
        super().__init__(uitleg)


async def run(module: str, data: bytes, *, max_seconds: float) -> bytes:
    """Run `python -m module` with `data` on stdin; its stdout, or TeLang / Mislukt. The time
    limit starts when the child starts, after any wait for a free place."""
    async with _limit():
        return await _run(module, data, max_seconds)


async def _run(module: str, data: bytes, max_seconds: float) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(data), max_seconds)
    except (TimeoutError, asyncio.CancelledError) as exc:
        # Cancelled too (a client that went away): never leave a child computing for nobody.
        proc.kill()
        await asyncio.shield(proc.wait())
        if isinstance(exc, asyncio.CancelledError):
            raise
        raise TeLang() from None
    if proc.returncode != 0:
        raise Mislukt(proc.returncode or 1, err.decode(errors="replace")[-2000:])
    return out


def child(main: Callable[[], None]) -> None:
    """The child's side: lower our priority, so the server's own requests go first on a busy
    machine, then do the work."""
    os.nice(10)
    main()
