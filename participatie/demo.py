"""Realistic demo data for a first look: the IJmond councils and people to log in as."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from participatie.accounts import domain as accounts
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Gebruiker, Rol
from participatie.config import Settings
from participatie.mail.tables import Bericht
from participatie.vragen import domain as vragen

DEMO_PASSWORD = "ijmond-demo-wachtwoord"  # noqa: S105 -- printed on purpose, demo only

GEMEENTEN = [
    ("velsen", "Velsen", "Participatieraad Velsen"),
    ("beverwijk", "Beverwijk", "Participatieraad Beverwijk"),
    ("heemskerk", "Heemskerk", "Participatieraad Heemskerk"),
]

MENSEN = [
    ("beheer@participatie.example", "Sandra Beheer", Rol.BEHEERDER, None),
    ("dorine.vermeulen@velsen.example", "Dorine Vermeulen", Rol.RAADSLID, "velsen"),
    ("ahmed.elidrissi@velsen.example", "Ahmed El Idrissi", Rol.RAADSLID, "velsen"),
    ("marja.vanleeuwen@beverwijk.example", "Marja van Leeuwen", Rol.AMBTENAAR, "beverwijk"),
    ("kees.bakker@beverwijk.example", "Kees Bakker", Rol.RAADSLID, "beverwijk"),
    ("fatma.yilmaz@beverwijk.example", "Fatma Yilmaz", Rol.RAADSLID, "beverwijk"),
    ("joris.jansbeken@heemskerk.example", "Joris Jansbeken", Rol.RAADSLID, "heemskerk"),
    ("ineke.smit@heemskerk.example", "Ineke Smit", Rol.RAADSLID, "heemskerk"),
    ("pieter.devries@velsen.example", "Pieter de Vries", Rol.AMBTENAAR, "velsen"),
    ("lotte.kramer@heemskerk.example", "Lotte Kramer", Rol.AMBTENAAR, "heemskerk"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    naam: str
    rol: str
    gemeente: str | None


async def load_demo(settings: Settings) -> list[DemoLogin]:
    """Fill an empty database and return the demo logins it made.

    A database that already has accounts is left alone and the list is empty: printing demo
    logins that were never created would send an operator looking for accounts that do not
    exist.
    """
    regio_id = await accounts.ensure_regio("ijmond", "IJmond")
    for slug, naam, raad_naam in GEMEENTEN:
        await accounts.ensure_gemeente(slug, naam, raad_naam, regio_id)
    logins = [DemoLogin(email, naam, rol.value, gemeente) for email, naam, rol, gemeente in MENSEN]
    if await Gebruiker.count() > 0:
        return []
    await _load_people(settings, logins)
    await _load_referenties()
    hulp, minima = await _load_vragen()
    await _load_peiling(hulp)
    await _load_focusgroep(settings, hulp)
    await _load_rapport(settings, minima)
    # The demo's people are made up: the mails their steps queued have nobody to go to.
    await Bericht.delete(force=True)
    return logins


async def _load_people(settings: Settings, logins: list[DemoLogin]) -> None:
    for login in logins:
        await accounts.create_gebruiker(
            settings,
            email=login.email,
            naam=login.naam,
            wachtwoord=DEMO_PASSWORD,
            rol=login.rol,
            gemeente_slug=login.gemeente,
            door=None,
        )


# Rounded figures in the shape of CBS StatLine's (inhabitants per age band of 16 and over, and
# all inhabitants per kern), so the representation table has something to compare with. Made
# up for the demo and said so in their source line.
REFERENTIES: dict[str, dict[str, dict[str, int]]] = {
    "velsen": {
        "leeftijd": {"16-25": 7300, "26-40": 11200, "41-65": 24100, "66-80": 10600, "80+": 4100},
        "kern": {
            "IJmuiden": 30900,
            "Velsen-Noord": 5600,
            "Velsen-Zuid": 3300,
            "Driehuis": 2500,
            "Santpoort-Noord": 8600,
            "Santpoort-Zuid": 3900,
            "Velserbroek": 14100,
        },
    },
    "beverwijk": {
        "leeftijd": {"16-25": 4900, "26-40": 7900, "41-65": 14300, "66-80": 6000, "80+": 2100},
        "kern": {"Beverwijk": 39900, "Wijk aan Zee": 2400},
    },
    "heemskerk": {
        "leeftijd": {"16-25": 4100, "26-40": 6000, "41-65": 13600, "66-80": 6900, "80+": 2600},
        "kern": {"Heemskerk": 39500},
    },
}
REFERENTIE_BRON = "Voorbeeldcijfers, afgerond (demo)"


async def _load_referenties() -> None:
    from participatie.bereik import referenties

    sandra = await accounts.acting_as("beheer@participatie.example")
    for slug, cijfers in REFERENTIES.items():
        getypt = {kenmerk: {c: str(n) for c, n in cs.items()} for kenmerk, cs in cijfers.items()}
        await referenties.save_referenties(sandra, slug, getypt, REFERENTIE_BRON)


async def _versie(vraag_id: int) -> int:
    return int((await vragen.load_vraag(vraag_id))["versie"])


async def _funnel(vraag_id: int, raadslid: Ingelogd, tot: str, thema: str, scope: str = "gemeente") -> None:
    """Take a demo vraag through the steps the way a council would, up to step `tot`."""
    await vragen.update_trechter(vraag_id, raadslid, versie=1, scope=scope, thema=thema, prioriteit="normaal")
    if tot == "trechteren":
        return
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    if tot == "concretiseren":
        return
    await vragen.update_concretisering(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        precieze_vraag="Wat houdt inwoners tegen, en wat zou helpen?",
        aanpak="Korte vragen op de telefoon, en een gesprek op de plek waar mensen al komen.",
        doelgroep="Inwoners die er zelf mee te maken hebben, en hun mantelzorgers.",
        participatievormen=["flitspeiling", "bezoek op locatie"],
        planning="Peiling in de eerste maand, gesprekken in de tweede, advies in de derde.",
        deadline=(vragen.today() + timedelta(days=60)).isoformat(),
        verantwoordelijke=str(raadslid.id),
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="voorleggen")
    await vragen.add_activiteit(
        vraag_id,
        raadslid,
        waar="Inloop bij de voedselbank",
        op=vragen.today().isoformat(),
        bereikt="23",
        notities="Veel mensen wisten niet dat de regeling bestaat.",
    )
    if tot == "voorleggen":
        return
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="terugkoppelen")
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="advies")
    await vragen.record_advies(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        tekst=(
            "## Ons advies\n\nMaak de regeling **bekender** en het aanvragen **eenvoudiger**:\n\n"
            "- één formulier van één pagina;\n- hulp bij het invullen in de bibliotheek;\n"
            "- een brief in eenvoudige taal."
        ),
        aan="Het college van B en W",
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="borging")


async def _load_vragen() -> tuple[int, int]:
    """A board with work in every column, in all three councils."""
    marja = await accounts.acting_as("marja.vanleeuwen@beverwijk.example")
    kees = await accounts.acting_as("kees.bakker@beverwijk.example")
    dorine = await accounts.acting_as("dorine.vermeulen@velsen.example")
    pieter = await accounts.acting_as("pieter.devries@velsen.example")
    joris = await accounts.acting_as("joris.jansbeken@heemskerk.example")
    wanneer = (vragen.today() + timedelta(days=45)).isoformat()

    def aanvraag(ambtenaar: Ingelogd, titel: str, tekst: str, thema: str) -> Any:
        return vragen.create_adviesaanvraag(
            ambtenaar,
            titel=titel,
            tekst=tekst,
            achtergrond="",
            thema=thema,
            advies_gewenst_op=wanneer,
            contactpersoon=ambtenaar.naam,
            bijlagen=[],
        )

    minima = await aanvraag(
        marja,
        "Minimaregelingen worden weinig gebruikt",
        "Waarom vragen inwoners met een laag inkomen de minimaregelingen niet aan?",
        "minimabeleid",
    )
    await _funnel(minima, kees, "borging", "minimabeleid")
    hulp = await aanvraag(
        marja,
        "Nieuwe aanbesteding huishoudelijke hulp",
        "Waar moet de nieuwe aanbesteding van de huishoudelijke hulp volgens cliënten op letten?",
        "huishoudelijke_hulp",
    )
    await _funnel(hulp, kees, "voorleggen", "huishoudelijke_hulp", scope="regio")
    await aanvraag(
        marja,
        "Mantelzorgwaardering",
        "Hoe willen mantelzorgers het liefst bedankt worden?",
        "mantelzorg",
    )
    stadhuis = await aanvraag(
        pieter,
        "Toegankelijkheid van het stadhuis",
        "Hoe maken we het stadhuis beter bereikbaar voor mensen met een beperking?",
        "toegankelijkheid",
    )
    await _funnel(stadhuis, dorine, "concretiseren", "toegankelijkheid")
    eenzaam = await vragen.create_eigen_agendering(
        dorine,
        titel="Eenzaamheid onder jonge mantelzorgers",
        tekst="We horen vaak dat jonge mantelzorgers zich alleen voelen. Wat speelt er?",
        thema="eenzaamheid",
    )
    await _funnel(eenzaam, dorine, "trechteren", "eenzaamheid")
    await vragen.create_idee(
        gemeente_slug="heemskerk",
        tekst="Er zijn te weinig bankjes op de route naar de supermarkt. Ouderen kunnen niet even uitrusten.",
        email="",
    )
    jeugd = await vragen.create_eigen_agendering(
        joris,
        titel="Jongeren en schulden",
        tekst="Hoe bereiken we jongeren met schulden eerder?",
        thema="armoede",
    )
    await _funnel(jeugd, joris, "trechteren", "armoede")
    return hulp, minima


async def _load_peiling(vraag_id: int) -> None:
    """An open poll with some answers, so the live results have something to show."""
    from participatie.bereik import kenmerkitems
    from participatie.peilingen import domain as peilingen
    from participatie.peilingen.domain import ItemInvoer

    kees = await accounts.acting_as("kees.bakker@beverwijk.example")
    peiling_id = await peilingen.create_peiling(
        kees,
        vraag_id,
        titel="Huishoudelijke hulp: wat vindt u belangrijk?",
        intro="Vier korte vragen. Het duurt twee minuten. Uw antwoorden zijn anoniem.",
        toegang="link",
    )
    for invoer in [
        ItemInvoer("enkel", "Krijgt u nu huishoudelijke hulp?", keuzes=["Ja", "Nee, maar wel nodig", "Nee"]),
        ItemInvoer(
            "meer",
            "Wat is voor u het belangrijkst?",
            keuzes=["Altijd dezelfde hulp", "Op tijd komen", "Goed schoonmaken", "Even een praatje"],
            max_keuzes="2",
        ),
        ItemInvoer(
            "schaal", "Hoe tevreden bent u nu?", label_laag="Heel ontevreden", label_hoog="Heel tevreden"
        ),
        ItemInvoer("tekst", "Wat moet beter?", max_lengte="500", verplicht=False),
    ]:
        await peilingen.add_item(kees, peiling_id, invoer)
    # The standard background questions, so the representation table has answers to count.
    for kenmerk in ("leeftijd", "kern"):
        await kenmerkitems.add_kenmerk_item(kees, peiling_id, kenmerk)
    sluit = (
        (vragen.now() + timedelta(days=14))
        .astimezone(ZoneInfo("Europe/Amsterdam"))
        .strftime("%Y-%m-%dT%H:%M")
    )
    await peilingen.update_peiling(
        kees,
        peiling_id,
        titel="Huishoudelijke hulp: wat vindt u belangrijk?",
        intro="Vier korte vragen. Het duurt twee minuten. Uw antwoorden zijn anoniem.",
        toegang="link",
        opent_at="",
        sluit_at=sluit,
    )
    await peilingen.publish(kees, peiling_id)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    enkel, meer, schaal, tekst, leeftijd, kern = formulier.items
    # Mostly older residents, as with home help; one in six skips the questions about themselves.
    leeftijden = [4, 3, 4, 2, 3, 4, 1, 3, 4]
    kernen = [0, 0, 0, 1, 0, 0, 0]
    wensen = ["Een vaste hulp, dan hoef ik niet steeds alles uit te leggen.", "", "Minder wisselingen.", ""]
    for n in range(36):
        gegeven, _ = peilingen.parse_antwoorden(
            formulier,
            {
                enkel.veld: [str(enkel.keuzes[n % 3][0])],
                meer.veld: [str(meer.keuzes[n % 4][0]), str(meer.keuzes[(n + 1) % 4][0])],
                schaal.veld: [str(1 + (n * 7) % 5)],
                tekst.veld: [wensen[n % 4]],
                leeftijd.veld: [] if n % 6 == 5 else [str(leeftijd.keuzes[leeftijden[n % 9]][0])],
                kern.veld: [] if n % 6 == 5 else [str(kern.keuzes[kernen[n % 7]][0])],
            },
        )
        await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel=f"demo-{n}")


async def _load_focusgroep(settings: Settings, vraag_id: int) -> None:
    """A running focus group with residents, a planned meeting and first findings."""
    from participatie.focusgroepen import domain as focusgroepen

    kees = await accounts.acting_as("kees.bakker@beverwijk.example")
    marja = await accounts.acting_as("marja.vanleeuwen@beverwijk.example")
    groep_id = await focusgroepen.create_focusgroep(
        kees,
        vraag_id,
        thema="Huishoudelijke hulp: ervaringen van cliënten",
        doel="Horen wat cliënten merken van wisselende hulpen en wat de nieuwe aanbesteding moet regelen.",
        eind_op=(vragen.today() + timedelta(days=60)).isoformat(),
        verantwoordelijke=str(kees.id),
    )
    await focusgroepen.add_account_lid(kees, groep_id, str(marja.id))
    for naam, email, telefoon in [
        ("Gerda Hoogland", "gerda.hoogland@example.org", ""),
        ("Mohamed Aziz", "", "0251 654321"),
        ("Wim Kok", "wim.kok@example.org", "06 12345678"),
    ]:
        await focusgroepen.add_inwoner(
            kees, groep_id, naam=naam, email=email, telefoon=telefoon, toestemming=True
        )
    dag = (vragen.today() + timedelta(days=10)).isoformat()
    await focusgroepen.plan_bijeenkomst(
        kees,
        groep_id,
        settings,
        focusgroepen.BijeenkomstInvoer(
            datum=dag,
            begintijd="14:00",
            eindtijd="15:30",
            plaats="Wijkcentrum De Meent, Beverwijk",
            agenda="1. Kennismaken\n2. Wat gaat goed, wat kan beter?\n3. Tips voor de aanbesteding",
        ),
    )
    for tekst, steun in [
        ("Steeds een andere hulp is zwaar: je moet alles opnieuw uitleggen.", "unaniem"),
        ("De tijd per bezoek is te krap voor een praatje.", "meerderheid"),
    ]:
        await focusgroepen.add_bevinding(kees, groep_id, tekst=tekst, steun=steun, bijeenkomsten=[])


async def _load_rapport(settings: Settings, vraag_id: int) -> None:
    """A published report on the vraag in borging, so /rapporten/beverwijk has something."""
    from participatie.rapporten import domain as rapporten
    from participatie.rapporten.inhoud import PdfNietBeschikbaar

    kees = await accounts.acting_as("kees.bakker@beverwijk.example")
    rapport = await rapporten.rapport_voor(kees, vraag_id)
    await rapporten.update_rapport(
        kees,
        vraag_id,
        versie=rapport["versie"],
        titel="Minimaregelingen: wat inwoners ons vertelden",
        inleiding="In het voorjaar spraken we met inwoners bij de voedselbank en in de bibliotheek.",
        conclusies=(
            "- Veel inwoners **kennen de regelingen niet**.\n"
            "- Het aanvraagformulier is te lang.\n"
            "- Mensen willen hulp bij het invullen, dichtbij huis."
        ),
        automatisch=False,
    )
    # Without Pango the report stays a draft; the rest of the demo works.
    with contextlib.suppress(PdfNietBeschikbaar):
        await rapporten.publish(kees, vraag_id, settings)
