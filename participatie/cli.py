"""The `participatie` command. Every subcommand reads the same PARTICIPATIE_* settings."""

from __future__ import annotations

import asyncio
import errno
import os
import secrets
import socket
import sqlite3
import sys
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from participatie import db
from participatie.config import ConfigError, Settings

T = TypeVar("T")

_HEADINGS = {"Options": "Opties", "Commands": "Opdrachten", "Arguments": "Argumenten"}


class _DutchFormatter(click.HelpFormatter):
    """Click's help in Dutch: the rest of the command already speaks it."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(
            prog,
            args.replace("[OPTIONS]", "[OPTIES]").replace("COMMAND", "OPDRACHT"),
            prefix="Gebruik: " if prefix is None else prefix,
        )

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


class _DutchContext(click.Context):
    formatter_class = _DutchFormatter


class _DutchCommand(click.Command):
    # Typed as click declares it, so _DutchGroup may inherit it alongside click.Group's.
    context_class: type[click.Context] = _DutchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Toon deze hulp en stop."
        return option


class _DutchGroup(_DutchCommand, click.Group):
    command_class = _DutchCommand
    group_class = type  # subgroups are of this class too


def _settings() -> Settings:
    try:
        settings = Settings.from_env()
        settings.check_database_url()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return settings


def _database_error(settings: Settings, exc: BaseException) -> str | None:
    """One Dutch line for a database that cannot be reached, instead of a traceback."""
    import asyncpg

    where = "de SQLite-database" if settings.is_sqlite else f"PostgreSQL ({settings.database_host})"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return (
            f"De database {settings.database_name!r} bestaat niet op {settings.database_host}. "
            f"Maak hem aan, bijvoorbeeld met: createdb {settings.database_name}"
        )
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidPasswordError):
        return f"{where} weigert de gebruiker of het wachtwoord uit PARTICIPATIE_DATABASE_URL."
    if isinstance(exc, OSError | asyncpg.CannotConnectNowError | asyncpg.ConnectionDoesNotExistError):
        return (
            f"{where} is niet bereikbaar ({exc.__class__.__name__}). "
            "Draait de database, en klopt PARTICIPATIE_DATABASE_URL?"
        )
    if isinstance(exc, sqlite3.OperationalError):
        return f"{where} kan niet geopend of geschreven worden: {exc}."
    return None


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

    try:
        return asyncio.run(main())
    except click.ClickException:
        raise
    except Exception as exc:
        if (message := _database_error(settings, exc)) is not None:
            raise click.ClickException(message) from None
        raise


def _migrate(settings: Settings) -> dict[str, int]:
    async def work() -> dict[str, int]:
        from piccolo.engine.finder import engine_finder

        engine = engine_finder()
        assert engine is not None
        return await db.migrate(engine)

    return _run_db(settings, work)


def _report_migrations(gedaan: dict[str, int]) -> None:
    if not gedaan:
        click.echo("Database is bij: geen migraties nodig.")
    for app, aantal in gedaan.items():
        click.echo(f"Database {app}: {aantal} {'migratie' if aantal == 1 else 'migraties'} uitgevoerd.")


def _version() -> str:
    from participatie import version

    return version()


@click.group(
    cls=_DutchGroup,
    help="Participatieraden IJmond: het platform inrichten, starten en beheren.\n\n"
    "Alle instellingen komen uit omgevingsvariabelen die met PARTICIPATIE_ beginnen, "
    "zoals PARTICIPATIE_DATABASE_URL en PARTICIPATIE_SECRET_KEY (zie README.md).",
)
@click.version_option(
    _version(), "--version", message="participatie %(version)s", help="Toon de versie en stop."
)
def main() -> None:
    # Piccolo warns (in colour, over three lines) when it cannot reach the database; we say
    # it once, in Dutch, in _database_error.
    warnings.filterwarnings("ignore", message=r".*Unable to (connect to database|fetch server version)")


@main.command(help="Voer de databasemigraties uit (veilig om vaker te doen).")
def migrate() -> None:
    _report_migrations(_migrate(_settings()))


def _load_demo(settings: Settings) -> None:
    from participatie.demo import DEMO_PASSWORD, load_demo

    logins = _run_db(settings, lambda: load_demo(settings))
    if not logins:
        click.echo(
            "Deze database heeft al accounts: er zijn geen demogegevens en geen demo-accounts aangemaakt."
        )
        return
    click.echo(f"\nDemo-accounts (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
    for login in logins:
        waar = f" ({login.gemeente})" if login.gemeente else ""
        click.echo(f"  {login.rol:<10} {login.email}{waar}")
    click.echo("")


@main.command(help="Vul een lege database met demogegevens: raden, raadsleden, ambtenaren.")
def demo() -> None:
    settings = _settings()
    _report_migrations(_migrate(settings))
    _load_demo(settings)


def _check_port_free(host: str, port: int) -> None:
    """Say so in one line when the address is taken, before uvicorn starts its workers."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"Poort {port} op {host} is al in gebruik. Stop het andere programma, of kies een "
                    "andere poort met --port."
                ) from None
            raise click.ClickException(f"Kan niet luisteren op {host}:{port}: {exc.strerror}.") from None


@main.command(help="Migreer de database en start de webserver.")
@click.option(
    "--host", default="127.0.0.1", metavar="ADRES", help="Adres om op te luisteren (standaard 127.0.0.1)."
)
@click.option(
    "--port", default=8000, metavar="POORT", type=click.IntRange(1, 65535), help="Poort (standaard 8000)."
)
@click.option(
    "--workers",
    default=1,
    envvar="PARTICIPATIE_WORKERS",
    metavar="AANTAL",
    type=click.IntRange(1, 64),
    help="Aantal processen (standaard 1, of PARTICIPATIE_WORKERS; meer dan 1 alleen met PostgreSQL).",
)
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Vul ook demogegevens; voor een eerste kennismaking.",
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
    _check_port_free(host, port)
    _report_migrations(_migrate(settings))
    if with_demo:
        _load_demo(settings)
    click.echo(f"Participatie {_version()} draait op http://{host}:{port}  (stoppen: Ctrl+C)")
    uvicorn.run(
        "participatie.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Forwarded headers are handled in the app, from PARTICIPATIE_TRUSTED_PROXIES only.
        proxy_headers=False,
        # Longer than a reverse proxy keeps an idle connection (nginx 60 s): otherwise uvicorn
        # closes it (default 5 s) just as the proxy sends a resident's answer on it, and the
        # answer is lost with a 502 (seen in bench/gemeente_scenario.py --keepalive).
        timeout_keep_alive=75,
        server_header=False,
        log_level="warning",
    )


@main.command(
    help="Richt een nieuwe installatie in: de regio, de raden en de eerste beheerder. "
    "Zonder --gemeente komen Velsen, Beverwijk en Heemskerk in de regio IJmond. "
    "Het wachtwoord komt uit PARTICIPATIE_NIEUW_WACHTWOORD, of van standaardinvoer met --wachtwoord-stdin.",
)
@click.option(
    "--regio", default="ijmond:IJmond", metavar="SLUG:NAAM", help="De regio (standaard ijmond:IJmond)."
)
@click.option(
    "--gemeente",
    "gemeenten",
    multiple=True,
    metavar="SLUG:NAAM",
    help="Een gemeente met een Participatieraad, zoals velsen:Velsen; mag vaker.",
)
@click.option(
    "--beheerder-email", required=True, metavar="E-MAIL", help="E-mailadres van de eerste beheerder."
)
@click.option("--beheerder-naam", required=True, metavar="NAAM", help="Naam van de eerste beheerder.")
@click.option("--wachtwoord-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
def inrichten(
    regio: str, gemeenten: tuple[str, ...], beheerder_email: str, beheerder_naam: str, wachtwoord_stdin: bool
) -> None:
    from participatie.accounts import domain
    from participatie.demo import GEMEENTEN

    settings = _settings()
    regio_slug, regio_naam = _slug_naam(regio, "--regio")
    raden = [_slug_naam(g, "--gemeente") for g in gemeenten] or [(slug, naam) for slug, naam, _ in GEMEENTEN]
    wachtwoord = _new_password(wachtwoord_stdin)
    _report_migrations(_migrate(settings))

    async def work() -> int:
        regio_id = await domain.ensure_regio(regio_slug, regio_naam)
        for slug, naam in raden:
            await domain.ensure_gemeente(slug, naam, f"Participatieraad {naam}", regio_id)
        return await domain.create_gebruiker(
            settings,
            email=beheerder_email,
            naam=beheerder_naam,
            wachtwoord=wachtwoord,
            rol="beheerder",
            gemeente_slug=None,
            door=None,
        )

    gebruiker_id = _create_account(settings, work)
    click.echo(f"Regio {regio_naam} met {', '.join(naam for _, naam in raden)} is ingericht.")
    click.echo(f"Beheerder {gebruiker_id} ({beheerder_email}) kan nu inloggen.")


def _slug_naam(value: str, option: str) -> tuple[str, str]:
    slug, _, naam = value.partition(":")
    slug = slug.strip().lower()
    if not slug or not naam.strip() or not slug.replace("-", "").isalnum() or not slug.isascii():
        raise click.BadParameter(
            f"gebruik slug:Naam, zoals velsen:Velsen (niet {value!r}).", param_hint=option
        )
    return slug, naam.strip()


def _new_password(from_stdin: bool) -> str:
    wachtwoord = os.environ.get("PARTICIPATIE_NIEUW_WACHTWOORD")
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if wachtwoord:
        return wachtwoord
    if not sys.stdin.isatty():
        raise click.ClickException(
            "Geen wachtwoord: er is geen terminal om het te vragen. Zet PARTICIPATIE_NIEUW_WACHTWOORD "
            "of gebruik --wachtwoord-stdin."
        )
    return str(click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Nog een keer"))


def _create_account(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    from participatie.accounts import domain

    try:
        return _run_db(settings, work)
    except domain.OngeldigeInvoer as exc:
        for veld, tekst in exc.fouten.items():
            click.echo(f"{veld}: {tekst}", err=True)
        raise SystemExit(2) from None


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
@click.option("--email", required=True, metavar="E-MAIL", help="E-mailadres (de inlognaam).")
@click.option("--naam", required=True, metavar="NAAM", help="Volledige naam.")
@click.option(
    "--rol", required=True, type=click.Choice(["beheerder", "raadslid", "ambtenaar"]), help="De rol."
)
@click.option(
    "--gemeente", default=None, metavar="SLUG", help="Bijvoorbeeld velsen (niet voor een beheerder)."
)
@click.option("--wachtwoord-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
def gebruiker_aanmaken(email: str, naam: str, rol: str, gemeente: str | None, wachtwoord_stdin: bool) -> None:
    from participatie.accounts import domain

    settings = _settings()
    if rol == "beheerder" and gemeente:
        raise click.BadParameter(
            "een beheerder hoort bij geen gemeente: laat --gemeente weg.", param_hint="--gemeente"
        )
    wachtwoord = _new_password(wachtwoord_stdin)
    gebruiker_id = _create_account(
        settings,
        lambda: domain.create_gebruiker(
            settings,
            email=email,
            naam=naam,
            wachtwoord=wachtwoord,
            rol=rol,
            gemeente_slug=gemeente,
            door=None,
        ),
    )
    click.echo(f"Account {gebruiker_id} aangemaakt.")


@main.group(help="Rapporten (terugkoppeling) beheren.")
def rapport() -> None:
    pass


@rapport.command(
    "verstuur",
    help="Verstuur de wachtende mails van het rapport van een vraag, met voortgang. "
    "Het rapport moet gepubliceerd zijn; wat al verstuurd is, gaat niet nog een keer. "
    "Mails die een ander proces net verstuurt, wacht de opdracht af (hoogstens een minuut "
    "als dat proces gestopt is). Stopt met code 1 als er nog mails wachten of mislukten.",
)
@click.argument("vraag_id", type=int, metavar="VRAAG_ID")
def rapport_verstuur(vraag_id: int) -> None:
    import logging

    from participatie.mail import outbox
    from participatie.rapporten import domain

    settings = _settings()
    # The pool's own retries would print tracebacks over the progress bar; a lost database is
    # said once, below, in Dutch.
    logging.getLogger("asyncpg").setLevel(logging.CRITICAL)

    gedaan = [0]  # sent and noted so far, also when a run is cut short

    def tick(bar: Any) -> None:
        gedaan[0] += 1
        bar.update(1)

    async def send(groep: str, totaal: outbox.DrainResult) -> None:
        telling = await outbox.counts(groep)
        te_doen = telling["wachtend"] + telling["wacht_op_server"] + telling["bezig"]
        if not te_doen:
            return
        with click.progressbar(length=te_doen, label=f"Versturen ({groep})") as bar:
            while True:
                result = await outbox.drain(settings, groep=groep, voortgang=lambda _: tick(bar))
                totaal.verzonden += result.verzonden
                totaal.tijdelijk_mislukt += result.tijdelijk_mislukt
                totaal.wacht_op_server += result.wacht_op_server
                totaal.definitief_mislukt += result.definitief_mislukt
                if result.server_weg or not (await outbox.counts(groep))["bezig"]:
                    return
                # Claimed by another drainer (the planner, a second command, or one that was
                # killed): it finishes them, or its claim runs out and we take them over.
                await asyncio.sleep(2)

    async def work() -> tuple[outbox.DrainResult, dict[str, int]]:
        import asyncpg

        from participatie.vragen.tables import Vraag

        if not await Vraag.exists().where(Vraag.id == vraag_id):
            raise click.ClickException(f"Vraag {vraag_id} bestaat niet.")
        rapport = await domain.load_rapport(vraag_id)
        if rapport is None:
            raise click.ClickException(f"Vraag {vraag_id} heeft nog geen rapport.")
        if rapport["gepubliceerd_at"] is None:
            raise click.ClickException(
                "Het rapport is nog niet gepubliceerd. Publiceer het eerst op de pagina van de vraag."
            )
        groepen = (f"rapport:{rapport['id']}", f"rapport:{rapport['id']}:vervolg")
        totaal = outbox.DrainResult()
        try:
            for groep in groepen:
                await send(groep, totaal)
            stand = dict.fromkeys(("verzonden", "wacht", "mislukt"), 0)
            for groep in groepen:
                telling = await outbox.counts(groep)
                stand["verzonden"] += telling["verzonden"]
                stand["wacht"] += telling["wachtend"] + telling["wacht_op_server"] + telling["bezig"]
                stand["mislukt"] += telling["mislukt"]
        except (
            OSError,
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.InternalClientError,
            asyncpg.AdminShutdownError,
        ) as exc:
            # The database went away mid-run. What the mail server took is marked per mail, so
            # a rerun sends only the rest; the mail in flight may arrive twice.
            raise click.ClickException(
                f"De database viel weg tijdens het versturen ({exc.__class__.__name__}); "
                f"{gedaan[0]} mails zijn verstuurd en genoteerd. Start deze opdracht opnieuw "
                "als de database weer draait: wat al verstuurd is, gaat niet nog een keer "
                "(alleen een mail die net onderweg was, hoogstens één per verbinding, kan dubbel aankomen)."
            ) from None
        return totaal, stand

    result, stand = _run_db(settings, work)
    click.echo(
        f"{result.verzonden} verstuurd, {result.tijdelijk_mislukt} later opnieuw, "
        f"{result.wacht_op_server} wachten op de mailserver, {result.definitief_mislukt} mislukt."
    )
    # The truth of the whole report, not only of this run: what another process sent counts too.
    click.echo(
        f"Stand van dit rapport: {stand['verzonden']} verstuurd, {stand['wacht']} nog niet verstuurd, "
        f"{stand['mislukt']} mislukt."
    )
    if stand["wacht"] or result.definitief_mislukt:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
