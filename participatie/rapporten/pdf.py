"""A report's HTML to PDF with WeasyPrint, in a child process with a time limit.

WeasyPrint's layout grows faster than linearly with some input (24,500 alternating "*a" took
150 s), so it never runs in the server process: `python -m participatie.rapporten.pdf` reads
the HTML on stdin and writes the PDF on stdout, and is killed after MAX_SECONDS.
"""

from __future__ import annotations

import sys

from participatie import isolated
from participatie.config import STATIC_DIR

# A normal report takes one to two seconds, the child's start included.
MAX_SECONDS = 20.0


class PdfNietBeschikbaar(RuntimeError):
    """WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""


class PdfTeZwaar(Exception):
    """The PDF was not ready within MAX_SECONDS; the child was killed."""


def html_to_pdf(html: str) -> bytes:
    """Blocking, CPU-heavy: only in the child (or a test's set-up). Imported here so the app
    starts where Pango is missing."""
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, the system library is not
        raise PdfNietBeschikbaar(str(exc)) from exc
    return weasyprint.HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(pdf_variant="pdf/ua-1")


async def make_pdf(html: str) -> bytes:
    """The PDF, made beside the server: PdfTeZwaar after the time limit, PdfNietBeschikbaar
    without Pango."""
    try:
        return await isolated.run(
            "participatie.rapporten.pdf",
            html.encode(),
            max_seconds=MAX_SECONDS,
        )
    except isolated.TeLang:
        raise PdfTeZwaar() from None
    except isolated.Mislukt as exc:
        if exc.status == isolated.NIET_BESCHIKBAAR:
            raise PdfNietBeschikbaar(str(exc)) from None
        raise


def _main() -> None:
    html = sys.stdin.buffer.read().decode()
    try:
        pdf = html_to_pdf(html)
    except PdfNietBeschikbaar as exc:
        sys.stderr.write(str(exc))
        sys.exit(isolated.NIET_BESCHIKBAAR)
    sys.stdout.buffer.write(pdf)


if __name__ == "__main__":
    isolated.child(_main)
