import os
import socket
import subprocess
import sys
from importlib.metadata import version

import pytest

from participatie.accounts.tables import Gebruiker
from participatie.config import Settings
from tests.conftest import ROOT, login


def _cli(settings, *args: str, stdin: str = "", extra_env: dict | None = None):
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_PASSWORD_PROFILE": "test",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "participatie.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


async def test_gebruiker_aanmaken_reads_password_from_stdin(database, settings, client):
    result = _cli(
        settings,
        "gebruiker",
        "aanmaken",
        "--email",
        "kees@beverwijk.example",
        "--naam",
        "Kees Bakker",
        "--rol",
        "raadslid",
        "--gemeente",
        "beverwijk",
        "--wachtwoord-stdin",
        stdin="een lange zin als wachtwoord\n",
    )

    assert result.returncode == 0, result.stderr
    response = await login(client, "kees@beverwijk.example", "een lange zin als wachtwoord")
    assert response.headers["location"] == "/raad/beverwijk"


async def test_gebruiker_aanmaken_reads_password_from_environment(database, settings, client):
    result = _cli(
        settings,
        "gebruiker",
        "aanmaken",
        "--email",
        "b@test.example",
        "--naam",
        "B",
        "--rol",
        "beheerder",
        extra_env={"PARTICIPATIE_NIEUW_WACHTWOORD": "nog een lange zin hier"},
    )

    assert result.returncode == 0, result.stderr
    assert (await login(client, "b@test.example", "nog een lange zin hier")).status_code == 302


async def test_gebruiker_aanmaken_explains_bad_input(database, settings):
    result = _cli(
        settings,
        "gebruiker",
        "aanmaken",
        "--email",
        "x@test.example",
        "--naam",
        "X",
        "--rol",
        "raadslid",
        "--gemeente",
        "haarlem",
        "--wachtwoord-stdin",
        stdin="kort\n",
    )

    assert result.returncode == 2
    assert "minstens 12 tekens" in result.stderr
    assert "Deze gemeente kennen we niet." in result.stderr


async def test_migrate_twice_is_harmless(database, settings):
    assert _cli(settings, "migrate").returncode == 0
    result = _cli(settings, "migrate")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Database is bij: geen migraties nodig.\n"


def test_migrate_on_an_empty_database_prints_one_line_per_app(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'leeg.sqlite3'}", secret_key="s" * 40)

    result = _cli(settings, "migrate")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(line.split(":")[0] for line in lines) == [
        "Database accounts",
        "Database bereik",
        "Database focusgroepen",
        "Database limiet",
        "Database mail",
        "Database panel",
        "Database peilingen",
        "Database planner",
        "Database raden",
        "Database rapporten",
        "Database rechten",
        "Database spoor",
        "Database taalhulp",
        "Database vragen",
    ]
    assert all(line.endswith("uitgevoerd.") for line in lines)


def test_help_is_available_in_dutch_and_names_the_settings():
    result = subprocess.run(
        [sys.executable, "-m", "participatie.cli", "--help"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0
    for command in ("run", "migrate", "demo", "gebruiker", "inrichten"):
        assert command in result.stdout
    assert "PARTICIPATIE_" in result.stdout
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in result.stdout


def test_version_is_shown():
    result = subprocess.run(
        [sys.executable, "-m", "participatie", "--version"], capture_output=True, text=True, timeout=60
    )

    assert result.stdout == f"participatie {version('participatie')}\n"


def _one_line_error(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_a_port_in_use_is_one_line(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", secret_key="s" * 40)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = _cli(settings, "run", "--port", str(port))

    assert f"Poort {port} op 127.0.0.1 is al in gebruik" in _one_line_error(result)


def test_an_unreachable_postgres_is_one_line():
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/participatie", secret_key="s" * 40)

    result = _cli(settings, "migrate")

    assert "PostgreSQL (127.0.0.1:1) is niet bereikbaar" in _one_line_error(result)


def test_a_missing_postgres_database_is_one_line(backend):
    if backend.name != "postgres":
        pytest.skip("a PostgreSQL server answers only in the PostgreSQL run")
    url = backend.url.rsplit("/", 1)[0] + "/bestaat_niet_4711"
    settings = Settings(database_url=url, secret_key="s" * 40)

    result = _cli(settings, "migrate")

    assert "De database 'bestaat_niet_4711' bestaat niet" in _one_line_error(result)


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://", "postgresql://host"])
def test_an_unusable_database_url_is_one_line(url):
    result = _cli(Settings(database_url=url, secret_key="s" * 40), "migrate")

    assert "PARTICIPATIE_DATABASE_URL" in _one_line_error(result)


def test_a_bad_switch_value_names_the_setting(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", secret_key="s" * 40)

    result = _cli(settings, "migrate", extra_env={"PARTICIPATIE_DEBUG": "misschien"})

    assert "PARTICIPATIE_DEBUG moet true of false zijn" in _one_line_error(result)


async def test_a_beheerder_with_a_gemeente_is_refused(database, settings):
    result = _cli(
        settings,
        "gebruiker", "aanmaken", "--email", "b@test.example", "--naam", "B", "--rol", "beheerder",
        "--gemeente", "velsen", extra_env={"PARTICIPATIE_NIEUW_WACHTWOORD": "nog een lange zin hier"},
    )  # fmt: skip

    assert result.returncode == 2
    assert "een beheerder hoort bij geen gemeente" in result.stderr
    assert await Gebruiker.count() == 0


async def test_without_a_terminal_the_password_question_explains_itself(database, settings):
    result = _cli(
        settings, "gebruiker", "aanmaken", "--email", "b@test.example", "--naam", "B", "--rol", "beheerder"
    )

    assert "Zet PARTICIPATIE_NIEUW_WACHTWOORD of gebruik --wachtwoord-stdin" in _one_line_error(result)
    assert "Aborted" not in result.stderr


async def test_rapport_verstuur_for_a_vraag_that_does_not_exist(database, settings):
    result = _cli(settings, "rapport", "verstuur", "9999")

    assert "Vraag 9999 bestaat niet." in _one_line_error(result)


def test_inrichten_sets_up_a_fresh_installation_without_demo_data(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'nieuw.sqlite3'}", secret_key="s" * 40)

    result = _cli(
        settings,
        "inrichten", "--beheerder-email", "beheer@velsen.nl", "--beheerder-naam", "Sandra",
        "--wachtwoord-stdin", stdin="een lange zin als wachtwoord\n",
    )  # fmt: skip
    account = _cli(
        settings,
        "gebruiker", "aanmaken", "--email", "r@velsen.nl", "--naam", "R", "--rol", "raadslid",
        "--gemeente", "velsen", extra_env={"PARTICIPATIE_NIEUW_WACHTWOORD": "nog een lange zin hier"},
    )  # fmt: skip
    again = _cli(settings, "demo")

    assert result.returncode == 0, result.stderr
    assert "Regio IJmond met Velsen, Beverwijk, Heemskerk is ingericht." in result.stdout
    assert account.returncode == 0, account.stderr
    assert "geen demo-accounts aangemaakt" in again.stdout
    assert "Demo-accounts" not in again.stdout


def test_inrichten_takes_other_councils(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'nieuw.sqlite3'}", secret_key="s" * 40)

    result = _cli(
        settings,
        "inrichten", "--regio", "zuid-kennemerland:Zuid-Kennemerland", "--gemeente", "haarlem:Haarlem",
        "--beheerder-email", "b@haarlem.nl", "--beheerder-naam", "B", "--wachtwoord-stdin",
        stdin="een lange zin als wachtwoord\n",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Regio Zuid-Kennemerland met Haarlem is ingericht." in result.stdout
