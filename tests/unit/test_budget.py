"""One sending budget for the bot as a whole: a reply to what someone just did goes before every bulk message
waiting (a broadcast, check-ins), and together they never go faster than the overall limit."""

from __future__ import annotations

import asyncio
import random

from bot.tg.budget import SLACK, Budget, bulk
from bot.tg.ratelimit import PrivateChatRateLimiter

RATE = 30.0


class FakeTime:
    """A clock that moves only when the budget waits for its next place: no real waiting in the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # whoever was just given a place goes first, at the moment it was given
        self.now += seconds


def a_budget() -> tuple[Budget, FakeTime]:
    time = FakeTime()
    return Budget(RATE, clock=time.clock, sleep=time.sleep), time


async def test_a_reply_queued_after_a_thousand_bulk_messages_goes_out_next() -> None:
    budget, time = a_budget()
    sent: list[tuple[str, float]] = []
    queued: dict[str, int] = {}
    under_way = asyncio.Event()

    async def send(name: str, proactive: bool) -> None:
        queued[name] = len(sent)  # how many had gone out when it asked for a place
        with bulk(proactive):
            await budget.take()
        sent.append((name, time.now))
        if len(sent) == 10:
            under_way.set()

    broadcast = [asyncio.create_task(send(f"bulk {n}", True)) for n in range(1000)]
    await under_way.wait()  # the broadcast is going out
    before = len(sent)
    assert budget.waiting()[1] >= 1000 - before - 1, "nearly all of it still waits"
    await asyncio.gather(send("reply", False), *broadcast)

    names = [name for name, _ in sent]
    assert queued["reply"] >= before
    assert names.index("reply") <= queued["reply"] + 1, "it takes the next free place, not the 991st"
    assert names[: names.index("reply")] == [f"bulk {n}" for n in range(names.index("reply"))], "bulk stays in order"


async def test_the_overall_limit_holds_with_both_kinds_of_traffic() -> None:
    budget, time = a_budget()
    rng = random.Random(7)
    moments: list[float] = []

    async def send(proactive: bool, after: int) -> None:
        for _ in range(after):  # arrives while earlier ones are being given places
            await asyncio.sleep(0)
        await budget.take(proactive)
        moments.append(time.now)

    await asyncio.gather(*(send(rng.random() < 0.7, rng.randrange(400)) for _ in range(400)))
    assert len(moments) == 400
    per_second = max(sum(start <= m < start + 1 - 1e-9 for m in moments) for start in moments)
    assert per_second <= RATE * (1 + SLACK) + 1, "no second holds more than the rate and the slack for late wake-ups"
    took = moments[-1] - moments[0]
    assert took >= (400 - 1) / RATE - SLACK - 1e-9, "on average, the rate and no faster"


async def test_when_nothing_else_waits_a_message_goes_at_once() -> None:
    budget, time = a_budget()
    await budget.take(True)
    assert time.now == 0.0
    time.now += 5.0  # a quiet while later
    await budget.take(False)
    assert time.now == 5.0, "an idle budget has a free place"


async def test_a_new_message_takes_a_place_in_the_overall_budget_and_an_edit_or_a_buttons_answer_does_not() -> None:
    limiter = PrivateChatRateLimiter()
    places: list[str] = []

    class Counting(Budget):
        async def take(self, proactive: bool | None = None) -> None:
            places.append(endpoint)

    limiter.budget = Counting(RATE)

    async def telegram(*_: object, **__: object) -> bool:
        return True

    calls = [
        ("sendMessage", {"chat_id": 7, "text": "Dank je"}),
        ("editMessageText", {"chat_id": 7, "message_id": 3, "text": "1. Taal"}),
        ("editMessageReplyMarkup", {"chat_id": 7, "message_id": 3}),
        ("sendPhoto", {"chat_id": 8, "photo": "qr"}),
        ("answerCallbackQuery", {"callback_query_id": "q1"}),
    ]
    for endpoint, data in calls:
        assert await limiter.process_request(telegram, (), {}, endpoint, data, None) is True
    assert places == ["sendMessage", "sendPhoto"]
