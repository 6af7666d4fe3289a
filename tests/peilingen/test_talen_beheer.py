"""The council translates a poll (issue 15): adding, translating and removing a language, on
both engines, through the domain and through the pages."""

import asyncio
import itertools

import pytest

from participatie.fouten import OngeldigeInvoer
from participatie.peilingen import domain, talen
from participatie.peilingen.domain import ItemInvoer
from participatie.peilingen.tables import Peiling, Peilingtaal, Vertaling
from participatie.spoor.tables import Spoorregel
from tests.conftest import login, make_gebruiker, post_form
from tests.peilingen.test_domain import make_peiling


async def _formulier(peiling_id: int):
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    return formulier


async def _versie(peiling_id: int) -> int:
    row = await Peiling.select(Peiling.versie).where(Peiling.id == peiling_id).first()
    return row["versie"]


def _alles(formulier, prefix: str = "EN ") -> dict[talen.Sleutel, str]:
    """A translation of every text the poll needs, recognisable by its prefix."""
    return {s: f"{prefix}{talen.veldnaam(s)}" for s in talen.nodig(formulier)}


async def test_a_complete_language_is_offered_and_the_public_form_reads_it(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    voor = await _versie(peiling_id)

    info = await talen.add_taal(raadslid, peiling_id, " AR ")
    after_add = await _formulier(peiling_id)
    assert (info.code, info.richting, info.naam_nl) == ("ar", "rtl", "Arabisch")
    assert await _versie(peiling_id) == voor + 1
    assert await talen.aangeboden(after_add) == []  # nothing translated yet: not offered

    teksten = _alles(after_add, "AR ")
    *eerst, laatste = list(teksten)
    await talen.save_vertalingen(raadslid, peiling_id, "ar", {s: teksten[s] for s in eerst})
    half = await _formulier(peiling_id)
    assert [s.ontbrekend for s in await talen.standen(half)] == [1]
    assert await talen.aangeboden(half) == []

    changed = await talen.save_vertalingen(raadslid, peiling_id, "ar", {laatste: teksten[laatste]})
    formulier = await _formulier(peiling_id)

    assert changed == 1
    assert [t.code for t in await talen.aangeboden(formulier)] == ["ar"]
    vertaald = talen.vertaal(formulier, (await talen.vertalingen(formulier))["ar"])
    assert vertaald.titel == "AR titel"
    item = vertaald.items[0]
    assert item.tekst == f"AR tekst-{item.id}"
    assert item.keuzes[0] == (item.keuzes[0][0], f"AR keuze-{item.id}-{item.keuzes[0][0]}")
    assert vertaald.items[2].label_laag == f"AR label_laag-{vertaald.items[2].id}"
    keuze_rij = await Vertaling.select().where(Vertaling.keuze == item.keuzes[0][0]).first()
    assert (keuze_rij["item"], keuze_rij["taal"]) == (item.id, "ar")  # both ids stored


async def test_every_change_raises_the_version_and_refreshes_the_cached_form(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    eerst = await _formulier(peiling_id)
    assert (await talen.vertalingen(eerst))["en"] == {}  # now cached for this version

    await talen.save_vertalingen(raadslid, peiling_id, "en", {("titel", None, None): "Benefits"})
    tweede = await _formulier(peiling_id)
    assert (await talen.vertalingen(tweede))["en"][("titel", None, None)] == "Benefits"
    await talen.save_vertalingen(raadslid, peiling_id, "en", {("titel", None, None): "Minimum income"})
    derde = await _formulier(peiling_id)

    assert eerst.versie < tweede.versie < derde.versie
    assert (await talen.vertalingen(derde))["en"][("titel", None, None)] == "Minimum income"
    assert await Vertaling.count() == 1


@pytest.mark.parametrize(
    ("code", "melding"),
    [
        ("nl", "Nederlands staat er altijd al in. Kies een andere taal."),
        ("NL-be", "Nederlands staat er altijd al in. Kies een andere taal."),
        ("Nederlands", "Nederlands staat er altijd al in. Kies een andere taal."),
        ("", "Vul een taal in, zoals en, tr, ar, pl of ti."),
        ("\x00", "Vul een taal in, zoals en, tr, ar, pl of ti."),
        (
            "xx",
            "Deze taal kennen we niet: xx. Vul een taalcode in, zoals en, tr, ar, pl of ti, "
            "of de naam in het Nederlands, zoals Engels of Arabisch.",
        ),
        (
            "<script>",
            "Deze taal kennen we niet: <script>. Vul een taalcode in, zoals en, tr, ar, pl of ti, "
            "of de naam in het Nederlands, zoals Engels of Arabisch.",
        ),
    ],
)
async def test_dutch_and_unknown_languages_are_refused_with_a_message(mensen, code, melding):
    peiling_id = await make_peiling(mensen)

    with pytest.raises(OngeldigeInvoer) as refused:
        await talen.add_taal(mensen["raadslid"], peiling_id, code)

    assert refused.value.fouten == {"taal": melding}
    assert await Peilingtaal.count() == 0


async def test_a_language_is_found_by_its_dutch_name_and_added_once(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]

    info = await talen.add_taal(raadslid, peiling_id, "Tigrinya")
    with pytest.raises(OngeldigeInvoer) as twice:
        await talen.add_taal(raadslid, peiling_id, "ti")

    assert info.code == "ti"
    assert twice.value.fouten == {"taal": "Tigrinya staat al bij deze peiling."}
    assert await Peilingtaal.count() == 1


async def test_at_most_ten_languages(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    for code in ["en", "tr", "ar", "pl", "uk", "ti", "so", "fa", "de", "fr"]:
        await talen.add_taal(raadslid, peiling_id, code)

    with pytest.raises(OngeldigeInvoer) as refused:
        await talen.add_taal(raadslid, peiling_id, "es")

    assert refused.value.fouten == {"taal": "Een peiling kan in hoogstens 10 talen naast het Nederlands."}
    assert await Peilingtaal.count() == 10


async def test_two_adds_at_once_make_one_language(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]

    uitkomsten = await asyncio.gather(
        talen.add_taal(raadslid, peiling_id, "pl"),
        talen.add_taal(raadslid, peiling_id, "pl"),
        return_exceptions=True,
    )

    assert await Peilingtaal.count() == 1
    assert sum(isinstance(u, talen.Taal) for u in uitkomsten) >= 1
    assert all(isinstance(u, (talen.Taal, OngeldigeInvoer)) for u in uitkomsten)


async def test_two_saves_at_once_leave_one_row_per_text(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    formulier = await _formulier(peiling_id)
    teksten = _alles(formulier)

    await asyncio.gather(
        talen.save_vertalingen(raadslid, peiling_id, "en", teksten),
        talen.save_vertalingen(raadslid, peiling_id, "en", teksten),
        talen.save_vertalingen(raadslid, peiling_id, "en", {**teksten, ("titel", None, None): "Other"}),
    )

    assert await Vertaling.count() == len(teksten)
    titels = await Vertaling.select(Vertaling.tekst).where(Vertaling.veld == "titel")
    assert len(titels) == 1 and titels[0]["tekst"] in {"EN titel", "Other"}


async def test_too_long_texts_are_refused_per_field_and_nothing_is_stored(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    formulier = await _formulier(peiling_id)
    schaal = formulier.items[2]
    enkel = formulier.items[0]
    keuze_id = enkel.keuzes[0][0]

    with pytest.raises(OngeldigeInvoer) as refused:
        await talen.save_vertalingen(
            raadslid,
            peiling_id,
            "en",
            {
                ("titel", None, None): "x" * 201,
                ("intro", None, None): "Fine",
                ("label_laag", schaal.id, None): "y" * 61,
                ("keuze", enkel.id, keuze_id): "z" * 201,
                ("tekst", enkel.id, None): "q" * 500,  # exactly the limit: fine
            },
        )

    assert refused.value.fouten == {
        "titel": "Dit mag hoogstens 200 tekens lang zijn.",
        f"label_laag-{schaal.id}": "Dit mag hoogstens 60 tekens lang zijn.",
        f"keuze-{enkel.id}-{keuze_id}": "Dit mag hoogstens 200 tekens lang zijn.",
    }
    assert await Vertaling.count() == 0


async def test_nul_bytes_are_dropped_and_texts_of_other_polls_are_ignored(mensen):
    peiling_id = await make_peiling(mensen)
    andere = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    vreemd_item = (await _formulier(andere)).items[0]

    await talen.save_vertalingen(
        raadslid,
        peiling_id,
        "en",
        {("titel", None, None): "Mini\x00mum", ("tekst", vreemd_item.id, None): "Not this poll's"},
    )

    rows = await Vertaling.select(Vertaling.veld, Vertaling.tekst)
    assert rows == [{"veld": "titel", "tekst": "Minimum"}]


async def test_emptying_a_field_removes_its_translation(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    await talen.save_vertalingen(raadslid, peiling_id, "en", {("titel", None, None): "Benefits"})

    await talen.save_vertalingen(raadslid, peiling_id, "en", {("titel", None, None): "   "})

    assert await Vertaling.count() == 0
    assert (await talen.vertalingen(await _formulier(peiling_id)))["en"] == {}


async def test_removing_a_language_removes_its_translations_only(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    for code in ("en", "tr"):
        await talen.add_taal(raadslid, peiling_id, code)
        await talen.save_vertalingen(raadslid, peiling_id, code, _alles(await _formulier(peiling_id), code))

    await talen.remove_taal(raadslid, peiling_id, "EN")

    formulier = await _formulier(peiling_id)
    assert list(await talen.vertalingen(formulier)) == ["tr"]
    assert {r["taal"] for r in await Vertaling.select(Vertaling.taal)} == {"tr"}
    assert [t.code for t in await talen.aangeboden(formulier)] == ["tr"]


async def test_removing_an_item_removes_its_translations_and_completeness_follows(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    formulier = await _formulier(peiling_id)
    teksten = _alles(formulier)
    enkel = formulier.items[0]
    await talen.save_vertalingen(raadslid, peiling_id, "en", teksten)

    await domain.remove_item(raadslid, enkel.id)
    na_weg = await _formulier(peiling_id)
    await domain.add_item(raadslid, peiling_id, ItemInvoer("janee", "Woont u in Beverwijk?"))
    na_nieuw = await _formulier(peiling_id)

    weg = [s for s in teksten if s[1] == enkel.id]
    assert len(weg) == 4  # the question and its three choices
    assert await Vertaling.count() == len(teksten) - len(weg)
    assert [t.code for t in await talen.aangeboden(na_weg)] == ["en"]
    # A new question is Dutch only: the language is no longer complete, so no longer offered.
    assert await talen.aangeboden(na_nieuw) == []
    assert talen.ontbrekend(na_nieuw, (await talen.vertalingen(na_nieuw))["en"]) == [
        ("tekst", na_nieuw.items[-1].id, None)
    ]


async def test_translations_may_change_while_the_poll_has_answers(mensen):
    from tests.peilingen.test_domain import answers

    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    formulier = await _formulier(peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")

    await talen.add_taal(raadslid, peiling_id, "en")
    await talen.save_vertalingen(raadslid, peiling_id, "en", _alles(formulier))

    assert [t.code for t in await talen.aangeboden(await _formulier(peiling_id))] == ["en"]


async def test_a_closed_poll_takes_no_new_language(mensen):
    peiling_id = await make_peiling(mensen)
    await domain.close_early(mensen["raadslid"], peiling_id)

    with pytest.raises(domain.PeilingError) as refused:
        await talen.add_taal(mensen["raadslid"], peiling_id, "en")

    assert refused.value.melding == "Deze peiling is gesloten en kan niet meer veranderen."


async def test_another_council_cannot_translate(mensen):
    peiling_id = await make_peiling(mensen)
    await talen.add_taal(mensen["raadslid"], peiling_id, "en")
    velsen = mensen["velsen"]

    for change in (
        talen.add_taal(velsen, peiling_id, "tr"),
        talen.save_vertalingen(velsen, peiling_id, "en", {("titel", None, None): "Hacked"}),
        talen.remove_taal(velsen, peiling_id, "en"),
    ):
        with pytest.raises(domain.GeenToegang):
            await change

    assert [r["taal"] for r in await Peilingtaal.select(Peilingtaal.taal)] == ["en"]
    assert await Vertaling.count() == 0


async def test_the_trail_says_who_changed_which_language(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]

    await talen.add_taal(raadslid, peiling_id, "ar")
    await talen.save_vertalingen(raadslid, peiling_id, "ar", {("titel", None, None): "الحد الأدنى"})
    await talen.save_vertalingen(
        raadslid, peiling_id, "ar", {("titel", None, None): "الحد الأدنى"}
    )  # no change
    await talen.remove_taal(raadslid, peiling_id, "ar")

    rows = (
        await Spoorregel.select(Spoorregel.actie, Spoorregel.voor, Spoorregel.na, Spoorregel.door)
        .where(Spoorregel.actie.like("peiling%taal%") | Spoorregel.actie.like("peilingvertaling%"))
        .order_by(Spoorregel.id)
        .output(load_json=True)
    )
    assert [(r["actie"], r["voor"], r["na"]) for r in rows] == [
        ("peilingtaal_toegevoegd", {}, {"taal": "ar"}),
        ("peilingvertaling_opgeslagen", {"taal": "ar", "titel": ""}, {"taal": "ar", "titel": "الحد الأدنى"}),
        ("peilingtaal_verwijderd", {"taal": "ar", "vertalingen": 1}, {}),
    ]
    assert {r["door"] for r in rows} == {raadslid.id}


# --- the pages ------------------------------------------------------------------------------


async def _als_raadslid(client, mensen) -> int:
    peiling_id = await make_peiling(mensen)
    await login(client, "kees@beverwijk.example")
    return peiling_id


async def test_the_council_adds_translates_and_removes_a_language_without_javascript(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"

    lijst = await client.get(f"{pad}/talen")
    toegevoegd = await post_form(client, f"{pad}/talen", {"taal": "Arabisch"})
    pagina = await client.get(toegevoegd.headers["location"])
    formulier = await _formulier(peiling_id)
    velden = {talen.veldnaam(s): f"ع {talen.veldnaam(s)}" for s in talen.nodig(formulier)}
    opgeslagen = await post_form(client, f"{pad}/talen/ar", velden)
    na = await client.get(opgeslagen.headers["location"])
    overzicht = await client.get(f"{pad}/talen")
    voorbeeld = await client.get(f"{pad}/talen/ar/voorbeeld")

    assert lijst.status_code == 200 and 'list="gangbare-talen"' in lijst.text
    assert "no-store" in lijst.headers["cache-control"]
    assert (toegevoegd.status_code, toegevoegd.headers["location"]) == (302, f"{pad}/talen/ar")
    assert pagina.status_code == 200
    assert f'name="tekst-{formulier.items[0].id}" type="text" value="" lang="ar" dir="rtl"' in pagina.text
    assert "Kent u de regeling?" in pagina.text  # the Dutch original beside the field
    assert (opgeslagen.status_code, opgeslagen.headers["location"]) == (302, f"{pad}/talen/ar?opgeslagen=1")
    assert "De vertaling is opgeslagen." in na.text
    assert "Alles is vertaald. Inwoners kunnen deze taal kiezen." in na.text
    assert "Klaar: inwoners kunnen deze taal kiezen" in overzicht.text
    assert voorbeeld.status_code == 200 and "ع titel" in voorbeeld.text
    assert "Versturen kan hier niet." in voorbeeld.text  # a preview: nothing to send

    bevestig = await client.get(f"{pad}/talen?weghalen=ar")
    weg = await post_form(client, f"{pad}/talen/ar/weghalen", {})
    daarna = await client.get(weg.headers["location"])

    assert "Arabisch weghalen?" in bevestig.text
    assert f'action="{pad}/talen/ar/weghalen"' in bevestig.text
    assert weg.status_code == 302
    assert "Arabisch is weggehaald, met alle vertalingen." in daarna.text
    assert await Vertaling.count() == 0 and await Peilingtaal.count() == 0


async def test_the_list_counts_what_is_still_to_translate(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"
    await talen.add_taal(mensen["raadslid"], peiling_id, "pl")
    formulier = await _formulier(peiling_id)
    totaal = len(talen.nodig(formulier))
    await post_form(client, f"{pad}/talen/pl", {"titel": "Minimalne dochody", "intro": "Pięć pytań."})

    lijst = await client.get(f"{pad}/talen")

    assert f"Nog {totaal - 2} teksten te vertalen" in lijst.text
    assert '<span lang="pl" dir="ltr">polski</span> (Pools)' in lijst.text


async def test_an_unknown_language_comes_back_on_the_form_with_its_message(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"

    nl = await post_form(client, f"{pad}/talen", {"taal": "nl"})
    vreemd = await post_form(client, f"{pad}/talen", {"taal": "<script>alert(1)</script>"})

    assert nl.status_code == 422
    assert "Nederlands staat er altijd al in. Kies een andere taal." in nl.text
    assert vreemd.status_code == 422
    assert "<script>alert(1)" not in vreemd.text
    assert "Deze taal kennen we niet: &lt;script&gt;alert(1)&lt;/script&gt;." in vreemd.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in vreemd.text
    assert await Peilingtaal.count() == 0


async def test_hostile_translations_are_refused_or_shown_escaped(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"
    await talen.add_taal(mensen["raadslid"], peiling_id, "en")

    te_lang = await post_form(client, f"{pad}/talen/en", {"titel": "x" * 5000, "intro": "Kept while fixing"})
    opgeslagen = await post_form(
        client,
        f"{pad}/talen/en",
        {"titel": "<script>alert(1)</script>\x00", "keuze-1-abc": "ignored", "x": "y"},
    )
    pagina = await client.get(f"{pad}/talen/en")
    voorbeeld = await client.get(f"{pad}/talen/en/voorbeeld")

    assert te_lang.status_code == 422
    assert "Dit mag hoogstens 200 tekens lang zijn." in te_lang.text
    assert "Kept while fixing</textarea>" in te_lang.text  # nothing typed is lost
    assert opgeslagen.status_code == 302
    assert "<script>alert(1)" not in pagina.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in pagina.text
    assert "<script>alert(1)" not in voorbeeld.text
    assert [r["tekst"] for r in await Vertaling.select(Vertaling.tekst)] == ["<script>alert(1)</script>"]


async def test_pages_of_a_language_the_poll_does_not_have_are_not_found(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"

    for path in ("/talen/en", "/talen/en/voorbeeld", "/talen/" + "x" * 300):
        assert (await client.get(pad + path)).status_code == 404
    assert (await post_form(client, f"{pad}/talen/en", {"titel": "Hi"})).status_code == 404
    assert (await post_form(client, f"{pad}/talen/en/weghalen", {})).status_code == 404


async def test_another_council_gets_not_found_on_every_language_page(client, mensen, settings):
    peiling_id = await make_peiling(mensen)
    await talen.add_taal(mensen["raadslid"], peiling_id, "en")
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")

    for gemeente in ("velsen", "beverwijk"):
        pad = f"/raad/{gemeente}/peilingen/{peiling_id}"
        for path in ("/talen", "/talen/en", "/talen/en/voorbeeld"):
            assert (await client.get(pad + path)).status_code in {403, 404}, (gemeente, path)
        assert (await post_form(client, f"{pad}/talen", {"taal": "tr"})).status_code in {403, 404}
        assert (await post_form(client, f"{pad}/talen/en", {"titel": "Hacked"})).status_code in {403, 404}
        assert (await post_form(client, f"{pad}/talen/en/weghalen", {})).status_code in {403, 404}

    assert [r["taal"] for r in await Peilingtaal.select(Peilingtaal.taal)] == ["en"]
    assert await Vertaling.count() == 0


async def test_the_builder_links_to_the_languages_and_shows_their_state(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"
    await talen.add_taal(mensen["raadslid"], peiling_id, "tr")

    pagina = await client.get(pad)
    stand = await client.get(f"{pad}/talen")

    assert f'<a class="utrecht-link los" href="{pad}/talen">Talen toevoegen en vertalen</a>' in pagina.text
    # With htmx the builder shows the languages page's own list of languages and their state.
    assert f'hx-get="{pad}/talen" hx-trigger="load" hx-select="#talen-stand"' in pagina.text
    deel = stand.text.split('<div id="talen-stand">')[1].split("</div>")[0]
    assert "Türkçe</span> (Turks)" in deel
    assert f"Nog {len(talen.nodig(await _formulier(peiling_id)))} teksten te vertalen" in deel


async def test_the_pages_read_in_english_name_languages_in_english(client, mensen):
    peiling_id = await _als_raadslid(client, mensen)
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"
    client.cookies.set("taal", "en")

    toegevoegd = await post_form(client, f"{pad}/talen", {"taal": "Arabic"})
    lijst = await client.get(f"{pad}/talen")
    pagina = await client.get(f"{pad}/talen/ar")
    dubbel = await post_form(client, f"{pad}/talen", {"taal": "ar"})

    assert toegevoegd.headers["location"] == f"{pad}/talen/ar"
    assert "Languages of the poll" in lijst.text
    assert '<span lang="ar" dir="rtl">العربية</span> (Arabic)' in lijst.text
    assert "Translate into Arabic" in pagina.text and "Save translation" in pagina.text
    assert "Arabic is already part of this poll." in dubbel.text


@pytest.mark.parametrize("volgorde", list(itertools.permutations(range(3))))
async def test_a_save_racing_a_removal_stores_nothing_orphaned(mensen, volgorde):
    """A save of translations, the removal of a question and the removal of the language, at
    once, started in every order: no deadlock, no error but a refusal, nothing orphaned."""
    peiling_id = await make_peiling(mensen, publish=False)
    raadslid = mensen["raadslid"]
    await talen.add_taal(raadslid, peiling_id, "en")
    formulier = await _formulier(peiling_id)
    teksten = _alles(formulier)
    acties = [
        lambda: talen.save_vertalingen(raadslid, peiling_id, "en", teksten),
        lambda: domain.remove_item(raadslid, formulier.items[0].id),
        lambda: talen.remove_taal(raadslid, peiling_id, "en"),
    ]

    uitkomsten = await asyncio.gather(*(acties[i]() for i in volgorde), return_exceptions=True)

    assert all(u is None or isinstance(u, (int, domain.PeilingError)) for u in uitkomsten), uitkomsten
    assert await Peilingtaal.count() == 0
    assert await Vertaling.count() == 0
