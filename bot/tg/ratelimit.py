"""PTB's AIORateLimiter for groups and retries, the per-person limit Telegram applies to private chats (about 1 a
second), and the bot's overall limit as one budget in which replies go before bulk."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

from bot.tg.budget import Budget

MAX_CHATS = 10_000  # limiters kept for recently active chats; older ones are dropped
# Aim a little under Telegram's overall limit: messages reach Telegram with a jitter of a few milliseconds, and
# at the exact limit that jitter alone draws 429s, each pausing every send (see docs/benchmarks.md).
HEADROOM = 0.95
# Telegram's overall limit is on broadcasting: "bots are not able to broadcast more than about 30 messages per
# second" (the Bot FAQ); its Bot API lead says edits share the per-chat limit with sends (tdlib/td#2592,
# tdlib/td#3034) and that there is no global limit beyond broadcasting. So an edit waits for the person's own
# limit but takes no place in the overall budget, and a button's answer neither (tdlib/telegram-bot-api#648).
# A 429 on anything still pauses everything for as long as Telegram says. Sources in docs/benchmarks.md.
UNCOUNTED = ("edit",)


class PrivateChatRateLimiter(AIORateLimiter):
    """Keeps every private chat to a short burst, then about one message a second, and the bot as a whole to
    Telegram's overall limit, replies first."""

    def __init__(
        self,
        private_chat_max_rate: float = 3,
        private_chat_time_period: float = 3,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        **limits: Any,
    ) -> None:
        period = float(limits.pop("overall_time_period", 1))
        super().__init__(overall_max_rate=0, **limits)  # the overall limit is the budget's, with replies first
        self.budget = Budget(overall_max_rate * HEADROOM / period)
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
        if chat is None:  # not a message (a button's answer, a file): Telegram does not count it, nor does PTB
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        # a person's own limit first (groups and channels have negative ids), then a place in the overall budget,
        # which only new messages take (see UNCOUNTED)
        async with self._limiter(chat) if isinstance(chat, int) and chat > 0 else contextlib.nullcontext():
            if counted(endpoint):
                await self.budget.take()
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def counted(endpoint: str) -> bool:
    """Whether a call takes a place in the overall budget: a new message does, an edit does not."""
    return not endpoint.lower().startswith(UNCOUNTED)
