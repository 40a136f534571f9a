"""Conversations as the guide prints them: who typed what, and the bot's messages as the sandbox chat shows them."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.i18n.bidi import unmarked
from bot.sandbox import ChatMessage, SandboxUser, StandIn
from bot.sandbox.terminal import printed
from tests.store import delivered

WIDTH = 112  # the guide's transcripts wrap at this column (a row of buttons only between two buttons)


class Clock:
    """The bot's clock, standing still so that every date and time in a transcript is the same on each run; a scene
    moves it on where the bot has to see time pass (a report waiting for its tally, a check-in falling due)."""

    def __init__(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Line:
    """One turn: what a person typed, or a bot message (or the change to one) with its buttons."""

    speaker: str
    text: str
    buttons: str = ""


@dataclass
class Transcript:
    """One conversation of the guide, as it was recorded."""

    lines: list[Line] = field(default_factory=list)

    def text(self, fixed: Mapping[str, str]) -> str:
        """As the guide prints it: names padded, every further line aligned under the first, each random code or
        token (a key of `fixed`) printed as its fixed stand-in."""
        indent = max(len(line.speaker) for line in self.lines) + 2
        width = WIDTH - indent
        out: list[str] = []
        for line in self.lines:
            lead = f"{line.speaker}:".ljust(indent)
            rows = [
                piece
                for part in _fixed(line.text, fixed).split("\n")
                for piece in textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False) or [""]
            ]
            if line.buttons:
                rows += _packed(re.split(r"  (?=\[\d+\] )", _fixed(line.buttons, fixed)), width)
            for row in rows:
                out.append((lead + row).rstrip())
                lead = " " * indent
        return "\n".join(out) + "\n"


class Recorder:
    """Records the chats of a scene against a running bot: waits until the bot is done after each step, so that
    what it said is all there, and keeps the random codes and tokens to print as fixed ones."""

    def __init__(self, standin: StandIn, db: Path, clock: Clock) -> None:
        self.standin = standin
        self.db = db
        self.clock = clock
        self.transcripts: dict[str, Transcript] = {}
        self.fixed: dict[str, str] = {}  # a random code or token → what the guide prints instead

    def chat(self, user: SandboxUser, name: str, transcript: str) -> Chat:
        """A person's private chat with the bot, recorded under `name` from now on into the named transcript."""
        chat = Chat(self, self.transcripts.setdefault(transcript, Transcript()), user, name)
        chat.skip()
        return chat

    def print_as(self, secret: str, shown: str) -> None:
        """Print a random code or token as `shown`, so that the transcript is the same on every run."""
        self.fixed[secret] = shown

    async def quiet(self, timeout: float = 10.0) -> None:
        """Wait until the bot has handled every update and has sent everything due by its clock."""
        world = self.standin.world
        # An update is confirmed, so handled, with the bot's next getUpdates, which the stand-in tells its waiters.
        await self.standin.wait_until(lambda: not world.updates, timeout)
        await delivered(self.db, self.clock, timeout)

    async def at(self, moment: datetime) -> None:
        """Set the bot's clock, and wait until it has sent what fell due by then."""
        self.clock.now = moment
        await self.quiet()

    async def later(self, seconds: float) -> None:
        """Let time pass on the bot's clock, and wait until it has sent what fell due meanwhile."""
        await self.quiet()
        await self.at(self.clock.now + timedelta(seconds=seconds))

    def texts(self) -> dict[str, str]:
        """Every transcript, as the guide prints it."""
        return {name: transcript.text(self.fixed) for name, transcript in self.transcripts.items()}


class Chat:
    """One person's chat, recorded: what they type, and each bot message (or change to one) that follows."""

    def __init__(self, recorder: Recorder, transcript: Transcript, user: SandboxUser, name: str) -> None:
        self.recorder = recorder
        self.transcript = transcript
        self.user = user
        self.name = name
        self._shown: dict[int, tuple[str, str]] = {}  # message id → (text, buttons) as last recorded

    async def send(self, text: str) -> None:
        """Type and send a message, then record what the bot answers."""
        self.transcript.lines.append(Line(self.name, text))
        await self.user.send(text)
        await self.settle()

    async def voice(self, seconds: int) -> None:
        """Record and send a voice message (or forward one), then record what the bot answers."""
        self.transcript.lines.append(Line(self.name, f"[voice {seconds} s]"))
        await self.user.voice(duration=seconds)
        await self.settle()

    async def tap(self, label: str | int, message: ChatMessage | None = None) -> None:
        """Tap a button by its label as it reads (direction marks aside) or by its place, then record what the bot
        answers. The guide shows what the tap brings, not the tap."""
        target = message or self.user.last_with_buttons()
        if isinstance(label, str):
            label = next((shown for shown in target.button_labels() if unmarked(shown) == label), label)
        await self.user.press(label, target)
        await self.settle()

    async def settle(self) -> None:
        """Wait until the bot is done, then record its new messages and its changes to earlier ones."""
        await self.recorder.quiet()
        self.record()

    def record(self) -> None:
        """Record the bot messages, and the changes to them, that are not in the transcript yet.

        A change that only adds to the text (the choice a tap made, under the question) is printed as what it
        adds; one that only takes the buttons away is not printed: the next message shows that the tap was taken."""
        for message in self.user.inbox:
            text, buttons = printed(message, _file_note)
            before = self._shown.get(message.message_id)
            self._shown[message.message_id] = (text, buttons)
            if before is None:
                self.transcript.lines.append(Line("Bot", text, buttons))
            elif text != before[0]:
                added = text.removeprefix(before[0])
                shown = f"… {added.lstrip()}" if added != text else text
                self.transcript.lines.append(Line("Bot", f"(edited) {shown}", buttons))

    def skip(self) -> None:
        """Leave what the chat holds now out of the transcript (the setting up of a scene)."""
        self._shown.update((m.message_id, printed(m, _file_note)) for m in self.user.inbox)


def _file_note(message: ChatMessage, kind: str) -> str:
    """What the guide prints beside a file: a document's name, a voice note's length; a picture needs nothing."""
    if kind == "document":
        return str(message.media["document"].get("file_name", ""))
    seconds = message.media["voice"].get("duration") if kind == "voice" else None
    return f"{seconds} s" if seconds else ""


def _fixed(text: str, fixed: Mapping[str, str]) -> str:
    for secret in sorted(fixed, key=len, reverse=True):
        text = text.replace(secret, fixed[secret])
    return unmarked(text)  # direction marks are invisible: in a Markdown file they would only confuse


def _packed(buttons: list[str], width: int) -> list[str]:
    """Buttons on as few rows as fit the width, never one split over two rows."""
    rows: list[str] = []
    for button in buttons:
        if rows and len(rows[-1]) + 2 + len(button) <= width:
            rows[-1] += "  " + button
        else:
            rows.append(button)
    return rows
