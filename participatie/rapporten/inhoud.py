"""What a report says, gathered from the vraag, its polls, focus groups and outreach, and
rendered to HTML (the public page, the preview) and to PDF (WeasyPrint).

The council writes its report in Dutch, and the sentences made here for it (how residents were
reached) are part of that Dutch report: they stay Dutch on an English page. The PDF is the
report itself, one document for everyone: always Dutch, whoever's request renders it."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from participatie.accounts.tables import Gemeente
from participatie.bereik import vertegenwoordiging
from participatie.config import STATIC_DIR
from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen import queries as focusgroep_queries
from participatie.markdown import render_markdown_async
from participatie.peilingen import domain as peilingen
from participatie.peilingen import queries as peiling_queries
from participatie.peilingen.tables import Soort, Status
from participatie.rapporten.pdf import PdfNietBeschikbaar, PdfTeZwaar, html_to_pdf
from participatie.rapporten.tables import Rapport
from participatie.sjablonen import environment
from participatie.taal import in_taal
from participatie.tijd import datum
from participatie.vragen import domain as vragen
from participatie.vragen import queries as vraag_queries

__all__ = ["PdfNietBeschikbaar", "PdfTeZwaar", "context", "html_to_pdf", "render_html"]


async def context(rapport_id: int, nieuw: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page and the PDF show; `nieuw` holds values of a change not yet saved."""
    rapport = await Rapport.select().where(Rapport.id == rapport_id).first()
    assert rapport is not None
    rapport = {**rapport, **(nieuw or {})}
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
        wie = "inwoner vulde" if uitslag.totaal == 1 else "inwoners vulden"
        bereik.append(f"Flitspeiling “{p['titel']}”: {uitslag.totaal} {wie} hem in ({manier}).")
        items = [r for r in uitslag.items if not r.item.is_achtergrond]
        polls.append({"titel": p["titel"], "totaal": uitslag.totaal, "uitslagen": items})
    groepen = []
    for g in await focusgroep_queries.groepen_van(vraag["id"]):
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
            f"Focusgroep “{g['thema']}”: {telling['inwoners']} "
            f"{'inwoner' if telling['inwoners'] == 1 else 'inwoners'}, "
            f"{telling['bijeenkomsten']} {keer}{opkomst}."
        )
        groepen.append({"thema": g["thema"], "bevindingen": await focusgroepen.bevindingen(g["id"])})
    for a in await vraag_queries.activiteiten(vraag["id"]):
        wie = "inwoner" if a["bereikt"] == 1 else "inwoners"
        with in_taal("nl"):  # a Dutch sentence of the report, so a Dutch date
            op = datum(a["op"])
        bereik.append(f"{a['waar']} ({op}): {a['bereikt']} {wie} gesproken.")
    # Whom we reached beside the inhabitants: the same tables as the council's page, with the
    # same small-group rule (the report is public: a group under MIN_GROEP shows no number).
    vertegenwoordigd = await vertegenwoordiging.bereken(vraag["id"], vraag)
    oordeel = dict(vragen.REACTIE_OORDELEN).get(vraag["reactie_oordeel"] or "", "")
    return {
        "rapport": rapport,
        "vraag": vraag,
        "raad": raad,
        "bereik": bereik,
        "peilingen": polls,
        "focusgroepen": groepen,
        "vertegenwoordiging": vertegenwoordigd,
        # Rendered and cleaned (nh3) when saved: a page view renders no Markdown.
        "inleiding_html": Markup(rapport["inleiding_html"]),  # noqa: S704 - cleaned when saved
        "conclusies_html": Markup(rapport["conclusies_html"]),  # noqa: S704 - cleaned when saved
        # The advice belongs to the vraag and may change after publication: rendered beside
        # the server on the first view after a change, then from the cache.
        "advies_html": await render_markdown_async(vraag["advies_tekst"]) if vraag["advies_tekst"] else "",
        "gepubliceerd_op": datum(rapport["gepubliceerd_at"]),
        "gewijzigd_op": datum(rapport["gewijzigd_at"]),
        # An item answered by fewer people shows no distribution: one respondent would be a
        # 100 % bar that tells what that person answered.
        "min_groep": peiling_queries.MIN_GROEP,
        "reactie": {"oordeel": oordeel, "toelichting": vraag["reactie_toelichting"]}
        if vraag["reactie_at"]
        else None,
        "Soort": Soort,
    }


async def render_html(rapport_id: int, nieuw: dict[str, Any] | None = None) -> str:
    """The report as one self-contained HTML document, the input for the PDF: in Dutch, also
    when a council member working in English publishes or saves it."""
    with in_taal("nl"):
        ctx = await context(rapport_id, nieuw)
        ctx["css"] = (STATIC_DIR / "rapport-pdf.css").read_text()
        return environment().get_template("rapporten/pdf.html").render(ctx)
