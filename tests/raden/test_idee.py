"""The idea form: a confirmation mail through the outbox to a real SMTP server when an address
was left, within the per-address mail limit, and a friendly 429 per connection."""

from __future__ import annotations

from participatie import limiet
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.vragen import domain
from participatie.vragen.tables import Vraag
from tests.conftest import post_form

TEKST = "Koop nu goedkope pillen op http://spam.example"


async def test_an_address_left_gets_one_confirmation_without_the_typed_text(client, mail_settings, smtp):
    response = await post_form(client, "/idee/velsen", {"tekst": TEKST, "email": "inwoner@example.org"})
    await outbox.drain(mail_settings)

    assert response.status_code == 302
    assert response.headers["location"] == "/idee/velsen/bedankt"
    (mail,) = smtp.to("inwoner@example.org")
    assert mail["Subject"].strip() == "Participatieraad Velsen: we hebben uw vraag of idee ontvangen"
    tekst = mail.get_body("plain").get_content()
    html = mail.get_body("html").get_content()
    assert "De Participatieraad Velsen heeft op " in tekst
    assert "https://participatie.test/mijn-gegevens" in tekst
    assert 'href="https://participatie.test/velsen/inbreng"' in html
    # Whoever types someone else's address cannot make us mail them their words.
    for deel in (tekst, html):
        assert "pillen" not in deel
        assert "spam.example" not in deel
    assert await Vraag.count() == 1


async def test_no_address_no_mail(client, mail_settings, smtp):
    await post_form(client, "/idee/velsen", {"tekst": "Meer bankjes", "email": ""})
    await outbox.drain(mail_settings)

    assert await Vraag.count() == 1
    assert await Bericht.count() == 0
    assert smtp.received == []


async def test_an_invalid_address_stores_nothing_and_mails_nothing(client, mail_settings, smtp):
    response = await post_form(
        client, "/idee/velsen", {"tekst": "Meer bankjes", "email": "a@b.c\r\nBcc: x@y.z"}
    )

    assert response.status_code == 422
    assert "Dit e-mailadres klopt niet." in response.text
    assert await Vraag.count() == 0
    assert await Bericht.count() == 0


async def test_at_most_three_confirmations_a_day_to_one_address_and_the_same_page(
    client, mail_settings, smtp
):
    antwoorden = [
        await post_form(client, "/idee/heemskerk", {"tekst": f"Idee {i}", "email": "Doelwit@Example.org"})
        for i in range(5)
    ]
    bedankt = await client.get("/idee/heemskerk/bedankt")
    await outbox.drain(mail_settings)

    assert [r.headers["location"] for r in antwoorden] == ["/idee/heemskerk/bedankt"] * 5
    assert "Dan krijgt u een bevestiging per e-mail" in bedankt.text
    assert len(smtp.to("Doelwit@Example.org")) == 3
    assert await Vraag.count() == 5  # the ideas themselves are all kept


async def test_too_many_posts_from_one_connection_get_a_friendly_429_and_store_nothing(
    client, settings, database
):
    for _ in range(domain.IDEE_LIMIET.per_adres):
        await limiet.tel_adres(domain.IDEE_LIMIET, "203.0.113.7", settings.secret_key)

    response = await post_form(client, "/idee/beverwijk", {"tekst": "Nog een idee", "email": ""})

    assert response.status_code == 429
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert int(response.headers["retry-after"]) > 0
    assert "Er zijn vanaf deze internetverbinding veel formulieren verstuurd." in response.text
    assert await Vraag.count() == 0


async def test_the_limit_is_per_connection_so_another_address_is_not_refused(app, client, settings, database):
    import httpx

    for _ in range(domain.IDEE_LIMIET.per_adres):
        await limiet.tel_adres(domain.IDEE_LIMIET, "203.0.113.7", settings.secret_key)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as ander:
        response = await post_form(ander, "/idee/beverwijk", {"tekst": "Mijn idee", "email": ""})

    assert response.status_code == 302
    assert await Vraag.count() == 1
