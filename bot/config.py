"""Configuration from the environment, an optional .env file and command-line overrides."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.i18n import SUPPORTED, is_supported
from bot.storage.db import Location, is_postgres

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "data/inspraak.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TOKEN_PATTERN = re.compile(r"^[0-9]{5,16}:[A-Za-z0-9_-]{30,64}$")
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram allows in secret_token
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # a webhook on this machine (a test, the sandbox) may use http
TELEGRAM_PORTS = (443, 80, 88, 8443)  # the only ports Telegram posts webhooks to


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to fix and never echoes a secret."""


@dataclass(frozen=True)
class Setting:
    """One configuration setting: its variable, flag, default and what it means."""

    name: str
    env: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("token", "INSPRAAK_TOKEN", None, "Bot token from @BotFather (required to run against Telegram)."),
    Setting(
        "db",
        "INSPRAAK_DB",
        DEFAULT_DB,
        "SQLite database file (its folder is created if missing), or a postgresql:// URL.",
    ),
    Setting("api_url", "INSPRAAK_API_URL", DEFAULT_API_URL, "Bot API base URL (the token is appended)."),
    Setting("file_url", "INSPRAAK_FILE_URL", None, "Bot API file base URL; derived from the API URL if unset."),
    Setting("admins", "INSPRAAK_ADMINS", "", "Comma-separated Telegram user ids allowed to create coordinators."),
    Setting("timezone", "INSPRAAK_TIMEZONE", "Europe/Amsterdam", "IANA timezone for schedules."),
    Setting("language", "INSPRAAK_LANGUAGE", "nl", f"Default language ({', '.join(SUPPORTED)})."),
    Setting("log_level", "INSPRAAK_LOG_LEVEL", "INFO", "How much to log: DEBUG, INFO, WARNING or ERROR."),
    Setting("web_port", "INSPRAAK_WEB_PORT", None, "Port of the web pages (projector); unset: no web pages."),
    Setting("web_host", "INSPRAAK_WEB_HOST", "127.0.0.1", "Address the web pages listen on (behind a proxy, keep it)."),
    Setting(
        "web_url",
        "INSPRAAK_WEB_URL",
        None,
        "Address people open the web pages at, e.g. https://inspraak.example.org; default http://HOST:PORT.",
    ),
    Setting(
        "retention_months",
        "INSPRAAK_RETENTION_MONTHS",
        "24",
        "Months after a closed session's last activity before its personal data is purged.",
    ),
    Setting(
        "translator",
        "INSPRAAK_TRANSLATOR",
        "none",
        "Machine translation service for participants' texts: none, libretranslate or deepl.",
    ),
    Setting(
        "translator_url",
        "INSPRAAK_TRANSLATOR_URL",
        None,
        "Address of the translation service: required for libretranslate; for deepl, overrides the API address.",
    ),
    Setting(
        "translator_key",
        "INSPRAAK_TRANSLATOR_KEY",
        None,
        "API key of the translation service: required for deepl, optional for libretranslate.",
    ),
    Setting(
        "transcriber",
        "INSPRAAK_TRANSCRIBER",
        "none",
        "Who writes down voice notes: none, local (faster-whisper on this machine) or openai (a compatible server).",
    ),
    Setting(
        "transcriber_url",
        "INSPRAAK_TRANSCRIBER_URL",
        None,
        "Address of the OpenAI-compatible transcription server (required for openai).",
    ),
    Setting(
        "transcriber_key", "INSPRAAK_TRANSCRIBER_KEY", None, "API key of the transcription server, if it asks one."
    ),
    Setting(
        "transcriber_model",
        "INSPRAAK_TRANSCRIBER_MODEL",
        None,
        "local: a folder with a larger faster-whisper model (default: Whisper base, shipped); openai: a model name.",
    ),
    Setting(
        "voice_max_seconds",
        "INSPRAAK_VOICE_MAX_SECONDS",
        "120",
        "Voice notes longer than this are kept as recordings but not written down.",
    ),
    Setting(
        "webhook_url",
        "INSPRAAK_WEBHOOK_URL",
        None,
        "HTTPS address Telegram posts updates to (webhook mode, behind a proxy); unset: the bot polls.",
    ),
    Setting("webhook_host", "INSPRAAK_WEBHOOK_HOST", "127.0.0.1", "Address the webhook listens on, behind the proxy."),
    Setting("webhook_port", "INSPRAAK_WEBHOOK_PORT", "8088", "Port the webhook listens on, behind the proxy."),
    Setting(
        "webhook_secret",
        "INSPRAAK_WEBHOOK_SECRET",
        None,
        "Secret Telegram sends with every update (A-Z, a-z, 0-9, _ and -); default: derived from the token.",
    ),
)
TRANSLATORS = ("none", "libretranslate", "deepl")
TRANSCRIBERS = ("none", "local", "openai")


@dataclass(frozen=True)
class Config:
    """Everything the bot needs to start."""

    token: str | None = field(repr=False)  # a secret: never in logs, errors or the configuration's repr
    db: Location = field(repr=False)  # a PostgreSQL URL may hold a password
    api_url: str
    file_url: str
    admins: frozenset[int] = field(default_factory=frozenset)
    timezone: str = "Europe/Amsterdam"
    language: str = "nl"
    retention_months: int = 24
    log_level: str = "INFO"
    web_port: int | None = None  # None: no web pages
    web_host: str = "127.0.0.1"
    web_url: str | None = None  # as people reach the pages; None: http://web_host:web_port
    translator: str = "none"  # the machine translation service: none, libretranslate or deepl
    translator_url: str | None = None
    translator_key: str | None = field(default=None, repr=False)  # a secret: never in logs or errors
    transcriber: str = "none"  # who writes down voice notes: none, local or openai
    transcriber_url: str | None = None
    transcriber_key: str | None = field(default=None, repr=False)  # a secret: never in logs or errors
    transcriber_model: str | None = None
    voice_max_seconds: int = 120
    webhook_url: str | None = None  # set: Telegram posts updates there; None: the bot polls
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8088
    webhook_secret: str | None = field(default=None, repr=False)  # a secret; None: derived from the token

    @property
    def pages(self) -> str | None:
        """Where people open the web pages, without a trailing slash; None when they are switched off."""
        if self.web_port is None:
            return None
        return (self.web_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    def require_token(self) -> str:
        """The token, or a clear error saying how to get one."""
        if self.token is None:
            raise ConfigError(
                "INSPRAAK_TOKEN is not set. Create a bot with @BotFather in Telegram "
                "(send /newbot) and set INSPRAAK_TOKEN to the token it gives you."
            )
        return self.token

    @property
    def zone(self) -> ZoneInfo:
        """The configured timezone."""
        return ZoneInfo(self.timezone)


def derive_file_url(api_url: str) -> str:
    """The file base URL that belongs to a Bot API base URL (".../bot" -> ".../file/bot")."""
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file/bot"


def load(
    overrides: Mapping[str, str | None] | None = None,
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
) -> Config:
    """Build the configuration: defaults, then .env, then the environment, then flags."""
    raw: dict[str, str | None] = {s.name: s.default for s in SETTINGS}
    sources: list[Mapping[str, str | None]] = []
    if env_file is not None and env_file.is_file():
        sources.append(dotenv_values(env_file))
    sources.append(os.environ if environ is None else environ)
    for source in sources:
        for setting in SETTINGS:
            value = source.get(setting.env)
            if value is not None and value.strip() != "":
                raw[setting.name] = value.strip()
    for name, value in (overrides or {}).items():
        if value is not None:
            raw[name] = value
    return _validate(raw)


def _validate(raw: Mapping[str, str | None]) -> Config:
    token = raw["token"]
    if token is not None and not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "INSPRAAK_TOKEN is not a valid bot token: it should be digits, a colon, then at least 30 "
            "letters, digits, '_' or '-', exactly as @BotFather gave it."
        )
    api_url = raw["api_url"] or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError("INSPRAAK_API_URL must start with http:// or https://")
    language = raw["language"] or "nl"
    if not is_supported(language):
        raise ConfigError(f"INSPRAAK_LANGUAGE must be one of: {', '.join(SUPPORTED)}")
    timezone = raw["timezone"] or "Europe/Amsterdam"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"INSPRAAK_TIMEZONE is not a known IANA timezone: {timezone!r}") from error
    log_level = (raw["log_level"] or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"INSPRAAK_LOG_LEVEL must be one of: {', '.join(LOG_LEVELS)}")
    months = raw["retention_months"] or "24"
    if not months.isdigit() or int(months) < 1:
        raise ConfigError("INSPRAAK_RETENTION_MONTHS must be a whole number of months, at least 1")
    web_port = raw["web_port"]
    if web_port is not None and (not web_port.isdigit() or int(web_port) > 65535):
        raise ConfigError("INSPRAAK_WEB_PORT must be a port number (0 to 65535; 0: any free port)")
    web_url = raw["web_url"]
    if web_url is not None and not web_url.startswith(("http://", "https://")):
        raise ConfigError("INSPRAAK_WEB_URL must start with http:// or https://")
    translator, translator_url, translator_key = _translator(raw)
    transcriber = (raw["transcriber"] or "none").lower()
    if transcriber not in TRANSCRIBERS:
        raise ConfigError(f"INSPRAAK_TRANSCRIBER must be one of: {', '.join(TRANSCRIBERS)}")
    transcriber_url = raw["transcriber_url"]
    if transcriber_url is not None and not transcriber_url.startswith(("http://", "https://")):
        raise ConfigError("INSPRAAK_TRANSCRIBER_URL must start with http:// or https://")
    if transcriber == "openai" and transcriber_url is None:
        raise ConfigError(
            "INSPRAAK_TRANSCRIBER=openai needs INSPRAAK_TRANSCRIBER_URL: the address of an OpenAI-compatible "
            "server with /v1/audio/transcriptions"
        )
    webhook_url, webhook_port, webhook_secret = _webhook(raw)
    seconds = raw["voice_max_seconds"] or "120"
    if not seconds.isdigit() or int(seconds) < 1:
        raise ConfigError("INSPRAAK_VOICE_MAX_SECONDS must be a whole number of seconds, at least 1")
    return Config(
        webhook_url=webhook_url,
        webhook_host=raw["webhook_host"] or "127.0.0.1",
        webhook_port=webhook_port,
        webhook_secret=webhook_secret,
        transcriber=transcriber,
        transcriber_url=transcriber_url,
        transcriber_key=raw["transcriber_key"],
        transcriber_model=raw["transcriber_model"],
        voice_max_seconds=int(seconds),
        translator=translator,
        translator_url=translator_url,
        translator_key=translator_key,
        web_port=None if web_port is None else int(web_port),
        web_host=raw["web_host"] or "127.0.0.1",
        web_url=web_url,
        retention_months=int(months),
        token=token,
        db=_location(raw["db"] or DEFAULT_DB),
        api_url=api_url,
        file_url=raw["file_url"] or derive_file_url(api_url),
        admins=_admins(raw["admins"] or ""),
        timezone=timezone,
        language=language,
        log_level=log_level,
    )


def _webhook(raw: Mapping[str, str | None]) -> tuple[str | None, int, str | None]:
    """Webhook mode's address, local port and secret, checked as Telegram would check them."""
    url = raw["webhook_url"]
    if url is not None and urlsplit(url).hostname not in LOOPBACK:
        if not url.startswith("https://"):
            raise ConfigError("INSPRAAK_WEBHOOK_URL must start with https:// (Telegram posts updates only over HTTPS)")
        if (urlsplit(url).port or 443) not in TELEGRAM_PORTS:
            raise ConfigError("INSPRAAK_WEBHOOK_URL must use port 443, 80, 88 or 8443: Telegram posts to no other")
    port = raw["webhook_port"] or "8088"
    if not port.isdigit() or int(port) > 65535:
        raise ConfigError("INSPRAAK_WEBHOOK_PORT must be a port number (0 to 65535; 0: any free port)")
    secret = raw["webhook_secret"]
    if secret is not None and not WEBHOOK_SECRET.match(secret):
        raise ConfigError("INSPRAAK_WEBHOOK_SECRET must be 1 to 256 of A-Z, a-z, 0-9, _ and -")
    return url, int(port), secret


def _location(text: str) -> Location:
    """A postgresql:// URL, or else the path of a SQLite file."""
    if not is_postgres(text):
        return Path(text)
    if not urlsplit(text).path.strip("/"):
        raise ConfigError("INSPRAAK_DB: a PostgreSQL URL names its database, e.g. postgresql://user@host/inspraak")
    return text


def _admins(text: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError("INSPRAAK_ADMINS must be Telegram user ids (digits) separated by commas")
        ids.add(int(part))
    return frozenset(ids)


def _translator(raw: Mapping[str, str | None]) -> tuple[str, str | None, str | None]:
    kind = (raw["translator"] or "none").lower()
    if kind not in TRANSLATORS:
        raise ConfigError(f"INSPRAAK_TRANSLATOR must be one of: {', '.join(TRANSLATORS)}")
    url, key = raw["translator_url"], raw["translator_key"]
    if url is not None and not url.startswith(("http://", "https://")):
        raise ConfigError("INSPRAAK_TRANSLATOR_URL must start with http:// or https://")
    if kind == "libretranslate" and url is None:
        raise ConfigError(
            "INSPRAAK_TRANSLATOR=libretranslate needs INSPRAAK_TRANSLATOR_URL: the address of your LibreTranslate "
            "server, e.g. http://127.0.0.1:5000"
        )
    if kind == "deepl" and key is None:
        raise ConfigError(
            "INSPRAAK_TRANSLATOR=deepl needs INSPRAAK_TRANSLATOR_KEY: the authentication key from your DeepL API "
            "account (a free key ends in :fx)"
        )
    if key is not None and (key != key.strip() or any(not c.isprintable() for c in key)):
        raise ConfigError("INSPRAAK_TRANSLATOR_KEY holds spaces or control characters: copy the key again")
    return kind, url, key
