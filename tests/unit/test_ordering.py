"""Several people are answered at once, while each person's own messages are handled in the order sent."""

from __future__ import annotations

import asyncio

from bot.tg.ordering import PerChatOrder


async def test_a_slow_answer_to_one_person_holds_up_only_that_persons_next_message() -> None:
    processor = PerChatOrder(8)
    events: list[str] = []
    slow = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"{name} starts")
        if wait is not None:
            await wait.wait()
        events.append(f"{name} ends")

    amal_first = asyncio.create_task(processor.run(71, handle("amal 1", slow)))
    amal_second = asyncio.create_task(processor.run(71, handle("amal 2")))
    olena = asyncio.create_task(processor.run(72, handle("olena")))
    await asyncio.wait_for(olena, 1)
    assert events == ["amal 1 starts", "olena starts", "olena ends"], "Olena is answered while Amal's reply waits"
    slow.set()
    await asyncio.wait_for(asyncio.gather(amal_first, amal_second), 1)
    assert events[3:] == ["amal 1 ends", "amal 2 starts", "amal 2 ends"], "Amal's messages stay in order"
    assert processor._locks == {}, "no lock outlives the updates of its chat"


async def test_a_person_whose_earlier_message_is_still_in_hand_takes_no_place_from_someone_else() -> None:
    processor = PerChatOrder(2)
    slow = asyncio.Event()
    answered: list[str] = []

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        answered.append(name)

    amal = [asyncio.create_task(processor.run(71, handle(f"amal {n}", slow if n == 1 else None))) for n in (1, 2, 3)]
    olena = asyncio.create_task(processor.run(72, handle("olena")))
    await asyncio.wait_for(olena, 1)
    assert answered == ["olena"], "two places: Amal's waiting messages hold none of them"
    slow.set()
    await asyncio.wait_for(asyncio.gather(*amal), 1)
    assert answered == ["olena", "amal 1", "amal 2", "amal 3"]
