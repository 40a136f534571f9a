"""Several people are answered at once, while each person's own messages are handled in the order sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.tg.ordering import PerChatOrder


def update(number: int, chat: int) -> Update:
    return Update(number, message=Message(number, datetime.now(UTC), Chat(chat, Chat.PRIVATE), text="hi"))


async def test_a_slow_answer_to_one_person_holds_up_only_that_persons_next_message() -> None:
    processor = PerChatOrder(8)
    events: list[str] = []
    slow = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"{name} starts")
        if wait is not None:
            await wait.wait()
        events.append(f"{name} ends")

    amal_first = asyncio.create_task(processor.process_update(update(1, 71), handle("amal 1", slow)))
    amal_second = asyncio.create_task(processor.process_update(update(2, 71), handle("amal 2")))
    olena = asyncio.create_task(processor.process_update(update(3, 72), handle("olena")))
    await asyncio.wait_for(olena, 1)
    assert events == ["amal 1 starts", "olena starts", "olena ends"], "Olena is answered while Amal's reply waits"
    slow.set()
    await asyncio.wait_for(asyncio.gather(amal_first, amal_second), 1)
    assert events[3:] == ["amal 1 ends", "amal 2 starts", "amal 2 ends"], "Amal's messages stay in order"
    assert processor._locks == {}, "no lock outlives the updates of its chat"
