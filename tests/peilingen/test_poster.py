"""The A4 poll poster: its QR code is drawn at a fixed size, on the page, and scans.

Issue 13: the nested QR <svg> had no width or height, so it filled the page over the text and
ran off the edge; no phone could scan it. Here chromium draws the poster as a printer would get
it and zxing-cpp (the decoder in Android's barcode apps) reads the code back from the pixels.
"""

import io
import shutil

import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import async_playwright

from participatie.peilingen.tables import Peiling
from tests.conftest import login, make_gebruiker, skip_or_fail
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.peilingen.test_domain import make_peiling

pytestmark = pytest.mark.browser

A4 = {"width": 794, "height": 1123}  # 210 x 297 mm at 96 CSS pixels per inch


async def test_poster_qr_has_a_size_stays_on_the_page_and_scans_to_the_poll(
    client, settings, mensen, tmp_path
):
    if not shutil.which(CHROMIUM):
        skip_or_fail("browser", f"Geen chromium op {CHROMIUM}")
    peiling_id = await make_peiling(mensen)
    sleutel = (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]
    # A long title, the kind that ran off the edge: it must wrap and stay on the page.
    await Peiling.update(
        {
            Peiling.titel: "Hoe vindt u de regelingen voor inwoners met een laag inkomen "
            "in Beverwijk, en wat moet er volgens u beter aan de aanvraagformulieren?"
        }
    ).where(Peiling.id == peiling_id)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")

    response = await client.get(f"/raad/beverwijk/peilingen/{peiling_id}/poster.svg")
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg_file = tmp_path / "poster.svg"
    svg_file.write_bytes(response.content)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=A4)
        await page.goto(svg_file.as_uri())
        boxes = await page.evaluate(
            """() => {
                const root = document.documentElement;
                const qr = root.querySelector('svg');
                const rect = (el) => { const r = el.getBoundingClientRect();
                    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
                return {page: rect(root), qr: rect(qr),
                        texts: [...root.querySelectorAll('text')].map(rect)};
            }"""
        )
        png = await page.screenshot()
        await browser.close()
    (tmp_path / "poster.png").write_bytes(png)

    pagina, qr = boxes["page"], boxes["qr"]
    side = qr["right"] - qr["left"]
    assert 0.4 * A4["width"] < side < 0.7 * A4["width"]  # a fixed, scannable size: not the page
    assert abs((qr["bottom"] - qr["top"]) - side) < 1
    assert pagina["left"] <= qr["left"] and qr["right"] <= pagina["right"]
    assert pagina["top"] <= qr["top"] and qr["bottom"] <= pagina["bottom"]
    for text in boxes["texts"]:
        assert pagina["left"] <= text["left"] and text["right"] <= pagina["right"], text
        overlaps = text["bottom"] > qr["top"] and text["top"] < qr["bottom"]
        assert not overlaps, f"tekst {text} valt over de QR-code {qr}"

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode] == [
        f"{settings.base_url.rstrip('/')}/p/{sleutel}"
    ]
