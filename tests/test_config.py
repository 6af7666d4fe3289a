import pytest

from participatie.app import create_app
from participatie.config import DEFAULT_SECRET_KEY, ConfigError, Settings


def test_settings_come_from_participatie_environment_variables():
    settings = Settings.from_env(
        {
            "PARTICIPATIE_DATABASE_URL": "postgresql://u@db/p",
            "PARTICIPATIE_SECRET_KEY": "s" * 40,
            "PARTICIPATIE_BASE_URL": "https://participatie.example",
            "PARTICIPATIE_SMTP_HOST": "smtp.example",
            "PARTICIPATIE_SMTP_PORT": "587",
            "PARTICIPATIE_SMTP_USER": "mailer",
            "PARTICIPATIE_SMTP_PASSWORD": "geheim",
            "PARTICIPATIE_SMTP_TLS": "starttls",
            "PARTICIPATIE_DEBUG": "false",
        }
    )

    assert settings.database_url == "postgresql://u@db/p"
    assert settings.smtp_port == 587
    assert settings.smtp_tls == "starttls"
    assert settings.is_https is True
    assert settings.is_sqlite is False
    assert "geheim" not in repr(settings)
    settings.check()


def test_app_refuses_the_default_secret_outside_debug():
    settings = Settings(secret_key=DEFAULT_SECRET_KEY, debug=False)

    with pytest.raises(ConfigError, match="PARTICIPATIE_SECRET_KEY"):
        create_app(settings)


def test_debug_mode_may_use_the_default_secret():
    Settings(secret_key=DEFAULT_SECRET_KEY, debug=True).check()


def test_bad_number_gets_a_clear_message():
    with pytest.raises(ConfigError, match="PARTICIPATIE_SMTP_PORT moet een geheel getal zijn"):
        Settings.from_env({"PARTICIPATIE_SMTP_PORT": "vijf"})


def test_unknown_database_kind_is_refused():
    with pytest.raises(ConfigError, match="kennen we niet; gebruik sqlite:///"):
        Settings(database_url="mysql://x", secret_key="s" * 40).check()
