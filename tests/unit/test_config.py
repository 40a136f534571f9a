"""An operator configures inspraak with environment variables, a .env file or flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import config as configuration
from bot.config import ConfigError
from tests.conftest import TOKEN


def test_defaults_are_sensible_without_any_setting() -> None:
    config = configuration.load(environ={}, env_file=None)
    assert config.token is None
    assert config.db == Path("data/inspraak.sqlite3")
    assert config.api_url == "https://api.telegram.org/bot"
    assert config.file_url == "https://api.telegram.org/file/bot"
    assert (config.timezone, config.language, config.admins) == ("Europe/Amsterdam", "nl", frozenset())


def test_flags_beat_the_environment_which_beats_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("INSPRAAK_LANGUAGE=ar\nINSPRAAK_TIMEZONE=Asia/Tehran\nINSPRAAK_ADMINS=1, 2\n")
    config = configuration.load(
        overrides={"timezone": "America/New_York"},
        environ={"INSPRAAK_LANGUAGE": "uk", "INSPRAAK_TOKEN": TOKEN},
        env_file=env_file,
    )
    assert (config.language, config.timezone, config.admins) == ("uk", "America/New_York", frozenset({1, 2}))
    assert config.token == TOKEN


def test_a_self_hosted_api_url_gets_its_matching_file_url() -> None:
    config = configuration.load(environ={"INSPRAAK_API_URL": "http://127.0.0.1:8081/bot"}, env_file=None)
    assert config.file_url == "http://127.0.0.1:8081/file/bot"
    explicit = configuration.load(
        environ={"INSPRAAK_API_URL": "http://h/bot", "INSPRAAK_FILE_URL": "http://f/file/bot"}, env_file=None
    )
    assert explicit.file_url == "http://f/file/bot"


@pytest.mark.parametrize("bad", ["123", "abc:def", "12345:short", TOKEN + " extra", "x" + TOKEN])
def test_a_malformed_token_is_refused_without_repeating_it(bad: str) -> None:
    with pytest.raises(ConfigError) as refused:
        configuration.load(environ={"INSPRAAK_TOKEN": bad}, env_file=None)
    assert bad not in str(refused.value)
    assert "@BotFather" in str(refused.value)


def test_running_without_a_token_says_how_to_get_one() -> None:
    with pytest.raises(ConfigError, match="@BotFather"):
        configuration.load(environ={}, env_file=None).require_token()


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("INSPRAAK_LANGUAGE", "xx", "INSPRAAK_LANGUAGE"),
        ("INSPRAAK_TIMEZONE", "Mars/Olympus", "INSPRAAK_TIMEZONE"),
        ("INSPRAAK_ADMINS", "12,bob", "INSPRAAK_ADMINS"),
        ("INSPRAAK_API_URL", "ftp://x", "INSPRAAK_API_URL"),
    ],
)
def test_other_bad_settings_name_what_to_fix(variable: str, value: str, complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        configuration.load(environ={variable: value}, env_file=None)


def test_the_log_level_comes_from_the_environment_and_a_flag_overrides_it(tmp_path: Path) -> None:
    assert configuration.load(environ={}, env_file=None).log_level == "INFO"
    assert configuration.load(environ={"INSPRAAK_LOG_LEVEL": "debug"}, env_file=None).log_level == "DEBUG"
    flagged = configuration.load(
        overrides={"log_level": "ERROR"}, environ={"INSPRAAK_LOG_LEVEL": "DEBUG"}, env_file=None
    )
    assert flagged.log_level == "ERROR"
    with pytest.raises(ConfigError, match="INSPRAAK_LOG_LEVEL must be one of: DEBUG, INFO, WARNING, ERROR"):
        configuration.load(environ={"INSPRAAK_LOG_LEVEL": "LOUD"}, env_file=None)


def test_machine_translation_is_off_unless_a_service_is_configured() -> None:
    config = configuration.load(environ={}, env_file=None)
    assert (config.translator, config.translator_url, config.translator_key) == ("none", None, None)


def test_a_libretranslate_server_is_configured_by_its_address_and_an_optional_key() -> None:
    config = configuration.load(
        environ={"INSPRAAK_TRANSLATOR": "LibreTranslate", "INSPRAAK_TRANSLATOR_URL": "http://127.0.0.1:5000"},
        env_file=None,
    )
    assert (config.translator, config.translator_url, config.translator_key) == (
        "libretranslate",
        "http://127.0.0.1:5000",
        None,
    )
    keyed = configuration.load(
        overrides={"translator_key": "lt-key"},
        environ={"INSPRAAK_TRANSLATOR": "libretranslate", "INSPRAAK_TRANSLATOR_URL": "https://lt.example.org"},
        env_file=None,
    )
    assert keyed.translator_key == "lt-key"


def test_deepl_is_configured_by_its_key_and_an_optional_address(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("INSPRAAK_TRANSLATOR=deepl\nINSPRAAK_TRANSLATOR_KEY=0f1e2d3c-aaaa-bbbb-cccc-123456789abc:fx\n")
    config = configuration.load(environ={}, env_file=env_file)
    assert (config.translator, config.translator_url) == ("deepl", None)
    assert config.translator_key == "0f1e2d3c-aaaa-bbbb-cccc-123456789abc:fx"
    local = configuration.load(environ={"INSPRAAK_TRANSLATOR_URL": "http://127.0.0.1:8090"}, env_file=env_file)
    assert local.translator_url == "http://127.0.0.1:8090"


SECRET_KEY = "0f1e2d3c-dddd-eeee-ffff-123456789abc:fx"


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"INSPRAAK_TRANSLATOR": "google"}, "INSPRAAK_TRANSLATOR must be one of: none, libretranslate, deepl"),
        ({"INSPRAAK_TRANSLATOR": "libretranslate"}, "needs INSPRAAK_TRANSLATOR_URL"),
        (
            {"INSPRAAK_TRANSLATOR": "libretranslate", "INSPRAAK_TRANSLATOR_KEY": SECRET_KEY},
            "needs INSPRAAK_TRANSLATOR_URL",
        ),
        ({"INSPRAAK_TRANSLATOR": "deepl"}, "needs INSPRAAK_TRANSLATOR_KEY"),
        ({"INSPRAAK_TRANSLATOR": "deepl", "INSPRAAK_TRANSLATOR_URL": "http://x"}, "needs INSPRAAK_TRANSLATOR_KEY"),
        (
            {"INSPRAAK_TRANSLATOR": "deepl", "INSPRAAK_TRANSLATOR_KEY": SECRET_KEY, "INSPRAAK_TRANSLATOR_URL": "api.x"},
            "INSPRAAK_TRANSLATOR_URL must start with http:// or https://",
        ),
        (
            {
                "INSPRAAK_TRANSLATOR": "libretranslate",
                "INSPRAAK_TRANSLATOR_URL": "ftp://lt",
                "INSPRAAK_TRANSLATOR_KEY": SECRET_KEY,
            },
            "INSPRAAK_TRANSLATOR_URL must start with http:// or https://",
        ),
    ],
)
def test_a_translation_service_that_cannot_work_is_refused_saying_what_to_set(
    environ: dict[str, str], complaint: str
) -> None:
    with pytest.raises(ConfigError, match=complaint) as refused:
        configuration.load(environ=environ, env_file=None)
    assert SECRET_KEY not in str(refused.value) and SECRET_KEY.split(":")[0] not in str(refused.value)


def test_a_key_with_a_line_break_is_refused_without_repeating_it() -> None:
    broken = SECRET_KEY[:10] + "\n" + SECRET_KEY[10:]
    with pytest.raises(ConfigError, match="INSPRAAK_TRANSLATOR_KEY") as refused:
        configuration.load(overrides={"translator": "deepl", "translator_key": broken}, environ={}, env_file=None)
    assert SECRET_KEY[:10] not in str(refused.value) and SECRET_KEY[10:] not in str(refused.value)


def test_voice_notes_are_written_down_only_when_a_transcriber_is_configured() -> None:
    default = configuration.load(environ={}, env_file=None)
    assert (default.transcriber, default.voice_max_seconds) == ("none", 120)
    local = configuration.load(
        environ={"INSPRAAK_TRANSCRIBER": "Local", "INSPRAAK_VOICE_MAX_SECONDS": "60"}, env_file=None
    )
    assert (local.transcriber, local.voice_max_seconds, local.transcriber_url) == ("local", 60, None)
    server = configuration.load(
        environ={"INSPRAAK_TRANSCRIBER": "openai", "INSPRAAK_TRANSCRIBER_URL": "http://127.0.0.1:8000"},
        env_file=None,
    )
    assert (server.transcriber, server.transcriber_url) == ("openai", "http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"INSPRAAK_TRANSCRIBER": "siri"}, "INSPRAAK_TRANSCRIBER must be one of: none, local, openai"),
        ({"INSPRAAK_TRANSCRIBER": "openai"}, "INSPRAAK_TRANSCRIBER=openai needs INSPRAAK_TRANSCRIBER_URL"),
        ({"INSPRAAK_TRANSCRIBER_URL": "ftp://x"}, "INSPRAAK_TRANSCRIBER_URL must start with http"),
        ({"INSPRAAK_VOICE_MAX_SECONDS": "0"}, "INSPRAAK_VOICE_MAX_SECONDS must be a whole number"),
    ],
)
def test_a_transcriber_that_cannot_work_is_refused_saying_what_to_set(environ: dict[str, str], complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint.replace("=", ".")):
        configuration.load(environ=environ, env_file=None)


def test_the_bot_polls_unless_a_webhook_address_is_configured() -> None:
    default = configuration.load(environ={}, env_file=None)
    assert (default.webhook_url, default.webhook_host, default.webhook_port) == (None, "127.0.0.1", 8088)
    hooked = configuration.load(
        environ={
            "INSPRAAK_WEBHOOK_URL": "https://bot.example.org/telegram",
            "INSPRAAK_WEBHOOK_PORT": "9000",
            "INSPRAAK_WEBHOOK_SECRET": "a-Secret_of-40-characters-0123456789abcd",
        },
        env_file=None,
    )
    assert (hooked.webhook_url, hooked.webhook_port) == ("https://bot.example.org/telegram", 9000)
    assert hooked.webhook_secret == "a-Secret_of-40-characters-0123456789abcd"


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"INSPRAAK_WEBHOOK_URL": "http://bot.example.org/telegram"}, "must start with https://"),
        ({"INSPRAAK_WEBHOOK_URL": "https://x", "INSPRAAK_WEBHOOK_PORT": "http"}, "INSPRAAK_WEBHOOK_PORT"),
        ({"INSPRAAK_WEBHOOK_SECRET": "has spaces"}, "INSPRAAK_WEBHOOK_SECRET must be 1 to 256"),
        ({"INSPRAAK_WEBHOOK_URL": "https://bot.example.org:9000/telegram"}, "port 443, 80, 88 or 8443"),
    ],
)
def test_a_webhook_telegram_would_refuse_is_refused_saying_what_to_set(environ: dict[str, str], complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint) as refused:
        configuration.load(environ=environ, env_file=None)
    assert "has spaces" not in str(refused.value), "a secret is never repeated"


def test_the_configuration_shown_whole_holds_none_of_its_secrets() -> None:
    secrets = {
        "INSPRAAK_TOKEN": "123456:" + "A" * 35,
        "INSPRAAK_TRANSLATOR": "deepl",
        "INSPRAAK_TRANSLATOR_KEY": "deepl-key-that-is-secret:fx",
        "INSPRAAK_TRANSCRIBER": "openai",
        "INSPRAAK_TRANSCRIBER_URL": "http://127.0.0.1:8000",
        "INSPRAAK_TRANSCRIBER_KEY": "sk-transcriber-secret",
        "INSPRAAK_WEBHOOK_SECRET": "webhook-secret-value",
        "INSPRAAK_DB": "postgresql://inspraak:db-password-secret@db.example.org/inspraak",
    }
    shown = repr(configuration.load(environ=secrets, env_file=None))
    assert "db-password-secret" not in shown
    for name in ("INSPRAAK_TOKEN", "INSPRAAK_TRANSLATOR_KEY", "INSPRAAK_TRANSCRIBER_KEY", "INSPRAAK_WEBHOOK_SECRET"):
        assert secrets[name] not in shown
    assert "deepl" in shown, "the rest is there to read"


def test_a_postgresql_url_chooses_postgresql_and_a_path_stays_a_sqlite_file() -> None:
    url = "postgresql://inspraak@db.example.org:5433/inspraak"
    assert configuration.load(environ={"INSPRAAK_DB": url}, env_file=None).db == url
    assert configuration.load(environ={"INSPRAAK_DB": "postgres://h/db"}, env_file=None).db == "postgres://h/db"
    assert configuration.load(environ={"INSPRAAK_DB": "x/postgresql.db"}, env_file=None).db == Path("x/postgresql.db")
    with pytest.raises(configuration.ConfigError, match="names its database"):
        configuration.load(environ={"INSPRAAK_DB": "postgresql://inspraak@db.example.org"}, env_file=None)
