import pytest

from participatie.vragen import stappen
from participatie.vragen.stappen import Stap


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
