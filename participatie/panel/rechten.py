"""What the panel holds about an e-mail address, for the data page (participatie.rechten).

The app registers it: `bron.register(participatie.panel.rechten.BRON)`.
"""

from __future__ import annotations

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.panel import domain
from participatie.rechten.bron import Bron, Onderdeel, Veld

NAAM = "panel"
_GEEN = "Niet ingevuld"


async def _gemeenten() -> dict[int, tuple[str, str]]:
    """id -> (slug, naam)."""
    rows = await Gemeente.select(Gemeente.id, Gemeente.slug, Gemeente.naam)
    return {r["id"]: (r["slug"], r["naam"]) for r in rows}


async def gegevens(email: str) -> list[Onderdeel]:
    gemeenten = await _gemeenten()
    onderdelen = []
    for lid in await domain.leden_van(email):
        slug, naam = gemeenten.get(lid["gemeente"], ("", ""))
        onderdelen.append(
            Onderdeel(
                bron=NAAM,
                id=str(lid["id"]),
                titel=f"Inwonerpanel {naam}",
                waarom=(
                    "Om u uit te nodigen voor peilingen van de Participatieraad. Wij bewaren ook of u "
                    "een uitnodiging kreeg en of uw code is gebruikt, nooit wat u antwoordde."
                ),
                bewaard_tot="Tot u zich afmeldt.",
                velden=(
                    Veld("email", "E-mailadres", lid["email"]),
                    Veld("aangemeld", "Aangemeld op", tijd.datum(tijd.as_utc(lid["aangemaakt_at"]))),
                    Veld(
                        "kern",
                        "Kern of wijk",
                        lid["kern"],
                        wijzigbaar=True,
                        keuzes=(("", _GEEN), *((k, k) for k in domain.KERNEN.get(slug, ()))),
                    ),
                    Veld(
                        "leeftijd",
                        "Leeftijd",
                        lid["leeftijd"],
                        wijzigbaar=True,
                        keuzes=(("", _GEEN), *((lt, f"{lt} jaar") for lt in domain.LEEFTIJDEN)),
                    ),
                    Veld(
                        "themas",
                        "Onderwerpen (komma's ertussen)",
                        ", ".join(domain.THEMA_LABELS[t] for t in lid["themas"] if t in domain.THEMA_LABELS),
                        wijzigbaar=True,
                    ),
                    Veld("taal", "Taal van de e-mails", "Nederlands" if lid["taal"] == "nl" else "Engels"),
                ),
            )
        )
    for aanmelding in await domain.aanmeldingen_van(email):
        onderdelen.append(
            Onderdeel(
                bron=NAAM,
                id=f"aanmelding-{aanmelding['id']}",
                titel=(
                    f"Aanmelding voor het inwonerpanel {gemeenten.get(aanmelding['gemeente'], ('', ''))[1]}"
                    " (nog niet bevestigd)"
                ),
                waarom="Om u de bevestigingslink te sturen. U bent pas lid als u die link gebruikt.",
                bewaard_tot=f"{domain.BEWAAR_AANMELDING.days} dagen na de aanmelding, of tot u bevestigt.",
                velden=(
                    Veld("email", "E-mailadres", aanmelding["email"]),
                    Veld("aangemeld", "Aangemeld op", tijd.datum(tijd.as_utc(aanmelding["aangemaakt_at"]))),
                ),
            )
        )
    return onderdelen


async def wis(email: str) -> int:
    return await domain.erase(email)


async def corrigeer(email: str, onderdeel_id: str, velden: dict[str, str]) -> dict[str, str]:
    if not onderdeel_id.isdigit() or len(onderdeel_id) > 9:
        return {"lid": "Een aanmelding die nog niet bevestigd is, kunt u niet wijzigen."}
    labels = {label.lower(): code for code, label in domain.THEMA_LABELS.items()}
    themas = [
        labels.get(t.strip().lower(), t.strip()) for t in velden.get("themas", "").split(",") if t.strip()
    ]
    return await domain.correct(
        email, int(onderdeel_id), velden.get("kern", ""), velden.get("leeftijd", ""), themas
    )


BRON = Bron(
    naam=NAAM,
    gegevens=gegevens,
    wis=wis,
    corrigeer=corrigeer,
    titel="Inwonerpanel",
    # For the data page's start: what is kept, before anyone asks for a link.
    extra={
        "wat": "Het e-mailadres waarmee u zich aanmeldde voor het inwonerpanel, en de kern, "
        "leeftijd en onderwerpen die u koos.",
        "waarom": "Om u uit te nodigen voor peilingen. Wij bewaren of u een uitnodiging kreeg en of "
        "uw code is gebruikt, nooit wat u antwoordde.",
        "tot": "Tot u zich afmeldt. Een aanmelding die u niet bevestigt, wissen we na 7 dagen.",
    },
)
