"""PTB's AIORateLimiter, plus the per-person limit Telegram applies to private chats (about 1 a second)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

MAX_CHATS = 10_000  # limiters kept for recently active chats; older ones are dropped
# Aim a little under Telegram's overall limit: messages reach Telegram with a jitter of a few milliseconds, and
# at the exact limit that jitter alone draws 429s, each pausing every send (see docs/benchmarks.md).
HEADROOM = 0.95


class PrivateChatRateLimiter(AIORateLimiter):
    """Keeps every private chat to a short burst, then about one message a second, on top of PTB's limits."""

    def __init__(
        self,
        private_chat_max_rate: float = 3,
        private_chat_time_period: float = 3,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        **limits: Any,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate * HEADROOM, **limits)
        self._rate = (private_chat_max_rate, private_chat_time_period)
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(*self._rate)
        self._chats[chat_id] = limiter
        if len(self._chats) > MAX_CHATS:
            self._chats.popitem(last=False)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        if isinstance(chat, int) and chat > 0:  # a person: groups and channels have negative ids
            async with self._limiter(chat):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
