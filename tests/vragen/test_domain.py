import asyncio
from datetime import timedelta

import pytest

from participatie import tijd
from participatie.accounts import domain as accounts
from participatie.vragen import domain
from participatie.vragen.domain import NieuweBijlage
from participatie.vragen.tables import Bijlage, Gebeurtenis, Vraag
from tests.conftest import make_gebruiker

FUTURE = (domain.today() + timedelta(days=30)).isoformat()
PAST = (domain.today() - timedelta(days=1)).isoformat()


async def _ingelogd(settings, rol, gemeente, email):
    await make_gebruiker(settings, rol, gemeente, email=email)
    return await accounts.acting_as(email)


async def _aanvraag(ambtenaar, **changes):
    values = {
        "titel": "Minimaregelingen",
        "tekst": "Waarom vragen mensen de regelingen niet aan?",
        "achtergrond": "",
        "thema": "minimabeleid",
        "advies_gewenst_op": FUTURE,
        "contactpersoon": "Marja van Leeuwen",
        "bijlagen": [],
    }
    return await domain.create_adviesaanvraag(ambtenaar, **{**values, **changes})


async def _versie(vraag_id):
    return (await domain.load_vraag(vraag_id))["versie"]


async def _concretiseer(vraag_id, raadslid):
    await domain.update_concretisering(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        precieze_vraag="Wat houdt mensen tegen?",
        aanpak="Persoonlijk gesprek",
        doelgroep="Klanten van de voedselbank",
        participatievormen=["bezoek op locatie"],
        planning="Maart",
        deadline=FUTURE,
        verantwoordelijke=str(raadslid.id),
    )


async def test_adviesaanvraag_enters_as_binnengekomen_with_a_timeline_entry(mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])

    vraag = await domain.load_vraag(vraag_id)
    assert (vraag["stap"], vraag["herkomst"], vraag["versie"]) == ("binnengekomen", "gemeente", 1)
    timeline = await Gebeurtenis.select(Gebeurtenis.soort, Gebeurtenis.naar_stap).where(
        Gebeurtenis.vraag == vraag_id
    )
    assert timeline == [{"soort": "stap", "naar_stap": "binnengekomen"}]


@pytest.mark.parametrize(
    ("changes", "veld", "fragment"),
    [
        ({"tekst": "   "}, "tekst", "Vul de vraag in."),
        ({"advies_gewenst_op": PAST}, "advies_gewenst_op", "in het verleden"),
        ({"advies_gewenst_op": "morgen"}, "advies_gewenst_op", "geldige datum"),
        ({"thema": "ruimtevaart"}, "thema", "Dit thema kennen we niet"),
        ({"bijlagen": [NieuweBijlage("virus.exe", b"MZ...")]}, "bijlagen", "alleen PDF, DOCX en ODT"),
        ({"bijlagen": [NieuweBijlage("nep.pdf", b"PK\x03\x04 no pdf")]}, "bijlagen", "geen echt PDF"),
        (
            {"bijlagen": [NieuweBijlage("groot.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))]},
            "bijlagen",
            "groter dan 10 MB",
        ),
    ],
)
async def test_bad_adviesaanvraag_is_refused_and_stores_nothing(mensen, changes, veld, fragment):
    with pytest.raises(domain.OngeldigeInvoer) as exc:
        await _aanvraag(mensen["ambtenaar"], **changes)

    assert fragment in exc.value.fouten[veld]
    assert await Vraag.count() == 0
    assert await Bijlage.count() == 0


async def test_pdf_attachment_is_stored_with_the_aanvraag(mensen):
    pdf = b"%PDF-1.7\n" + b"x" * 1000

    vraag_id = await _aanvraag(mensen["ambtenaar"], bijlagen=[NieuweBijlage("notitie.pdf", pdf)])

    rows = await Bijlage.select(Bijlage.bestandsnaam, Bijlage.soort, Bijlage.grootte).where(
        Bijlage.vraag == vraag_id
    )
    assert rows == [{"bestandsnaam": "notitie.pdf", "soort": "pdf", "grootte": len(pdf)}]


async def test_a_vraag_goes_all_the_way_from_intake_to_afgerond(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])

    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="voorleggen")
    await domain.add_activiteit(
        vraag_id,
        raadslid,
        waar="Voedselbank Beverwijk",
        op=domain.today().isoformat(),
        bereikt="23",
        notities="",
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="terugkoppelen")
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="advies")
    await domain.record_advies(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        tekst="Maak het aanvragen eenvoudiger.",
        aan="Wethouder Sociaal Domein",
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="borging")
    await domain.record_reactie(
        vraag_id,
        mensen["ambtenaar"],
        oordeel="overgenomen",
        toelichting="Het formulier is korter gemaakt.",
        vervolg_op="",
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="afgerond")

    vraag = await domain.load_vraag(vraag_id)
    assert vraag["stap"] == "afgerond"
    assert vraag["reactie_verwacht_op"] == tijd.local(vraag["advies_at"] + domain.REACTIE_TERMIJN).date()
    steps = (
        await Gebeurtenis.select(Gebeurtenis.naar_stap)
        .where((Gebeurtenis.vraag == vraag_id) & (Gebeurtenis.soort == "stap"))
        .order_by(Gebeurtenis.id)
    )
    assert [s["naar_stap"] for s in steps] == [
        "binnengekomen",
        "concretiseren",
        "voorleggen",
        "terugkoppelen",
        "advies",
        "borging",
        "afgerond",
    ]


async def test_voorleggen_is_refused_until_concretiseren_is_complete(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="regio", thema="armoede", prioriteit="normaal"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    before = await domain.load_vraag(vraag_id)

    with pytest.raises(domain.OntbrekendeGegevens) as exc:
        await domain.advance_stap(vraag_id, raadslid, versie=before["versie"], naar="voorleggen")

    assert "de precieze vraag (de vraag achter de vraag)" in str(exc.value)
    assert await domain.load_vraag(vraag_id) == before


@pytest.mark.parametrize("naar", ["voorleggen", "afgerond", "advies", "bestaat-niet"])
async def test_skipping_steps_is_refused(mensen, naar):
    vraag_id = await _aanvraag(mensen["ambtenaar"])

    with pytest.raises(domain.StapNietToegestaan):
        await domain.advance_stap(vraag_id, mensen["raadslid"], versie=1, naar=naar)

    assert (await domain.load_vraag(vraag_id))["stap"] == "binnengekomen"


async def test_declining_needs_a_reason_and_erases_the_residents_address(mensen, database):
    vraag_id = await domain.create_idee(
        gemeente_slug="beverwijk", tekst="Meer bankjes in het park", email="inwoner@example.org"
    )
    raadslid = mensen["raadslid"]
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="wonen", prioriteit="laag"
    )

    with pytest.raises(domain.OntbrekendeGegevens):
        await domain.advance_stap(vraag_id, raadslid, versie=2, naar="afgewezen")
    await domain.advance_stap(
        vraag_id,
        raadslid,
        versie=2,
        naar="afgewezen",
        afwijsreden="Dit gaat over de openbare ruimte, niet over het sociaal domein.",
    )

    vraag = await domain.load_vraag(vraag_id)
    assert vraag["stap"] == "afgewezen"
    assert vraag["inwoner_email"] is None
    assert vraag["afwijsreden"].startswith("Dit gaat over de openbare ruimte")


async def test_two_people_moving_the_same_card_at_once_one_wins(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )

    results = await asyncio.gather(
        domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren"),
        domain.advance_stap(vraag_id, raadslid, versie=2, naar="afgewezen", afwijsreden="Dubbel"),
        return_exceptions=True,
    )

    assert sum(isinstance(r, domain.GelijktijdigGewijzigd) for r in results) == 1
    vraag = await domain.load_vraag(vraag_id)
    assert vraag["versie"] == 3
    assert (
        await Gebeurtenis.count().where((Gebeurtenis.vraag == vraag_id) & (Gebeurtenis.soort == "stap")) == 2
    )


async def test_raadslid_of_another_council_cannot_touch_a_local_vraag(mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])

    with pytest.raises(domain.GeenToegang):
        await domain.update_trechter(
            vraag_id, mensen["velsen"], versie=1, scope="gemeente", thema="wonen", prioriteit="laag"
        )


async def test_ijmond_wide_vraag_is_open_to_every_council(mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, mensen["raadslid"], versie=1, scope="regio", thema="armoede", prioriteit="hoog"
    )

    await domain.advance_stap(vraag_id, mensen["velsen"], versie=2, naar="concretiseren")

    assert (await domain.load_vraag(vraag_id))["stap"] == "concretiseren"


async def test_going_back_a_step_is_allowed_and_recorded(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")

    await domain.advance_stap(
        vraag_id, raadslid, versie=3, naar="trechteren", notitie="Toch eerst de scope bespreken"
    )

    back = await Gebeurtenis.select(Gebeurtenis.van_stap, Gebeurtenis.naar_stap, Gebeurtenis.notitie).where(
        Gebeurtenis.soort == "terug"
    )
    assert back == [
        {"van_stap": "concretiseren", "naar_stap": "trechteren", "notitie": "Toch eerst de scope bespreken"}
    ]


async def test_merging_a_duplicate_points_to_the_older_vraag(mensen):
    raadslid = mensen["raadslid"]
    older = await _aanvraag(mensen["ambtenaar"])
    newer = await _aanvraag(mensen["ambtenaar"], titel="Nog eens minimaregelingen")

    await domain.update_trechter(
        newer,
        raadslid,
        versie=1,
        scope="gemeente",
        thema="minimabeleid",
        prioriteit="laag",
        dubbel_van=str(older),
    )
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.update_trechter(
            older,
            raadslid,
            versie=1,
            scope="gemeente",
            thema="minimabeleid",
            prioriteit="laag",
            dubbel_van=str(newer),
        )

    assert (await domain.load_vraag(newer))["dubbel_van"] == older


async def test_idee_needs_text_and_a_plausible_address(database):
    with pytest.raises(domain.OngeldigeInvoer) as exc:
        await domain.create_idee(gemeente_slug="velsen", tekst=" ", email="x\r\nBcc: a@b.c")

    assert set(exc.value.fouten) == {"tekst", "email"}
    assert await Vraag.count() == 0


async def test_outreach_in_the_future_is_refused(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    await domain.advance_stap(vraag_id, raadslid, versie=4, naar="voorleggen")

    with pytest.raises(domain.OngeldigeInvoer) as exc:
        await domain.add_activiteit(vraag_id, raadslid, waar="Koor", op=FUTURE, bereikt="veel", notities="")

    assert set(exc.value.fouten) == {"op", "bereikt"}
