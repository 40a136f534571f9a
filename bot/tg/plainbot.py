"""PTB's bot, with the calls the bot makes most often kept as plain data: reading every answer into PTB's objects
cost a participant's step more CPU than the call itself (see docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.ext import ExtBot


class ReadingBot(ExtBot[None]):
    """PTB's bot, able to fetch updates and make calls as plain data, so one update it cannot read does not sink
    the whole batch, and an answer nobody reads is not turned into objects."""

    async def raw_updates(self, offset: int | None, timeout: int, allowed: Sequence[str]) -> list[dict[str, Any]]:
        """getUpdates, unparsed."""
        data: dict[str, Any] = {"timeout": timeout, "allowed_updates": list(allowed)}
        if offset is not None:
            data["offset"] = offset
        result = await self._post("getUpdates", data, read_timeout=timeout + 5.0)
        return list(result) if isinstance(result, list) else []

    async def plain(self, endpoint: str, data: dict[str, Any]) -> Any:
        """One Bot API call through PTB's rate limiter and error handling, its result as Telegram sent it."""
        return await self._post(endpoint, data)
