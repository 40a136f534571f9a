"""What every use case needs: the store, the translations, the flows and the installation's settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversation import Flow
from bot.i18n import Catalogs, Translator, negotiate
from bot.storage import Database

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Services:
    """The bot's parts that use cases share, Telegram-free."""

    db: Database
    catalogs: Catalogs
    flows: Mapping[str, Flow]
    secret: bytes
    admins: frozenset[int]
    language: str  # the installation's default language
    timezone: str
    clock: Clock
    link: Callable[[str], str]  # a t.me link that opens the bot with a /start payload (made by the transport)
    pages: str | None = None  # where the web pages are reached ("https://…", no trailing slash); None: switched off
    files: Callable[[str], Awaitable[bytes]] | None = None  # a file people sent, by its Telegram file id
    web_app_key: bytes | None = None  # checks who opened a Mini App (derived from the token; None: no Mini Apps)
    machine: str | None = None  # the machine translation service's name; None: participants' words never leave
    transcriber: str | None = None  # who writes down voice notes ("local" or a server); None: nobody
    heard_outside: str | None = None  # the server voice notes are sent to; None: they stay on this machine

    @property
    def zone(self) -> ZoneInfo:
        """The installation's timezone."""
        return ZoneInfo(self.timezone)

    def translator_for(self, chosen: str | None, hint: str | None = None) -> Translator:
        """The person's chosen language, else their Telegram app language if shipped, else the default."""
        return self.catalogs.get(chosen or negotiate(hint) or self.language)
