"""Synthetic participants: they follow the real flows through the stand-in, and every answer is timed."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench import texts
from bot.i18n import native_name
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.params import Params

POSTING = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvoice"})
EDITING = frozenset({"editmessagetext", "editmessagereplymarkup"})
WAIT = 60.0  # seconds an answer may take before it counts as lost


class Lost(RuntimeError):
    """The bot never answered: the benchmark fails, whatever the timings say."""


@dataclass(frozen=True)
class Step:
    """One thing a person does, and how many new messages and edits it earns them (a press also earns its
    answer). The press is answered at once and its edit follows: the next step waits for both."""

    kind: str  # "start", "text" or "press"
    value: str | int
    posts: int
    edits: int = 0


@dataclass
class _Waiting:
    since: float
    posts_before: int
    posts: int
    edits_before: int
    edits: int
    query: str | None
    done: asyncio.Future[float]
    first: float | None = None
    answered: bool = False


@dataclass
class Watch:
    """Sees every call the bot makes to the stand-in; knows when each person's step has been answered."""

    standin: StandIn
    posts: Counter[int] = field(default_factory=Counter)
    edits: Counter[int] = field(default_factory=Counter)
    answered: list[float] = field(default_factory=list)  # seconds from each press to its answer (the spinner)
    _waiting: dict[int, _Waiting] = field(default_factory=dict)
    _queries: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.standin.observers.append(self._seen)

    def _seen(self, method: str, params: Params, result: Any) -> None:
        now = time.perf_counter()
        if method == "answercallbackquery":
            asker = self._queries.pop(str(params.raw.get("callback_query_id")), None)
            pressed = self._waiting.get(asker) if asker is not None else None
            if asker is not None and pressed is not None:
                pressed.answered = True
                self.answered.append(now - pressed.since)
                self._check(asker, pressed, now)
            return
        if method not in POSTING and method not in EDITING:
            return
        chat = int(params.raw["chat_id"])
        if method in POSTING:
            self.posts[chat] += 1
        else:
            self.edits[chat] += 1
        found = self._waiting.get(chat)
        if found is not None:
            if found.first is None:
                found.first = now
            self._check(chat, found, now)

    def _check(self, chat: int, waiting: _Waiting, now: float) -> None:
        enough = self.posts[chat] - waiting.posts_before >= waiting.posts
        enough = enough and self.edits[chat] - waiting.edits_before >= waiting.edits
        if enough and (waiting.query is None or waiting.answered) and not waiting.done.done():
            del self._waiting[chat]
            first = waiting.first if waiting.first is not None else now
            waiting.done.set_result(first - waiting.since)

    async def act(self, person: SandboxUser, step: Step) -> float:
        """Do the step; the seconds from the update being available to the person's first visible answer."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(
            time.perf_counter(),
            self.posts[person.id],
            step.posts,
            self.edits[person.id],
            step.edits,
            None,
            loop.create_future(),
        )
        self._waiting[person.id] = waiting
        if step.kind == "start":
            await person.start(str(step.value))
        elif step.kind == "text":
            await person.send(str(step.value))
        else:
            waiting.query = await person.press(step.value, person.last_with_buttons())
            self._queries[waiting.query] = person.id
        try:
            return await asyncio.wait_for(waiting.done, WAIT)
        except TimeoutError:
            raise Lost(f"no answer to {step.kind} within {WAIT}s") from None


def joining(code: str, locale: str, rng: random.Random, ideas: int) -> Iterator[Step]:
    """The real participant flow: open the link, pick the language, agree, pick a group, give ideas."""
    yield Step("start", code, 1)
    yield Step("press", native_name(locale), 1, 1)  # the question ticked, and the next one
    yield Step("press", 0, 1, 1)  # consent
    yield Step("press", rng.randrange(3), 1, 1)  # group: "you are taking part", with the question in one message
    for _ in range(ideas):
        yield Step("text", texts.idea(rng, locale), 1)


def chatting(locale: str, rng: random.Random, messages: int) -> Iterator[Step]:
    """What an echo bot can answer: the same number of texts, in the same languages."""
    for _ in range(messages):
        yield Step("text", texts.idea(rng, locale), 1)


Script = Callable[[random.Random, str], Iterator[Step]]


@dataclass
class Crowd:
    """People who come one after another, each running a script to its end."""

    standin: StandIn
    watch: Watch
    script: Script
    seed: int = 7
    people: list[SandboxUser] = field(default_factory=list)
    steps_done: Counter[str] = field(default_factory=Counter)  # answered steps, by kind
    expected_posts: Counter[int] = field(default_factory=Counter)
    _idle: deque[tuple[SandboxUser, Iterator[Step]]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def _someone(self) -> tuple[SandboxUser, Iterator[Step]]:
        return self._idle.popleft() if self._idle else self._newcomer()

    def _newcomer(self) -> tuple[SandboxUser, Iterator[Step]]:
        locale = texts.language(self.rng)
        person = add_person(self.standin, f"P{len(self.people)}", locale.split("_")[0])
        self.people.append(person)
        return person, self.script(random.Random(self.rng.random()), locale)

    async def one_step(self) -> float:
        """Someone free does their next step (a newcomer when everyone else is busy or done); its latency."""
        while True:
            person, steps = self._someone()
            step = next(steps, None)
            if step is not None:
                break
        latency = await self.do(person, step)
        self._idle.append((person, steps))
        return latency

    async def do(self, person: SandboxUser, step: Step) -> float:
        """One step by this person, counted with what it earns; its latency."""
        self.expected_posts[person.id] += step.posts
        latency = await self.watch.act(person, step)
        self.steps_done[step.kind] += 1
        return latency

    async def saturate(self, concurrency: int, seconds: float) -> float:
        """Keep `concurrency` people busy for about `seconds`; steps answered per second."""
        start = time.perf_counter()
        deadline = start + seconds
        answered = 0

        async def worker() -> None:
            nonlocal answered
            while time.perf_counter() < deadline:
                await self.one_step()
                answered += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return answered / (time.perf_counter() - start)

    async def finish(self, people: int, concurrency: int) -> list[SandboxUser]:
        """`people` newcomers each run their whole script, `concurrency` at a time; who they are."""
        done: list[SandboxUser] = []
        started = 0

        async def worker() -> None:
            nonlocal started
            while started < people:
                started += 1
                person, steps = self._newcomer()
                for step in steps:
                    await self.do(person, step)
                done.append(person)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done

    def doubled_or_lost(self) -> list[str]:
        """People who got more or fewer messages than their steps earn: must be none."""
        posts = self.watch.posts
        return [
            f"{person.person.first_name}: {posts[person.id]} messages for {self.expected_posts[person.id]}"
            for person in self.people
            if posts[person.id] != self.expected_posts[person.id]
        ]

    async def offer(self, rate: float, seconds: float) -> list[float]:
        """Open-loop load: a new step every 1/rate seconds, whether or not earlier ones were answered."""
        start = time.perf_counter()
        tasks: list[asyncio.Task[float]] = []
        for n in range(round(rate * seconds)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one_step()))
        return list(await asyncio.gather(*tasks))
