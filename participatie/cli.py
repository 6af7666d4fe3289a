"""The `participatie` command. Every subcommand reads the same PARTICIPATIE_* settings."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from participatie import db
from participatie.config import ConfigError, Settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _run_db(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` with the tables bound to the configured database."""

    async def main() -> T:
        engine = db.create_engine(settings.database_url)
        db.prepare(engine)
        db.use_engine(engine)
        # A pool, as in the app: a command that sends thousands of mails must not open a
        # PostgreSQL connection per query.
        await db.start_pool(engine, settings.db_pool_size)
        try:
            return await work()
        finally:
            await db.close_pool(engine)

    return asyncio.run(main())


def _migrate(settings: Settings) -> None:
    async def work() -> None:
        from piccolo.engine.finder import engine_finder

        engine = engine_finder()
        assert engine is not None
        await db.migrate(engine)

    _run_db(settings, work)


@click.group(help="Participatieraden IJmond: beheer en starten van het platform.")
def main() -> None:
    pass


@main.command(help="Voer de databasemigraties uit (veilig om vaker te doen).")
def migrate() -> None:
    settings = _settings()
    _migrate(settings)
    click.echo("Database is bijgewerkt.")


def _print_demo_logins(settings: Settings) -> None:
    from participatie.demo import DEMO_PASSWORD, load_demo

    logins = _run_db(settings, lambda: load_demo(settings))
    click.echo(f"\nDemo-accounts (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
    for login in logins:
        waar = f" ({login.gemeente})" if login.gemeente else ""
        click.echo(f"  {login.rol:<10} {login.email}{waar}")
    click.echo("")


@main.command(help="Vul een lege database met demogegevens: raden, raadsleden, ambtenaren.")
def demo() -> None:
    settings = _settings()
    _migrate(settings)
    _print_demo_logins(settings)


@main.command(help="Start de webserver.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres om op te luisteren.")
@click.option("--port", default=8000, show_default=True, help="Poort.")
@click.option(
    "--workers", default=1, show_default=True, help="Aantal processen (meer dan 1 alleen met PostgreSQL)."
)
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Migreer, vul demogegevens en start; voor een eerste kennismaking.",
)
def run(host: str, port: int, workers: int, with_demo: bool) -> None:
    import uvicorn

    settings = _settings()
    if workers > 1 and settings.is_sqlite:
        raise click.ClickException(
            "Meerdere processen kan alleen met PostgreSQL: SQLite is voor één proces. "
            "Zet PARTICIPATIE_DATABASE_URL op postgresql://..."
        )
    if with_demo and settings.uses_default_secret and not settings.debug:
        # A demo gets a fresh key per start instead of the refused default; sessions do not
        # survive a restart, which is fine for a first look.
        os.environ["PARTICIPATIE_SECRET_KEY"] = secrets.token_urlsafe(48)
        settings = Settings.from_env()
    try:
        settings.check()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    _migrate(settings)
    if with_demo:
        _print_demo_logins(settings)
    click.echo(f"Participatie draait op http://{host}:{port}  (stoppen: Ctrl+C)")
    uvicorn.run(
        "participatie.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        log_level="warning",
    )


@main.group(help="Accounts beheren.")
def gebruiker() -> None:
    pass


@gebruiker.command(
    "aanmaken",
    help=(
        "Maak een account aan. Het wachtwoord komt uit PARTICIPATIE_NIEUW_WACHTWOORD, "
        "of van standaardinvoer met --wachtwoord-stdin, of wordt gevraagd."
    ),
)
@click.option("--email", required=True, help="E-mailadres (de inlognaam).")
@click.option("--naam", required=True, help="Volledige naam.")
@click.option("--rol", required=True, type=click.Choice(["beheerder", "raadslid", "ambtenaar"]))
@click.option("--gemeente", default=None, help="velsen, beverwijk of heemskerk (niet voor beheerders).")
@click.option("--wachtwoord-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
def gebruiker_aanmaken(email: str, naam: str, rol: str, gemeente: str | None, wachtwoord_stdin: bool) -> None:
    from participatie.accounts import domain

    settings = _settings()
    wachtwoord = os.environ.get("PARTICIPATIE_NIEUW_WACHTWOORD")
    if wachtwoord_stdin:
        wachtwoord = sys.stdin.readline().rstrip("\n")
    elif not wachtwoord:
        wachtwoord = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    try:
        gebruiker_id = _run_db(
            settings,
            lambda: domain.create_gebruiker(
                settings,
                email=email,
                naam=naam,
                wachtwoord=wachtwoord or "",
                rol=rol,
                gemeente_slug=gemeente,
                door=None,
            ),
        )
    except domain.OngeldigeInvoer as exc:
        for veld, tekst in exc.fouten.items():
            click.echo(f"{veld}: {tekst}", err=True)
        raise SystemExit(2) from None
    click.echo(f"Account {gebruiker_id} aangemaakt.")


@main.group(help="Rapporten (terugkoppeling) beheren.")
def rapport() -> None:
    pass


@rapport.command(
    "verstuur",
    help="Verstuur de wachtende mails van het rapport van een vraag, met voortgang. "
    "Het rapport moet gepubliceerd zijn; wat al verstuurd is, gaat niet nog een keer.",
)
@click.argument("vraag_id", type=int)
def rapport_verstuur(vraag_id: int) -> None:
    from participatie.mail import outbox
    from participatie.rapporten import domain

    settings = _settings()

    async def work() -> outbox.DrainResult:
        rapport = await domain.load_rapport(vraag_id)
        if rapport is None:
            raise click.ClickException(f"Vraag {vraag_id} heeft nog geen rapport.")
        if rapport["gepubliceerd_at"] is None:
            raise click.ClickException(
                "Het rapport is nog niet gepubliceerd. Publiceer het eerst op de pagina van de vraag."
            )
        totaal = outbox.DrainResult()
        for groep in (f"rapport:{rapport['id']}", f"rapport:{rapport['id']}:vervolg"):
            telling = await outbox.counts(groep)
            te_doen = telling["wachtend"] + telling["bezig"]
            if not te_doen:
                continue
            with click.progressbar(length=te_doen, label=f"Versturen ({groep})") as bar:
                result = await outbox.drain(settings, groep=groep, voortgang=lambda _: bar.update(1))
            totaal.verzonden += result.verzonden
            totaal.tijdelijk_mislukt += result.tijdelijk_mislukt
            totaal.definitief_mislukt += result.definitief_mislukt
        return totaal

    result = _run_db(settings, work)
    click.echo(
        f"{result.verzonden} verstuurd, {result.tijdelijk_mislukt} later opnieuw, "
        f"{result.definitief_mislukt} mislukt."
    )
    if result.tijdelijk_mislukt or result.definitief_mislukt:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
