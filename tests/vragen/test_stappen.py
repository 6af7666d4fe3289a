import datetime as _dt

import pytest

from participatie import tijd
from participatie.vragen import domain, stappen
from participatie.vragen.stappen import Actie, Stap
from participatie.vragen.tables import Vraag
from tests.conftest import login
from tests.vragen.test_domain import _aanvraag


def test_every_step_is_on_the_board_once():
    assert sorted(stappen.VOLGORDE) == sorted(Stap)
    assert len(set(stappen.VOLGORDE)) == len(Stap)


def test_the_funnel_runs_forward_from_intake_to_done():
    path = [Stap.BINNENGEKOMEN]
    while stappen.VOORUIT[path[-1]] - {Stap.AFGEWEZEN}:
        (nxt,) = stappen.VOORUIT[path[-1]] - {Stap.AFGEWEZEN}
        path.append(nxt)

    assert path == [
        Stap.BINNENGEKOMEN,
        Stap.TRECHTEREN,
        Stap.CONCRETISEREN,
        Stap.VOORLEGGEN,
        Stap.TERUGKOPPELEN,
        Stap.ADVIES,
        Stap.BORGING,
        Stap.AFGEROND,
    ]


def test_only_trechteren_may_decline():
    decliners = [s for s, targets in stappen.VOORUIT.items() if Stap.AFGEWEZEN in targets]

    assert decliners == [Stap.TRECHTEREN]


@pytest.mark.parametrize("van", [Stap.ADVIES, Stap.BORGING, Stap.AFGEROND])
def test_nothing_goes_back_once_the_advice_has_left(van):
    assert stappen.TERUG.get(van, frozenset()) == frozenset()


def test_going_back_is_only_ever_one_step():
    for van, targets in stappen.TERUG.items():
        for naar in targets:
            if van is Stap.AFGEWEZEN:
                assert naar is Stap.TRECHTEREN
            else:
                assert stappen.VOLGORDE.index(van) - stappen.VOLGORDE.index(naar) == 1


def test_voorleggen_needs_every_answer_of_concretiseren():
    missing = stappen.missing_for(Stap.VOORLEGGEN, {"precieze_vraag": "Waarom?", "participatievormen": []})

    assert [v.veld for v in missing] == [
        "aanpak",
        "doelgroep",
        "participatievormen",
        "planning",
        "deadline",
        "verantwoordelijke",
    ]


def test_whitespace_does_not_count_as_filled_in():
    missing = stappen.missing_for(Stap.AFGEWEZEN, {"afwijsreden": "   "})

    assert [v.veld for v in missing] == ["afwijsreden"]


def test_allowed_next_lists_forward_and_back_in_funnel_order():
    assert stappen.allowed_next(Stap.CONCRETISEREN) == [Stap.TRECHTEREN, Stap.VOORLEGGEN]
    assert stappen.allowed_next(Stap.TRECHTEREN) == [Stap.CONCRETISEREN, Stap.AFGEWEZEN]
    assert stappen.allowed_next(Stap.AFGEROND) == []


# --- the table MAG, as the domain enforces it and the page offers it ------------------------


async def _in_stap(vraag_id, stap):
    # Arrange only: the walk through the steps is tested in test_domain; here each step is a
    # starting point, so the row is put there directly.
    await Vraag.update({Vraag.stap: stap.value}).where(Vraag.id == vraag_id)


async def _versie(vraag_id):
    return (await domain.load_vraag(vraag_id))["versie"]


async def _trechteren(vraag_id, user):
    await domain.update_trechter(
        vraag_id, user, versie=await _versie(vraag_id), scope="gemeente", thema="wonen", prioriteit="hoog"
    )


async def _concretiseren(vraag_id, user):
    await domain.update_concretisering(
        vraag_id,
        user,
        versie=await _versie(vraag_id),
        precieze_vraag="Wat houdt mensen tegen?",
        aanpak="",
        doelgroep="",
        participatievormen=[],
        planning="",
        deadline="",
        verantwoordelijke="",
    )


async def _activiteit(vraag_id, user):
    await domain.add_activiteit(
        vraag_id, user, waar="De voedselbank", op=tijd.today().isoformat(), bereikt="12", notities=""
    )


async def _advies(vraag_id, user):
    await domain.record_advies(
        vraag_id, user, versie=await _versie(vraag_id), tekst="Doe het.", aan="Het college"
    )


async def _reactie(vraag_id, user):
    vervolg = (tijd.today() + _dt.timedelta(days=30)).isoformat()
    await domain.record_reactie(vraag_id, user, oordeel="deels", toelichting="Omdat.", vervolg_op=vervolg)


DOMEIN = {
    Actie.TRECHTEREN: _trechteren,
    Actie.CONCRETISEREN: _concretiseren,
    Actie.ACTIVITEIT_VASTLEGGEN: _activiteit,
    Actie.ADVIES_GEVEN: _advies,
    Actie.REACTIE_VASTLEGGEN: _reactie,
}


@pytest.mark.parametrize("actie", list(DOMEIN), ids=[a.value for a in DOMEIN])
async def test_domain_refuses_exactly_where_the_table_says_no(mensen, actie):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    outcome = {}

    for stap in Stap:
        await _in_stap(vraag_id, stap)
        try:
            await DOMEIN[actie](vraag_id, mensen["raadslid"])
        except domain.StapNietToegestaan as exc:
            outcome[stap] = str(exc)
        else:
            outcome[stap] = "ja"

    expected = {s: "ja" if stappen.mag(s, actie) else stappen.WAAROM_NIET[actie] for s in Stap}
    assert outcome == expected


# Per action, what on the vraag page shows that it is offered: a form's action or a link.
AANBOD = {
    Actie.TRECHTEREN: '/trechter" class="formulier"',
    Actie.CONCRETISEREN: '/concretisering" class="formulier"',
    Actie.PEILING_MAKEN: '/peilingen/nieuw">Een peiling maken',
    Actie.FOCUSGROEP_STARTEN: '/focusgroepen/nieuw">Een focusgroep starten',
    Actie.ACTIVITEIT_VASTLEGGEN: '/activiteiten" class="formulier"',
    Actie.RAPPORT_SCHRIJVEN: '/rapport">Het rapport voor inwoners schrijven',
    Actie.ADVIES_GEVEN: '/advies" class="formulier"',
    Actie.REACTIE_VASTLEGGEN: '/reactie" class="formulier"',
}


async def test_page_offers_a_form_exactly_where_the_table_says_yes(client, settings, mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await login(client, "kees@beverwijk.example")
    offered = {}

    for stap in Stap:
        await _in_stap(vraag_id, stap)
        page = await client.get(f"/raad/beverwijk/vragen/{vraag_id}")
        assert page.status_code == 200
        offered[stap] = {actie for actie, teken in AANBOD.items() if teken in page.text}

    assert offered == {s: {a for a in AANBOD if stappen.mag(s, a)} for s in Stap}


async def test_stale_form_is_refused_before_the_step_is_judged(mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _trechteren(vraag_id, mensen["raadslid"])  # versie 1 -> 2

    # "afgerond" is no allowed next step either: the stale version must be what is reported.
    with pytest.raises(domain.GelijktijdigGewijzigd) as refused:
        await domain.advance_stap(vraag_id, mensen["raadslid"], versie=1, naar="afgerond")

    assert refused.value.status == 409
    assert str(refused.value).startswith("Iemand anders heeft deze vraag net gewijzigd.")
    assert (await domain.load_vraag(vraag_id))["stap"] == "trechteren"
