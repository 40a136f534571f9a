"""What every handler needs, kept in the Application and read back with one typed accessor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import User
from telegram.ext import CallbackContext

from bot.config import Config
from bot.conversation import Flow
from bot.i18n import Catalogs, Translator, negotiate
from bot.scheduling import Clock
from bot.storage import ActionStore, CoordinatorStore, OutboxStore, PoolStore, PrivacyStore, Repository

KEY = "inspraak.services"


@dataclass(frozen=True)
class Services:
    """Configuration, translations, storage and conversation flows for the handlers."""

    config: Config
    catalogs: Catalogs
    repo: Repository
    flows: Mapping[str, Flow]
    coord: CoordinatorStore
    secret: bytes
    actions: ActionStore
    outbox: OutboxStore
    clock: Clock
    privacy: PrivacyStore
    pools: PoolStore

    def translator_for(self, chosen: str | None, hint: str | None) -> Translator:
        """The person's chosen language, else their Telegram app language if shipped, else the default."""
        return self.catalogs.get(chosen or negotiate(hint) or self.config.language)

    async def translator_of(self, user: User | None) -> Translator:
        """The translator for whoever sent an update, from their stored choice or their app's language."""
        if user is None:
            return self.catalogs.get(self.config.language)
        participant = await self.repo.participant(user.id)
        return self.translator_for(participant.locale if participant else None, user.language_code)


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """The services stored in the running Application."""
    found = context.application.bot_data[KEY]
    assert isinstance(found, Services)
    return found
