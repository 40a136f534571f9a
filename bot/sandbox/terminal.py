"""A chat with the bot in a terminal: bot messages printed, buttons pressed by number, people switched."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.sandbox.people import SandboxUser, add_person
from bot.sandbox.server import StandIn
from bot.sandbox.world import ChatMessage

EXTENSIONS = {"photo": "jpg", "document": "bin", "voice": "ogg"}  # the files a bot message can carry

# A few simulated people with different Telegram app languages.
PEOPLE = (("Sanne", "nl"), ("Amal", "ar"), ("Olena", "uk"), ("Dawit", "ti"), ("Alex", "en"))

HELP = """\
Type a message or a command (like /start) and press Enter to send it as the current person.
  #N            press button N of the latest message with buttons
  @NAME         talk as someone else ({names}); @ alone lists everyone
  !voice [SEC]  send a voice note       !photo [CAPTION]  send a photo
  !sticker      send a sticker          !location         share a location
  !help         show this help          !quit             leave (Ctrl-D works too)"""


@dataclass(frozen=True)
class SandboxCommand:
    """A `!` command of the terminal's own that whoever starts the chat adds, such as `!crowd`."""

    usage: str  # as typed, e.g. "!crowd [CODE]"
    about: str  # what it does, for the help
    run: Callable[[str], Awaitable[None]]  # given the rest of the typed line


class TerminalChat:
    """Lets a person at a terminal act as several simulated Telegram users."""

    def __init__(self, standin: StandIn, out: TextIO = sys.stdout, files: Path | None = None) -> None:
        self.standin = standin
        self.out = out
        self.files = files  # where every picture, document and voice note the bot sends is saved, to look at
        self._pressed: dict[str, SandboxUser] = {}  # button presses whose toast or alert is still to show
        self.people = [add_person(standin, name, code) for name, code in PEOPLE]
        self.current = self.people[0]
        self._seen: set[tuple[int, int]] = set()
        self._edits: dict[tuple[int, int], int] = {}
        self.commands: dict[str, SandboxCommand] = {}  # by name, as after the "!"

    def say(self, text: str) -> None:
        """Print a line for the person at the terminal."""
        print(text, file=self.out, flush=True)

    def help(self) -> None:
        """Print what can be typed, with the commands added to this chat."""
        self.say(HELP.format(names=", ".join(p.person.first_name for p in self.people)))
        for command in self.commands.values():
            self.say(f"  {command.usage:<13} {command.about}")

    async def run(self, lines: AsyncIterator[str]) -> None:
        """Read commands until `!quit` or end of input, printing the bot's messages as they come."""
        self.help()
        self._introduce()
        watcher = asyncio.create_task(self._watch())
        try:
            async for line in lines:
                if not await self.handle(line.rstrip("\r\n")):
                    break
                await asyncio.sleep(0)
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)

    async def handle(self, line: str) -> bool:
        """Carry out one typed line; False when the person wants to leave."""
        text = line.strip()
        if not text:
            return True
        if text in ("!quit", "!exit"):
            return False
        if text == "!help":
            self.help()
        elif text.startswith("@"):
            self._switch(text[1:].strip())
        elif text.startswith("#") and text[1:].strip().isdigit():
            await self._press(int(text[1:].strip()))
        elif text.startswith("!"):
            await self._bang(*(text[1:].split(maxsplit=1) or [""]))
        else:
            await self.current.send(line)
        return True

    def _introduce(self) -> None:
        person = self.current.person
        self.say(f"-- you are {person.first_name} (Telegram app language: {person.language_code})")

    def _switch(self, name: str) -> None:
        if not name:
            for user in self.people:
                marker = "*" if user is self.current else " "
                self.say(f" {marker} @{user.person.first_name} ({user.person.language_code})")
            return
        matches = [u for u in self.people if u.person.first_name.lower().startswith(name.lower())]
        if not matches:
            self.say(f"-- nobody called {name!r}; type @ to list everyone")
            return
        self.current = matches[0]
        self._introduce()

    async def _press(self, number: int) -> None:
        try:
            message = self.current.last_with_buttons()
        except AssertionError:
            self.say("-- there is no message with buttons to press")
            return
        labels = message.button_labels()
        if not 1 <= number <= len(labels):
            self.say(f"-- choose a button between 1 and {len(labels)}")
            return
        self._pressed[await self.current.press(number - 1, message)] = self.current

    async def _bang(self, name: str, rest: str = "") -> None:
        """A `!` line: a command added to this chat, or something to send that is not text."""
        command = self.commands.get(name.lower())
        if command is not None:
            await command.run(rest)
        else:
            await self._media(name.lower(), rest)

    async def _media(self, kind: str, rest: str) -> None:
        user: SandboxUser = self.current
        if kind == "voice":
            await user.voice(int(rest) if rest.isdigit() else 3)
        elif kind == "photo":
            await user.photo(rest or None)
        elif kind == "sticker":
            await user.sticker()
        elif kind == "location":
            await user.location()
        else:
            self.say(f"-- unknown !{kind}; type !help")

    async def _watch(self) -> None:
        while True:
            async with self.standin.changed:
                await self.standin.changed.wait()
            self.show_new()

    def show_new(self) -> None:
        """Print bot messages (and edits) not shown yet, and the toasts and alerts that answered a press."""
        answers = self.standin.world.callback_answers
        for query, user in list(self._pressed.items()):
            answer = answers.get(query)
            if answer is not None:
                del self._pressed[query]
                if answer.get("text"):
                    kind = "alert" if answer.get("show_alert") else "toast"
                    self.say(f"[{kind} → {user.person.first_name}] {answer['text']}")
        for user in self.people:
            for message in user.inbox:
                key = (message.chat_id, message.message_id)
                if key not in self._seen:
                    self._seen.add(key)
                    self._edits[key] = message.edits
                    self._print(user, message, edited=False)
                elif self._edits[key] != message.edits:
                    self._edits[key] = message.edits
                    self._print(user, message, edited=True)

    def _saved(self, message: ChatMessage, kind: str) -> str:
        """Save the message's file of this kind (if any) and say where it is; voice notes say their length."""
        found = _file_of(message, kind)
        if found is None:
            return ""
        file_id, name = found
        stored = self.standin.world.files.get(file_id)
        seconds = message.media["voice"].get("duration") if kind == "voice" else None
        label = f"{seconds} s" if seconds is not None else name
        if self.files is None or stored is None:
            return label
        if stored.data.startswith(b"\x89PNG"):  # the QR code and charts are PNG pictures
            name = name.rsplit(".", 1)[0] + ".png"
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / f"{message.chat_id}-{message.message_id}-{name}"
        path.write_bytes(stored.data)
        return f"{label} → {path}"

    def _print(self, user: SandboxUser, message: ChatMessage, edited: bool) -> None:
        note = " (edited)" if edited else ""
        text, buttons = printed(message, self._saved)
        self.say(f"[bot → {user.person.first_name}]{note} {text}")
        if buttons:
            self.say("    " + buttons)


def printed(message: ChatMessage, saved: Callable[[ChatMessage, str], str]) -> tuple[str, str]:
    """A bot message as the chat prints it: its text or caption after "[kind note] " for each file it carries (the
    note from `saved`, perhaps empty), and its buttons numbered on one line ("" when it has none)."""
    media = "".join(
        f"[{' '.join(filter(None, (kind, saved(message, kind))))}] " for kind in EXTENSIONS if _file_of(message, kind)
    )
    buttons = "  ".join(f"[{i}] {label}" for i, label in enumerate(message.button_labels(), 1))
    return media + message.content(), buttons


def _file_of(message: ChatMessage, kind: str) -> tuple[str, str] | None:
    """(file id, a name for it) of the picture, document or voice note in a message, if it has one."""
    found = message.media.get(kind)
    if isinstance(found, list) and found:  # a photo comes in sizes: the largest is the last
        found = found[-1]
    if not isinstance(found, dict) or "file_id" not in found:
        return None
    name = str(found.get("file_name") or f"{kind}.{ {'photo': 'jpg', 'voice': 'ogg'}.get(kind, 'bin') }")
    return str(found["file_id"]), name


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed at the terminal (or piped in), without blocking the event loop."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        raw = await reader.readline()
        if not raw:
            return
        yield raw.decode("utf-8", errors="replace")
