"""What a report says, gathered from the vraag, its polls, focus groups and outreach, and
rendered to HTML (the public page, the preview) and to PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from participatie.accounts.tables import Gemeente
from participatie.config import STATIC_DIR, TEMPLATES_DIR
from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen import queries as focusgroep_queries
from participatie.focusgroepen.tables import Focusgroep
from participatie.markdown import render_markdown
from participatie.peilingen import domain as peilingen
from participatie.peilingen import queries as peiling_queries
from participatie.peilingen.tables import Soort, Status
from participatie.rapporten.tables import Rapport
from participatie.vragen import domain as vragen
from participatie.vragen import queries as vraag_queries


class PdfNietBeschikbaar(RuntimeError):
    """WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""


async def context(rapport_id: int) -> dict[str, Any]:
    rapport = await Rapport.select().where(Rapport.id == rapport_id).first()
    assert rapport is not None
    vraag = await vragen.load_vraag(rapport["vraag"])
    raad = (
        await Gemeente.select(Gemeente.slug, Gemeente.naam, Gemeente.raad_naam)
        .where(Gemeente.id == vraag["gemeente"])
        .first()
    )
    bereik: list[str] = []
    polls = []
    for p in await peiling_queries.peilingen_van(vraag["id"]):
        if p["status"] == Status.CONCEPT.value:
            continue
        formulier = await peilingen.load_formulier(peiling_id=p["id"])
        assert formulier is not None
        uitslag = await peiling_queries.results(formulier)
        manier = "met een persoonlijke code" if p["toegang"] == "codes" else "via een openbare link"
        bereik.append(f"Flitspeiling “{p['titel']}”: {uitslag.totaal} inwoners vulden hem in ({manier}).")
        items = [r for r in uitslag.items if not r.item.is_achtergrond]
        polls.append({"titel": p["titel"], "totaal": uitslag.totaal, "uitslagen": items})
    groepen = []
    for g in await Focusgroep.select().where(Focusgroep.vraag == vraag["id"]).order_by(Focusgroep.id):
        telling = await focusgroep_queries.tellingen(g["id"])
        bijeenkomsten = [b for b in await focusgroep_queries.bijeenkomsten(g["id"]) if not b["geannuleerd"]]
        aanwezig = [
            b["aanwezig_inwoners"] if b["aanwezig_inwoners"] is not None else b["telling"]["aanwezig"]
            for b in bijeenkomsten
            if b["verslag"] or b["aanwezig_inwoners"] is not None
        ]
        opkomst = f", samen {sum(aanwezig)} keer aanwezig" if aanwezig else ""
        keer = "bijeenkomst" if telling["bijeenkomsten"] == 1 else "bijeenkomsten"
        bereik.append(
            f"Focusgroep “{g['thema']}”: {telling['inwoners']} inwoners, "
            f"{telling['bijeenkomsten']} {keer}{opkomst}."
        )
        groepen.append({"thema": g["thema"], "bevindingen": await focusgroepen.bevindingen(g["id"])})
    for a in await vraag_queries.activiteiten(vraag["id"]):
        bereik.append(f"{a['waar']} ({a['op'].strftime('%d-%m-%Y')}): {a['bereikt']} inwoners gesproken.")
    oordeel = dict(vragen.REACTIE_OORDELEN).get(vraag["reactie_oordeel"] or "", "")
    return {
        "rapport": rapport,
        "vraag": vraag,
        "raad": raad,
        "bereik": bereik,
        "peilingen": polls,
        "focusgroepen": groepen,
        "inleiding_html": render_markdown(rapport["inleiding"]),
        "conclusies_html": render_markdown(rapport["conclusies"]),
        "advies_html": render_markdown(vraag["advies_tekst"]) if vraag["advies_tekst"] else "",
        "reactie": {"oordeel": oordeel, "toelichting": vraag["reactie_toelichting"]}
        if vraag["reactie_at"]
        else None,
        "Soort": Soort,
    }


_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


async def render_html(rapport_id: int) -> str:
    """The report as one self-contained HTML document, the input for the PDF."""
    ctx = await context(rapport_id)
    ctx["css"] = (STATIC_DIR / "rapport-pdf.css").read_text()
    return _env.get_template("rapporten/pdf.html").render(ctx)


def html_to_pdf(html: str) -> bytes:
    """Blocking: run in a thread. Imported here so the app starts where Pango is missing."""
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, the system library is not
        raise PdfNietBeschikbaar(str(exc)) from exc
    return weasyprint.HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(pdf_variant="pdf/ua-1")
