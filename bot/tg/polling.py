"""Getting updates: each batch is handled before it is confirmed to Telegram, so a crash loses nothing (the
batch comes again, and each update's dedupe key keeps it from being handled twice). An update that cannot be
read is set aside, and everyone else is served on (one whose handling fails again and again is set aside too,
bot/tg/errors.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.app import Incoming, SetAside
from bot.storage import Database, update_key
from bot.tg.compat import seconds
from bot.tg.handling import Arrived
from bot.tg.plainbot import ReadingBot

log = logging.getLogger(__name__)
BACKOFF = (0.1, 0.5, 1.0, 2.0, 5.0)  # seconds between tries while the Bot API cannot be reached


class PollingStopped(RuntimeError):
    """Polling cannot go on: another instance uses the token (409); the message says what to do."""


class TokenRejected(RuntimeError):
    """The Bot API rejected the token (401)."""


def _private_chat(data: dict[str, Any]) -> tuple[int | None, str | None]:
    """The private chat and app language of a raw update, where they can be found without reading it whole."""
    for kind in ("message", "edited_message", "callback_query"):
        part = data.get(kind)
        if not isinstance(part, dict):
            continue
        sender = _mapping(part.get("from"))
        chat = _mapping(part.get("chat") if kind != "callback_query" else _mapping(part.get("message")).get("chat"))
        hint = sender.get("language_code")
        if chat.get("type") == "private" and isinstance(chat.get("id"), int):
            return chat["id"], hint if isinstance(hint, str) else None
        if kind == "callback_query" and isinstance(sender.get("id"), int):
            return sender["id"], hint if isinstance(hint, str) else None
    return None, None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


Reader = Callable[[dict[str, Any]], Incoming | None]  # an update as the driver takes it (bot/tg/updates.py)


def read(batch: list[dict[str, Any]], reader: Reader) -> tuple[list[Arrived], list[SetAside]]:
    """The updates the bot can read (leaving out kinds it does not act on), and the ones it cannot."""
    good, bad = [], []
    for data in batch:
        kinds = ",".join(sorted(k for k in data if k != "update_id")) or "nothing"
        update_id = int(data.get("update_id", 0))
        try:
            found = reader(data)
        except Exception as error:
            chat, hint = _private_chat(data)
            reason = f"{type(error).__name__}: {error}"[:300]
            bad.append(SetAside(update_id, kinds, reason, update_key(f"unreadable:{update_id}:{kinds}"), chat, hint))
            continue
        if found is not None:
            good.append(Arrived(update_id, kinds, found))
    return good, bad


async def handle_raw(
    batch: list[dict[str, Any]],
    reader: Reader,
    handle: Callable[[list[Arrived]], Awaitable[None]],
    set_aside: Callable[[SetAside], Awaitable[None]],
) -> None:
    """Handle a batch of updates as Telegram sent them; the ones that cannot be read are set aside, after the
    others, so what each person is told stays in turn."""
    good, bad = read(batch, reader)
    await handle(good)
    for aside in bad:
        log.warning("set aside update %d (%s): it cannot be handled", aside.update_id, aside.kinds)
        await set_aside(aside)


class Poller:
    """Long polling with confirmation after handling."""

    def __init__(
        self,
        bot: ReadingBot,
        db: Database,
        handle: Callable[[list[dict[str, Any]]], Awaitable[None]],
        timeout: int,
        allowed: Sequence[str],
    ) -> None:
        self.bot = bot
        self.db = db
        self.handle = handle  # a batch as Telegram sent it (handle_raw)
        self.timeout = timeout
        self.allowed = allowed
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, handle and confirm until `stop` is set; a 409 or 401 ends with an error that says why."""
        failures = 0
        while not stop.is_set():
            try:
                batch = await self._fetch(stop)
            except Conflict as error:
                raise PollingStopped(str(error)) from None
            except InvalidToken:
                raise TokenRejected from None
            except RetryAfter as error:
                await _pause(stop, seconds(error, "retry_after"))
                continue
            except (NetworkError, TimedOut) as error:
                log.warning("getting updates failed (%s); trying again", type(error).__name__)
                await _pause(stop, BACKOFF[min(failures, len(BACKOFF) - 1)])
                failures += 1
                continue
            failures = 0
            if batch is None:
                break
            if batch:
                await self.handle(batch)
                self.offset = max(int(u.get("update_id", 0)) for u in batch) + 1
        await self._confirm()

    async def _fetch(self, stop: asyncio.Event) -> list[dict[str, Any]] | None:
        """The next batch, or None when asked to stop while waiting."""
        fetching = asyncio.ensure_future(self.bot.raw_updates(self.offset, self.timeout, self.allowed))
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetching not in done:
            fetching.cancel()
            return None
        return fetching.result()

    async def _confirm(self) -> None:
        """Tell Telegram everything handled is done (the next getUpdates would; on the way out, one short one)."""
        if self.offset is None:
            return
        try:
            await self.bot.raw_updates(self.offset, 0, self.allowed)
        except Exception as error:  # the next start gets them again and knows them by their keys
            log.info("could not confirm the last updates on the way out (%s)", type(error).__name__)


async def _pause(stop: asyncio.Event, delay: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), delay)
