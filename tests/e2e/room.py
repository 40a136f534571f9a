"""A whole session as a room of people lives it, for tests where the network fails or the bot is killed: each
person acts on what they see (not on what they expect next), waits as long as a person would, and the room keeps
count of what everyone was told."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from bot.app import coord_texts as say
from bot.app.results import FOR_YOU
from bot.domain import DEFAULT_GROUPS, Msg
from bot.i18n import Catalogs, native_name
from bot.sandbox import ChatMessage, SandboxUser, StandIn, add_person

PATIENCE = 90.0  # seconds a person waits for the bot before the test calls it lost


def flow(catalogs: Catalogs, locale: str, context: str, source: str) -> str:
    """A flow's own text or button label, as the person sees it."""
    return catalogs.get(locale).text(Msg(context, source))


@dataclass
class Member:
    """One person in the room: their language, group and the ideas they mean to give."""

    user: SandboxUser
    language: str
    group: str
    ideas: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)  # ideas whose receipt they saw
    voted: bool = False


def _holds(text: str, message: ChatMessage) -> bool:
    return text in message.content()


def _gone(label: str, message: ChatMessage) -> bool:
    return label not in message.button_labels()


def crowd(
    standin: StandIn, people: int, ideas: int, languages: tuple[str, ...], groups: tuple[str, ...]
) -> list[Member]:
    """`people` members named P000…, their languages and groups taken in turn, each with `ideas` ideas to give."""
    made = []
    for n in range(people):
        language = languages[n % len(languages)]
        name = f"P{n:03d}"
        made.append(
            Member(
                add_person(standin, name, language),
                language,
                groups[n % len(groups)],
                [f"{name} idee {i}" for i in range(ideas)],
            )
        )
    return made


@dataclass
class Room:
    """Drives a session through the stand-in, robustly, and remembers what each person saw."""

    standin: StandIn
    catalogs: Catalogs
    code: str
    title: str
    coordinator: SandboxUser
    themes: tuple[str, ...]

    def label(self, member: Member, context: str, source: str) -> str:
        return flow(self.catalogs, member.language, context, source)

    async def join(self, member: Member) -> None:
        """Open the link, choose the language, agree, choose the group; until the question is there."""
        user = member.user
        await user.start(self.code)
        language = native_name(member.language)
        picker = await user.sees(lambda m: language in m.button_labels(), PATIENCE)
        await user.press(language, picker)
        agree = self.label(member, "intake.consent.options.agree", "Yes, I agree")
        consent = await user.sees(lambda m: agree in m.button_labels(), PATIENCE)
        await user.press(agree, consent)
        group = self.catalogs.get(member.language).text(DEFAULT_GROUPS[member.group])
        asked = await user.sees(lambda m: group in m.button_labels(), PATIENCE)
        await user.press(group, asked)
        done = self.label(member, "ideas.ask.collect.done", "Done")
        await user.sees(lambda m: done in m.button_labels(), PATIENCE)

    async def give_ideas(self, member: Member) -> None:
        """Each idea, then its receipt."""
        for idea in member.ideas:
            await member.user.send(idea)
            await member.user.sees(partial(_holds, idea), PATIENCE)
            member.confirmed.append(idea)

    async def vote(self, member: Member, order: tuple[str, ...]) -> None:
        """Tap three themes on the ballot, one after another as the ballot shows them, then confirm."""
        user = member.user
        ballot = await user.sees(lambda m: all(t in m.button_labels() for t in self.themes), PATIENCE)
        for theme in order:
            await user.press(theme, ballot)
            await self.standin.wait_until(partial(_gone, theme, ballot), PATIENCE)
        confirm = self.label(member, "prioritise_ranking.top.rank.confirm", "Confirm")
        await self.standin.wait_until(lambda: confirm in ballot.button_labels(), PATIENCE)
        await user.press(confirm, ballot)
        thanks = self.label(
            member,
            "prioritise_ranking.thanks.say",
            "Thank you! Your choice is saved. You can change it until voting closes: send /vote.",
        )
        await user.sees(lambda m: thanks in m.content(), PATIENCE)
        member.voted = True

    async def results_reached(self, member: Member) -> ChatMessage:
        """The results of the closed session, in the person's language."""
        opening = self.catalogs.get(member.language).text(FOR_YOU.with_params(title=self.title)).split("\n")[0]
        return await member.user.sees(lambda m: opening in m.content(), PATIENCE)

    # ---- the coordinator --------------------------------------------------------------------------

    def _nl(self, message: Msg) -> str:
        return self.catalogs.get("nl").text(message)

    def _newest(self) -> int:
        inbox = self.coordinator.inbox
        return inbox[-1].message_id if inbox else 0

    async def next_phase(self) -> None:
        """/phase, move on, confirm: until the message says the session moved."""
        coordinator = self.coordinator
        after = self._newest()
        await coordinator.send("/phase")
        offer = await coordinator.sees(lambda m: m.message_id > after and bool(m.buttons), PATIENCE)
        await coordinator.press(0, offer)
        yes = self._nl(say.CONFIRM)
        await self.standin.wait_until(lambda: yes in offer.button_labels(), PATIENCE)
        await coordinator.press(yes, offer)
        await self.standin.wait_until(lambda: not offer.buttons, PATIENCE)

    async def broadcast(self, text: str, members: list[Member]) -> None:
        """/broadcast, the message, no translations, send: until everyone has it."""
        coordinator = self.coordinator
        after = self._newest()
        await coordinator.send("/broadcast")
        await coordinator.sees(lambda m: m.message_id > after and not m.buttons, PATIENCE)
        await coordinator.send(text)
        skip = flow(self.catalogs, "nl", "translate.text.text.skip", "Skip")
        send = self._nl(say.SEND)
        skipped: set[str] = set()
        while True:  # one question per language present; a question seen twice is skipped once
            asked = await coordinator.sees(
                lambda m: (skip in m.button_labels() and m.content() not in skipped) or send in m.button_labels(),
                PATIENCE,
            )
            if send in asked.button_labels():
                await coordinator.press(send, asked)
                break
            skipped.add(asked.content())
            await coordinator.press(skip, asked)
        for member in members:
            await member.user.sees(lambda m: text in m.content(), PATIENCE)


def doubles(user: SandboxUser) -> int:
    """Messages a person got more than once (the same text twice in a row)."""
    texts = [m.content() for m in user.inbox]
    return sum(1 for a, b in itertools.pairwise(texts) if a == b and a)


def told(user: SandboxUser) -> Counter[str]:
    """How often each text reached the person."""
    return Counter(m.content() for m in user.inbox)
