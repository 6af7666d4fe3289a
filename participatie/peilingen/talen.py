"""A poll in more than one language.

Dutch is the poll's own text and always there. The council adds languages (any language Babel
knows: English, Turkish, Arabic, Polish, Tigrinya ...) and translates each text; a language is
offered to residents only when every text has a translation, so nobody meets a half-Dutch form.
Babel (CLDR) gives each language its own name ("العربية") and its writing direction, so Arabic,
Persian and Hebrew forms are laid out right to left without a list of our own.

The answers are pooled: a choice is the same Keuze row in every language, and Antwoord.taal only
counts how many answered in which language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel import Locale, UnknownLocaleError

from participatie.peilingen.domain import FormItem, Formulier
from participatie.peilingen.tables import Peilingtaal, Vertaling

NL = "nl"

# The texts of a poll that get a translation, per level. "keuze" has a keuze row.
PEILING_VELDEN = ("titel", "intro")
ITEM_VELDEN = ("tekst", "toelichting", "label_laag", "label_hoog")
KEUZE_VELD = "keuze"

Sleutel = tuple[str, int | None, int | None]  # (veld, item id, keuze id)


@dataclass(frozen=True)
class Taal:
    code: str  # the normalised BCP 47 tag: "ar", "pt-BR"
    naam: str  # in the language itself: "العربية"
    naam_nl: str  # in Dutch, for the council: "Arabisch"
    richting: str  # "ltr" or "rtl"


def normalise(code: str) -> str:
    """ "AR", " ar_ma " -> "ar", "ar-MA": the form stored and used in lang attributes."""
    delen = code.strip().replace("_", "-").split("-")
    if not delen or not delen[0]:
        return ""
    return "-".join([delen[0].lower(), *(d.upper() if len(d) == 2 else d.title() for d in delen[1:])])


def taal_info(code: str) -> Taal | None:
    """The language behind a tag, or None when Babel does not know it."""
    tag = normalise(code)
    if not tag or len(tag) > 35:
        return None
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    eigen = locale.get_display_name(locale) or tag
    return Taal(
        code=tag,
        naam=eigen,
        naam_nl=locale.get_display_name(Locale("nl")) or tag,
        richting="rtl" if locale.text_direction == "rtl" else "ltr",
    )


def nodig(formulier: Formulier) -> list[Sleutel]:
    """Every text of the poll that needs a translation: the empty Dutch ones do not."""
    sleutels: list[Sleutel] = [("titel", None, None)]
    if formulier.intro.strip():
        sleutels.append(("intro", None, None))
    for item in formulier.items:
        for veld in ITEM_VELDEN:
            if str(getattr(item, veld)).strip():
                sleutels.append((veld, item.id, None))
        sleutels.extend((KEUZE_VELD, item.id, keuze_id) for keuze_id, _ in item.keuzes)
    return sleutels


_cache: dict[tuple[int, int], dict[str, dict[Sleutel, str]]] = {}


async def vertalingen(formulier: Formulier) -> dict[str, dict[Sleutel, str]]:
    """Per added language (in the order added): its translations. Kept per poll version, which
    every change of a translation raises, like the poll's own items."""
    key = (formulier.peiling_id, formulier.versie)
    if key in _cache:
        return _cache[key]
    talen = (
        await Peilingtaal.select(Peilingtaal.taal)
        .where(Peilingtaal.peiling == formulier.peiling_id)
        .order_by(Peilingtaal.id)
    )
    result: dict[str, dict[Sleutel, str]] = {t["taal"]: {} for t in talen}
    keuze_item = {k: item.id for item in formulier.items for k, _ in item.keuzes}
    rows = await Vertaling.select(
        Vertaling.taal, Vertaling.veld, Vertaling.item, Vertaling.keuze, Vertaling.tekst
    ).where(Vertaling.peiling == formulier.peiling_id)
    for r in rows:
        if r["taal"] in result and r["tekst"].strip():
            item = keuze_item.get(r["keuze"]) if r["keuze"] is not None else r["item"]
            result[r["taal"]][(r["veld"], item, r["keuze"])] = r["tekst"]
    if len(_cache) > 500:
        _cache.clear()
    _cache[key] = result
    return result


def ontbrekend(formulier: Formulier, teksten: dict[Sleutel, str]) -> list[Sleutel]:
    """The texts still without a translation, in the order of the form."""
    return [s for s in nodig(formulier) if not teksten.get(s, "").strip()]


async def aangeboden(formulier: Formulier) -> list[Taal]:
    """The languages a resident may pick: complete ones Babel knows, Dutch not included."""
    talen = []
    for code, teksten in (await vertalingen(formulier)).items():
        info = taal_info(code)
        if info is not None and not ontbrekend(formulier, teksten):
            talen.append(info)
    return talen


def vertaal(formulier: Formulier, teksten: dict[Sleutel, str]) -> Formulier:
    """The form with its texts in another language; ids, kinds and limits stay, so the answers
    pool with the Dutch ones. A missing text stays Dutch (only reachable for the council's
    preview: residents are offered complete languages only)."""

    def t(veld: str, item: int | None, keuze: int | None, dutch: str) -> str:
        return teksten.get((veld, item, keuze), "") or dutch

    def item_in(item: FormItem) -> FormItem:
        return replace(
            item,
            tekst=t("tekst", item.id, None, item.tekst),
            toelichting=t("toelichting", item.id, None, item.toelichting),
            label_laag=t("label_laag", item.id, None, item.label_laag),
            label_hoog=t("label_hoog", item.id, None, item.label_hoog),
            keuzes=tuple((k, t(KEUZE_VELD, item.id, k, tekst)) for k, tekst in item.keuzes),
        )

    return replace(
        formulier,
        titel=t("titel", None, None, formulier.titel),
        intro=t("intro", None, None, formulier.intro),
        items=tuple(item_in(i) for i in formulier.items),
    )
