"""The ambtenaar's attachments survive a refused request form (issue 13): kept on the server
under a key in a hidden field, saved with the request, removable, gone after two hours."""

import re
from datetime import timedelta

from participatie.vragen import domain, jobs
from participatie.vragen.tables import BewaardeBijlage, Bijlage, Vraag
from tests.conftest import csrf_token, login, make_gebruiker
from tests.vragen.test_portaal import AANVRAAG, PDF, marja  # noqa: F401 - marja is a fixture

NIEUW = "/gemeente/beverwijk/aanvragen/nieuw"
GEEN_BESTAND = {"bijlagen": ("", b"", "application/octet-stream")}


async def _post(client, data: dict, files=None):
    """The form as a browser sends it: multipart, with repeated fields as lists."""
    token = await csrf_token(client)
    return await client.post(NIEUW, data={**data, "_csrf_token": token}, files=files or GEEN_BESTAND)


def _keys(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="bewaard" value="([^"]+)">', page)


async def _refused_with(client, *files: tuple[str, bytes]) -> list[str]:
    """Send the form without a title and with these files; return the keys the page keeps."""
    response = await _post(
        client,
        {**AANVRAAG, "titel": ""},
        files=[("bijlagen", (naam, inhoud, "application/pdf")) for naam, inhoud in files],
    )
    assert response.status_code == 422
    return _keys(response.text)


async def test_refused_form_keeps_the_file_and_the_next_try_saves_it(marja):  # noqa: F811
    response = await _post(
        marja, {**AANVRAAG, "titel": ""}, files={"bijlagen": ("lift rapport.pdf", PDF, "application/pdf")}
    )

    assert response.status_code == 422
    assert "Vul een korte titel in" in response.text
    assert "Dit bestand heeft u al gekozen." in response.text
    assert '<span class="bewaarde-bijlage__naam">lift rapport.pdf</span>' in response.text
    assert "blijft bewaard" in response.text
    assert "hoogstens 2 uur" in response.text
    (sleutel,) = _keys(response.text)
    assert len(sleutel) >= 40  # unguessable: 32 random bytes
    assert await Vraag.count() == 0
    assert await BewaardeBijlage.count() == 1

    saved = await _post(marja, {**AANVRAAG, "bewaard": sleutel})

    assert saved.status_code == 302
    vraag = await Vraag.select(Vraag.id).first()
    rows = await Bijlage.select(Bijlage.vraag, Bijlage.bestandsnaam, Bijlage.soort, Bijlage.inhoud)
    assert [{**r, "inhoud": bytes(r["inhoud"])} for r in rows] == [
        {"vraag": vraag["id"], "bestandsnaam": "lift rapport.pdf", "soort": "pdf", "inhoud": PDF}
    ]
    assert await BewaardeBijlage.count() == 0  # a kept file is deleted when the request is saved


async def test_a_second_refusal_keeps_old_and_new_files_and_both_are_saved(marja):  # noqa: F811
    eerste = await _refused_with(marja, ("a.pdf", PDF))
    tweede = await _post(
        marja,
        {**AANVRAAG, "titel": "", "bewaard": eerste},
        files={"bijlagen": ("b.pdf", PDF, "application/pdf")},
    )
    assert tweede.status_code == 422
    assert "Deze bestanden heeft u al gekozen." in tweede.text
    sleutels = _keys(tweede.text)
    assert sleutels[0] == eerste[0] and len(sleutels) == 2

    saved = await _post(marja, {**AANVRAAG, "bewaard": sleutels})

    assert saved.status_code == 302
    namen = await Bijlage.select(Bijlage.bestandsnaam).order_by(Bijlage.id)
    assert [r["bestandsnaam"] for r in namen] == ["a.pdf", "b.pdf"]  # in the order they were chosen
    assert await BewaardeBijlage.count() == 0


async def test_a_kept_file_ticked_niet_meesturen_is_deleted_and_not_saved(marja):  # noqa: F811
    (sleutel,) = await _refused_with(marja, ("weg.pdf", PDF))

    saved = await _post(marja, {**AANVRAAG, "bewaard": sleutel, "weghalen": sleutel})

    assert saved.status_code == 302
    assert await Bijlage.count() == 0
    assert await BewaardeBijlage.count() == 0


async def test_a_bad_file_is_not_kept_and_the_good_one_is(marja):  # noqa: F811
    response = await _post(
        marja,
        AANVRAAG,
        files=[
            ("bijlagen", ("goed.pdf", PDF, "application/pdf")),
            ("bijlagen", ("nep.pdf", b"<html>", "application/pdf")),
        ],
    )

    assert response.status_code == 422
    assert "nep.pdf is geen echt PDF-bestand." in response.text
    assert [r["bestandsnaam"] for r in await BewaardeBijlage.select(BewaardeBijlage.bestandsnaam)] == [
        "goed.pdf"
    ]
    assert await Vraag.count() == 0


async def test_more_than_five_files_keeps_none_of_the_new_ones(marja):  # noqa: F811
    sleutels = await _refused_with(marja, *[(f"{n}.pdf", PDF) for n in range(4)])

    response = await _post(
        marja,
        {**AANVRAAG, "bewaard": sleutels},
        files=[("bijlagen", (f"extra{n}.pdf", PDF, "application/pdf")) for n in range(2)],
    )

    assert response.status_code == 422
    assert "U kunt hoogstens 5 bijlagen meesturen. U koos er 6. Kies er minder." in response.text
    assert _keys(response.text) == sleutels
    assert await BewaardeBijlage.count() == 4
    assert await Vraag.count() == 0


async def test_another_persons_key_is_worth_nothing(client, marja, settings):  # noqa: F811
    (sleutel,) = await _refused_with(client, ("van marja.pdf", PDF))
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="piet@beverwijk.example", naam="Piet")
    await login(client, "piet@beverwijk.example")

    response = await _post(client, {**AANVRAAG, "bewaard": sleutel})

    assert response.status_code == 422
    assert "Een bestand dat u eerder koos, is niet meer bewaard." in response.text
    assert "van marja.pdf" not in response.text
    assert await Vraag.count() == 0
    assert await BewaardeBijlage.count() == 1  # still Marja's, until its time is up


async def test_a_tampered_key_never_reaches_the_database(marja):  # noqa: F811
    response = await _post(marja, {**AANVRAAG, "bewaard": "abc\x00' OR 1=1 --", "weghalen": "\x00"})

    assert response.status_code == 302  # not ours: ignored, the request itself is fine
    assert await Bijlage.count() == 0


async def test_kept_files_are_forgotten_after_two_hours(marja, settings):  # noqa: F811
    (oud,) = await _refused_with(marja, ("oud.pdf", PDF))
    (vers,) = await _refused_with(marja, ("vers.pdf", PDF))
    await BewaardeBijlage.update({BewaardeBijlage.at: domain.now() - timedelta(hours=2, minutes=1)}).where(
        BewaardeBijlage.sleutel == oud
    )

    # Expired but not yet deleted: the form no longer uses it and says so.
    response = await _post(marja, {**AANVRAAG, "bewaard": oud})
    assert response.status_code == 422
    assert (
        "Een bestand dat u eerder koos, is niet meer bewaard. We bewaren bestanden 2 uur. Kies het opnieuw."
        in response.text
    )

    # The planner's job deletes it; the fresh one stays.
    assert await jobs.forget_bewaarde_bijlagen(settings) == 1
    assert [r["sleutel"] for r in await BewaardeBijlage.select(BewaardeBijlage.sleutel)] == [vers]
    assert "vragen.forget_bewaarde_bijlagen" in [t.naam for t in jobs.TAKEN]


async def test_form_posted_without_multipart_still_works(marja):  # noqa: F811
    token = await csrf_token(marja)

    response = await marja.post(NIEUW, data={**AANVRAAG, "_csrf_token": token})

    assert response.status_code == 302
    assert await BewaardeBijlage.count() == 0
