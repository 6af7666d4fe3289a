import asyncio
from datetime import timedelta

import pytest

from participatie import fouten, sleutels
from participatie.peilingen import domain
from participatie.peilingen.domain import ItemInvoer
from participatie.peilingen.tables import (
    Antwoord,
    Deelname,
    Peiling,
    Teller,
    Uitnodiging,
    Waarde,
)
from participatie.vragen import domain as vragen
from tests.vragen.test_domain import _aanvraag, _concretiseer, _versie

SECRET = "test-geheim"


async def _vraag_in_voorleggen(mensen) -> int:
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await vragen.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="voorleggen")
    return vraag_id


async def make_peiling(mensen, *, toegang: str = "link", publish: bool = True) -> int:
    """A 5-item poll: single choice, multiple choice (max 2), scale, number, open text."""
    raadslid = mensen["raadslid"]
    vraag_id = await _vraag_in_voorleggen(mensen)
    peiling_id = await domain.create_peiling(
        raadslid, vraag_id, titel="Minimaregelingen", intro="Vijf korte vragen.", toegang=toegang
    )
    for invoer in [
        ItemInvoer("enkel", "Kent u de regeling?", keuzes=["Ja, goed", "Een beetje", "Nee"]),
        ItemInvoer(
            "meer", "Waar hoort u erover?", keuzes=["Krant", "Buren", "Huisarts", "Website"], max_keuzes="2"
        ),
        ItemInvoer(
            "schaal",
            "Hoe makkelijk is het aanvragen?",
            label_laag="Heel moeilijk",
            label_hoog="Heel makkelijk",
        ),
        ItemInvoer(
            "getal", "Hoeveel formulieren vulde u in?", min_getal="0", max_getal="20", verplicht=False
        ),
        ItemInvoer("tekst", "Wat zou helpen?", max_lengte="200", verplicht=False),
    ]:
        await domain.add_item(raadslid, peiling_id, invoer)
    await domain.update_peiling(
        raadslid,
        peiling_id,
        titel="Minimaregelingen",
        intro="Vijf korte vragen.",
        toegang=toegang,
        opent_at="",
        sluit_at=(domain.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    )
    if publish:
        await domain.publish(raadslid, peiling_id)
    return peiling_id


def answers(formulier, **overrides) -> dict[str, list[str]]:
    enkel, meer, schaal, getal, tekst = formulier.items[:5]
    data = {
        enkel.veld: [str(enkel.keuzes[0][0])],
        meer.veld: [str(meer.keuzes[0][0]), str(meer.keuzes[2][0])],
        schaal.veld: ["4"],
        getal.veld: ["3"],
        tekst.veld: ["Eén formulier voor alles."],
    }
    for index, value in overrides.items():
        data[formulier.items[int(index[1:])].veld] = value
    return data


async def test_a_complete_response_is_stored_as_values_per_item(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)

    gegeven, fouten = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")

    assert fouten == {}
    assert await Antwoord.count() == 1
    assert await Waarde.count() == 6  # two ticked choices on the multiple-choice item
    row = await Antwoord.select(Antwoord.ingediend_uur).first()
    assert (row["ingediend_uur"].minute, row["ingediend_uur"].second) == (0, 0)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"i0": []}, "Kies een antwoord bij vraag 1: Kent u de regeling?"),
        ({"i1": []}, "Kies één of meer antwoorden bij vraag 2: Waar hoort u erover?"),
        ({"i2": []}, "Kies een cijfer bij vraag 3: Hoe makkelijk is het aanvragen?"),
        ({"i0": ["999999"]}, "Kies een antwoord uit de lijst."),
        ({"i1": ["1", "2", "3"]}, "Kies een antwoord uit de lijst."),
        ({"i2": ["6"]}, "Kies een antwoord."),
        ({"i3": ["21"]}, "Vul een getal in van 0 tot en met 20."),
        ({"i3": ["drie"]}, "Vul een heel getal in, zoals 3."),
        ({"i4": ["x" * 201]}, "Uw antwoord is 201 tekens. Het mag hoogstens 200 tekens zijn."),
    ],
)
async def test_bad_answers_are_explained_per_item(mensen, override, message):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)

    _, fouten = domain.parse_antwoorden(formulier, answers(formulier, **override))

    item = formulier.items[int(next(iter(override))[1:])]
    assert fouten == {item.veld: message}


async def test_a_choice_of_another_item_is_refused(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    other_items_choice = str(formulier.items[1].keuzes[0][0])

    _, fouten = domain.parse_antwoorden(formulier, answers(formulier, i0=[other_items_choice]))

    assert fouten == {formulier.items[0].veld: "Kies een antwoord uit de lijst."}


async def test_too_many_choices_on_multiple_choice(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    three = [str(k) for k, _ in formulier.items[1].keuzes[:3]]

    _, fouten = domain.parse_antwoorden(formulier, answers(formulier, i1=three))

    assert fouten == {formulier.items[1].veld: "Kies hoogstens 2 antwoorden."}


async def test_fifty_parallel_submissions_with_one_code_store_one_response(mensen):
    peiling_id = await make_peiling(mensen, toegang="codes")
    (code,) = await domain.create_codes(mensen["raadslid"], peiling_id, 1, SECRET)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    code_hash = sleutels.keyed(SECRET, f"code:{code}")

    async def attempt() -> str:
        try:
            await domain.submit(
                formulier, gegeven, bron="code", deelname_sleutel=code_hash, code_hashes=[code_hash]
            )
        except domain.PeilingError as exc:
            return type(exc).__name__
        return "ok"

    results = await asyncio.gather(*(attempt() for _ in range(50)))

    assert results.count("ok") == 1
    assert set(results) - {"ok"} <= {"OngeldigeCode", "AlBeantwoord"}
    assert await Antwoord.count() == 1
    assert await Waarde.count() == 6
    assert await Uitnodiging.select(Uitnodiging.gebruikt) == [{"gebruikt": True}]


async def test_same_browser_twice_stores_one_response(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))

    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")
    with pytest.raises(domain.AlBeantwoord):
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")

    assert await Antwoord.count() == 1
    assert await Deelname.count() == 1


async def test_a_refused_submission_gives_its_code_back(mensen):
    peiling_id = await make_peiling(mensen, toegang="codes")
    (code,) = await domain.create_codes(mensen["raadslid"], peiling_id, 1, SECRET)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    code_hash = sleutels.keyed(SECRET, f"code:{code}")
    await Deelname.insert(Deelname(peiling=peiling_id, sleutel="al-bezet"))

    with pytest.raises(domain.AlBeantwoord):
        await domain.submit(
            formulier, gegeven, bron="code", deelname_sleutel="al-bezet", code_hashes=[code_hash]
        )

    # The claim and the refusal were one transaction: the code can still be used.
    assert await Uitnodiging.select(Uitnodiging.gebruikt) == [{"gebruikt": False}]
    assert await Antwoord.count() == 0


async def test_forged_code_stores_nothing(mensen):
    peiling_id = await make_peiling(mensen, toegang="codes")
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    forged = sleutels.keyed(SECRET, "code:AAAAAAAA")

    with pytest.raises(domain.OngeldigeCode):
        await domain.submit(formulier, gegeven, bron="code", deelname_sleutel=forged, code_hashes=[forged])

    assert (await Antwoord.count(), await Deelname.count()) == (0, 0)


async def test_address_limit_refuses_that_address_only(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    drempels = domain.Drempels(per_adres=3)
    await _not_near_the_end_of_a_minute()  # and so not of a 10-minute window

    for n in range(3):
        await domain.submit(
            formulier,
            gegeven,
            bron="link",
            deelname_sleutel=f"b{n}",
            adres_sleutel="adres",
            drempels=drempels,
        )
    with pytest.raises(domain.TeVeelInzendingen):
        await domain.submit(
            formulier, gegeven, bron="link", deelname_sleutel="b9", adres_sleutel="adres", drempels=drempels
        )
    await domain.submit(
        formulier, gegeven, bron="link", deelname_sleutel="b10", adres_sleutel="ander", drempels=drempels
    )

    assert await Antwoord.count() == 4


async def test_a_poll_slows_down_then_refuses_within_one_minute(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    drempels = domain.Drempels(druk_per_minuut=2, max_per_minuut=4)
    await _not_near_the_end_of_a_minute()

    busy = [
        (
            await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"b{n}", drempels=drempels)
        ).is_druk
        for n in range(4)
    ]
    with pytest.raises(domain.TeVeelInzendingen):
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="b9", drempels=drempels)

    assert busy == [False, False, True, True]
    assert await Antwoord.count() == 4
    assert await Deelname.count() == 4  # the refused one may come back with the same browser
    counts = await Teller.select(Teller.aantal, Teller.geweigerd).where(Teller.soort == "minuut")
    assert (sum(c["aantal"] for c in counts), sum(c["geweigerd"] for c in counts)) == (4, 1)


async def test_counters_with_an_address_are_forgotten_within_the_hour(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="b1", adres_sleutel="adres")

    soon = await domain.purge_tellers(domain.now() + timedelta(minutes=30))
    later = await domain.purge_tellers(domain.now() + timedelta(minutes=80))

    assert (soon, later) == (0, 1)
    # Kept: the minute counts for the results page, the language count for the results and the year.
    assert sorted(r["soort"] for r in await Teller.select(Teller.soort)) == ["minuut", "taal"]


async def _not_near_the_end_of_a_minute() -> None:
    """Counts are per clock minute: start a burst early enough in a minute to end in it."""
    second = domain.now().second
    if second >= 45:
        await asyncio.sleep(61 - second)


async def test_items_are_locked_once_answers_are_in_but_wording_may_improve(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="b1")
    first = formulier.items[0]

    with pytest.raises(domain.VastNaAntwoorden):
        await domain.remove_item(mensen["raadslid"], first.id)
    with pytest.raises(domain.VastNaAntwoorden):
        await domain.move_item(mensen["raadslid"], first.id, +1)
    with pytest.raises(domain.VastNaAntwoorden):
        await domain.add_item(mensen["raadslid"], peiling_id, ItemInvoer("janee", "Nog iets?"))
    await domain.update_item_tekst(
        mensen["raadslid"], first.id, tekst="Kent u de minimaregeling?", toelichting=""
    )

    again = await domain.load_formulier(peiling_id=peiling_id)
    assert [i.id for i in again.items] == [i.id for i in formulier.items]
    assert again.items[0].tekst == "Kent u de minimaregeling?"


async def test_reordering_before_answers(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    before = await domain.load_formulier(peiling_id=peiling_id)

    await domain.move_item(mensen["raadslid"], before.items[0].id, +1)

    after = await domain.load_formulier(peiling_id=peiling_id)
    assert [i.id for i in after.items] == [
        before.items[1].id,
        before.items[0].id,
        *[i.id for i in before.items[2:]],
    ]


async def test_planner_opens_and_closes_at_the_set_times_once(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    opens = domain.now() + timedelta(hours=1)
    await Peiling.update({Peiling.opent_at: opens, Peiling.sluit_at: opens + timedelta(hours=2)}).where(
        Peiling.id == peiling_id
    )
    assert await domain.publish(mensen["raadslid"], peiling_id) == "gepland"

    before = await domain.open_and_close_due(opens - timedelta(minutes=1))
    opened = await domain.open_and_close_due(opens + timedelta(minutes=1))
    again = await domain.open_and_close_due(opens + timedelta(minutes=2))
    closed = await domain.open_and_close_due(opens + timedelta(hours=3))

    assert (before, opened, again, closed) == (0, 1, 0, 1)
    assert (await Peiling.select(Peiling.status).first())["status"] == "gesloten"


async def test_closed_poll_refuses_answers(mensen):
    peiling_id = await make_peiling(mensen)
    await domain.close_early(mensen["raadslid"], peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))

    with pytest.raises(domain.NietOpen):
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="b1")

    assert await Antwoord.count() == 0


async def test_publishing_needs_voorleggen_items_and_a_closing_time(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _vraag_in_voorleggen(mensen)
    peiling_id = await domain.create_peiling(raadslid, vraag_id, titel="Leeg", intro="", toegang="link")

    with pytest.raises(domain.PeilingError, match="Voeg eerst een vraag toe"):
        await domain.publish(raadslid, peiling_id)
    await domain.add_item(raadslid, peiling_id, ItemInvoer("janee", "Doet u mee?"))
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.publish(raadslid, peiling_id)


async def test_other_council_cannot_touch_the_poll(mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    with pytest.raises(domain.GeenToegang):
        await domain.add_item(mensen["velsen"], peiling_id, ItemInvoer("janee", "Ook een vraag?"))
    with pytest.raises(domain.GeenToegang):
        await domain.close_early(mensen["velsen"], peiling_id)


@pytest.mark.parametrize(
    ("invoer", "veld"),
    [
        (ItemInvoer("enkel", "Kies", keuzes=["Alleen"]), "keuzes"),
        (ItemInvoer("enkel", "Kies", keuzes=["A", "A"]), "keuzes"),
        (ItemInvoer("schaal", "Hoe?", label_laag="", label_hoog="Goed"), "label_laag"),
        (ItemInvoer("getal", "Hoeveel?", min_getal="10", max_getal="5"), "max_getal"),
        (ItemInvoer("tekst", "", max_lengte="100"), "tekst"),
        (ItemInvoer("tekst", "Wijk", is_achtergrond=True), "is_achtergrond"),
    ],
)
async def test_bad_items_are_refused(mensen, invoer, veld):
    peiling_id = await make_peiling(mensen, publish=False)

    with pytest.raises(domain.OngeldigeInvoer) as refused:
        await domain.add_item(mensen["raadslid"], peiling_id, invoer)

    assert veld in refused.value.fouten


def test_refusals_are_of_the_one_family_with_their_own_status():
    flood = domain.TeVeelInzendingen(17)
    guesses = domain.TeVeelCodes(61)

    assert domain.OngeldigeInvoer is fouten.OngeldigeInvoer
    assert [
        (isinstance(e, fouten.Geweigerd), isinstance(e, domain.PeilingError), e.status)
        for e in (
            domain.PeilingError("Deze peiling is niet open."),
            domain.GeenToegang(),
            domain.OngeldigeCode(),
            domain.AlBeantwoord(),
            domain.KioskGeweigerd(),
            flood,
            guesses,
        )
    ] == [(True, True, 409), (True, True, 403), (True, True, 422), (True, True, 409), (True, True, 403)] + [
        (True, True, 429)
    ] * 2
    assert isinstance(domain.GeenToegang(), fouten.GeenToegang)
    assert (flood.retry_after, flood.melding) == (
        17,
        "Er komen op dit moment erg veel antwoorden binnen. Probeer het over een minuut opnieuw.",
    )
    assert (guesses.retry_after, guesses.melding) == (
        61,
        "Er zijn te veel verkeerde codes ingevuld. Wacht even en probeer het over 2 minuten opnieuw.",
    )


def _item(soort: str, tekst: str) -> domain.FormItem:
    return domain.FormItem(
        id=1,
        soort=domain.Soort(soort),
        tekst=tekst,
        toelichting="",
        verplicht=True,
        is_achtergrond=False,
        max_keuzes=None,
        min_getal=None,
        max_getal=None,
        max_lengte=None,
        label_laag="",
        label_hoog="",
        keuzes=(),
    )


def test_a_missing_answer_names_its_question_and_what_to_do():
    lang = "Hoe vaak " + "gaat u naar de bibliotheek, de buurtkamer of het wijkcentrum " * 3 + "?"

    assert domain.missing_answer(4, _item("getal", "Hoe oud bent u?")) == (
        "Vul een getal in bij vraag 4: Hoe oud bent u?"
    )
    assert domain.missing_answer(5, _item("tekst", "Wat zou helpen?")) == (
        "Schrijf een antwoord bij vraag 5: Wat zou helpen?"
    )
    assert domain.missing_answer(2, _item("janee", "Zit u graag buiten?")) == (
        "Kies ja of nee bij vraag 2: Zit u graag buiten?"
    )
    kort = domain.missing_answer(1, _item("enkel", lang))
    assert kort.startswith("Kies een antwoord bij vraag 1: Hoe vaak gaat u naar")
    assert kort.endswith("…") and len(kort.split(": ", 1)[1]) == 80
