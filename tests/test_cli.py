import os
import subprocess
import sys

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
    assert "Database is bijgewerkt." in result.stdout


def test_help_is_available():
    result = subprocess.run(
        [sys.executable, "-m", "participatie.cli", "--help"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0
    for command in ("run", "migrate", "demo", "gebruiker"):
        assert command in result.stdout
