"""What the panel holds about an e-mail address, for the data page (participatie.rechten).

The app registers it: `bron.register(participatie.panel.rechten.BRON)`.
"""

from __future__ import annotations

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.panel import domain
from participatie.rechten.bron import Bron, Onderdeel, Veld
from participatie.taal import N_, ngettext
from participatie.taal import gettext as _

NAAM = "panel"


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
                titel=_("Inwonerpanel %(gemeente)s") % {"gemeente": naam},
                waarom=_(
                    "Om u uit te nodigen voor peilingen van de Participatieraad. Wij bewaren ook of u "
                    "een uitnodiging kreeg en of uw code is gebruikt, nooit wat u antwoordde."
                ),
                bewaard_tot=_("Tot u zich afmeldt."),
                velden=(
                    Veld("email", _("E-mailadres"), lid["email"]),
                    Veld("aangemeld", _("Aangemeld op"), tijd.datum(tijd.as_utc(lid["aangemaakt_at"]))),
                    Veld(
                        "kern",
                        _("Kern of wijk"),
                        lid["kern"],
                        wijzigbaar=True,
                        keuzes=(("", domain.niet_ingevuld()), *domain.kern_opties(slug)),
                    ),
                    Veld(
                        "leeftijd",
                        _("Leeftijd"),
                        lid["leeftijd"],
                        wijzigbaar=True,
                        keuzes=(("", domain.niet_ingevuld()), *domain.leeftijd_opties()),
                    ),
                    Veld(
                        "themas",
                        _("Onderwerpen (komma's ertussen)"),
                        ", ".join(label for code, label in domain.thema_opties() if code in lid["themas"]),
                        wijzigbaar=True,
                    ),
                    Veld(
                        "taal",
                        _("Taal van de e-mails"),
                        _("Nederlands") if lid["taal"] == "nl" else _("Engels"),
                    ),
                ),
            )
        )
    for aanmelding in await domain.aanmeldingen_van(email):
        onderdelen.append(
            Onderdeel(
                bron=NAAM,
                id=f"aanmelding-{aanmelding['id']}",
                titel=_("Aanmelding voor het inwonerpanel %(gemeente)s (nog niet bevestigd)")
                % {"gemeente": gemeenten.get(aanmelding["gemeente"], ("", ""))[1]},
                waarom=_("Om u de bevestigingslink te sturen. U bent pas lid als u die link gebruikt."),
                bewaard_tot=ngettext(
                    "%(num)d dag na de aanmelding, of tot u bevestigt.",
                    "%(num)d dagen na de aanmelding, of tot u bevestigt.",
                    domain.BEWAAR_AANMELDING.days,
                )
                % {"num": domain.BEWAAR_AANMELDING.days},
                velden=(
                    Veld("email", _("E-mailadres"), aanmelding["email"]),
                    Veld(
                        "aangemeld", _("Aangemeld op"), tijd.datum(tijd.as_utc(aanmelding["aangemaakt_at"]))
                    ),
                ),
            )
        )
    return onderdelen


async def wis(email: str) -> int:
    return await domain.erase(email)


async def corrigeer(email: str, onderdeel_id: str, velden: dict[str, str]) -> dict[str, str]:
    if not onderdeel_id.isdigit() or len(onderdeel_id) > 9:
        return {"lid": _("Een aanmelding die nog niet bevestigd is, kunt u niet wijzigen.")}
    # The page shows the labels in the reader's language; the Dutch ones are understood too.
    labels = {label.lower(): code for code, label in domain.THEMA_LABELS.items()}
    labels.update({label.lower(): code for code, label in domain.thema_opties()})
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
    titel=N_("Inwonerpanel"),
    # For the data page's start: what is kept, before anyone asks for a link. Marked here,
    # translated where the page shows them (`vertaal`).
    extra={
        "wat": N_(
            "Het e-mailadres waarmee u zich aanmeldde voor het inwonerpanel, en de kern, "
            "leeftijd en onderwerpen die u koos."
        ),
        "waarom": N_(
            "Om u uit te nodigen voor peilingen. Wij bewaren of u een uitnodiging kreeg en of "
            "uw code is gebruikt, nooit wat u antwoordde."
        ),
        "tot": N_("Tot u zich afmeldt. Een aanmelding die u niet bevestigt, wissen we na 7 dagen."),
    },
)
