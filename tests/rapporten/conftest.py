import os

import pytest

from participatie.rapporten import inhoud


@pytest.fixture(autouse=True)
def _needs_pdf():
    """Report tests make PDFs: WeasyPrint needs Pango from the system. CI installs it."""
    try:
        inhoud.html_to_pdf('<html lang="nl"><p>test</p></html>')
    except inhoud.PdfNietBeschikbaar:
        if os.environ.get("CI"):
            raise
        pytest.skip("WeasyPrint needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0")
