"""Simulated people: they send what a Telegram client would send and read what the bot says."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from bot.sandbox.server import StandIn
from bot.sandbox.world import ChatMessage, Group, Person, now

_user_ids = itertools.count(710_000_001)

# The smallest valid Ogg page header is enough to be a believable voice note.
VOICE_BYTES = b"OggS\x00\x02" + b"\x00" * 20
STICKER_BYTES = b"RIFF\x00\x00\x00\x00WEBPVP8 "
PHOTO_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


class NoReply(AssertionError):
    """The bot did not answer in time."""


class SandboxUser:
    """One person in a private chat with the bot."""

    def __init__(self, standin: StandIn, person: Person) -> None:
        self.standin = standin
        self.person = person
        self._read = 0

    @property
    def id(self) -> int:
        """The person's Telegram user id (known only to the stand-in and the bot)."""
        return self.person.id

    # ---- acting ---------------------------------------------------------------------------------

    async def send(self, text: str) -> ChatMessage:
        """Type and send a text message (commands get their bot_command entity, as in Telegram)."""
        entities = []
        if text.startswith("/"):
            command = text.split()[0] if text.split() else text
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command)})
        return await self._message(text=text, entities=entities)

    async def start(self, payload: str | None = None) -> ChatMessage:
        """Open the bot as a t.me link does: `/start`, with the link's payload if any."""
        return await self.send("/start" if payload is None else f"/start {payload}")

    async def voice(self, duration: int = 3, data: bytes = VOICE_BYTES) -> ChatMessage:
        """Record and send a voice note (`data`: the recording, OGG/Opus as Telegram's apps make it)."""
        stored = self.standin.world.store_file(data, "voice", "oga")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return await self._message(media={"voice": voice})

    async def sticker(self, emoji: str = "😀") -> ChatMessage:
        """Send a sticker."""
        stored = self.standin.world.store_file(STICKER_BYTES, "stickers", "webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._message(media={"sticker": sticker})

    async def photo(self, caption: str | None = None) -> ChatMessage:
        """Send a photo, with or without a caption."""
        stored = self.standin.world.store_file(PHOTO_BYTES, "photos", "jpg")
        size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "width": 90, "height": 90}
        return await self._message(caption=caption, media={"photo": [size]})

    async def location(self, latitude: float = 52.99, longitude: float = 6.56) -> ChatMessage:
        """Share a location."""
        return await self._message(media={"location": {"latitude": latitude, "longitude": longitude}})

    async def contact(self, phone: str = "+31600000000") -> ChatMessage:
        """Share a contact card."""
        return await self._message(media={"contact": {"phone_number": phone, "first_name": "Someone"}})

    async def document(self, name: str = "notes.pdf", data: bytes = b"%PDF-1.4") -> ChatMessage:
        """Send a file."""
        stored = self.standin.world.store_file(data, "documents", name.rsplit(".", 1)[-1])
        document = {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_name": name}
        return await self._message(media={"document": document})

    async def edit(self, message: ChatMessage, text: str) -> None:
        """Edit one of their own earlier text messages."""
        message.text, message.edit_date = text, now()
        self.standin.world.queue_update("edited_message", message.to_api())
        await self.standin.notify()

    async def press(self, label: str | int, message: ChatMessage | None = None) -> str:
        """Tap an inline button by its label (or its position) on a bot message (the latest by default)."""
        target = message or self.last_with_buttons()
        buttons = [button for row in target.buttons for button in row]
        if isinstance(label, int):
            button = buttons[label]
        else:
            matches = [b for b in buttons if b["text"] == label]
            if not matches:
                raise AssertionError(f"no button {label!r}; there are {[b['text'] for b in buttons]}")
            button = matches[0]
        return await self.press_data(str(button.get("callback_data", "")), target)

    async def press_data(self, data: str, message: ChatMessage | None = None) -> str:
        """Send a callback query with any data at all, as a forged or stale client could."""
        world = self.standin.world
        target = message or self.last_with_buttons()
        query_id = str(4_000_000_000 + world.next_id())
        world.callback_answers[query_id] = None
        query: dict[str, Any] = {
            "id": query_id,
            "from": self.person.to_api(),
            "message": target.to_api(),
            "chat_instance": str(self.person.id * 7),
            "data": data,
        }
        world.queue_update("callback_query", query)
        await self.standin.notify()
        return query_id

    async def add_bot_to_group(self, title: str = "Buurtgroep") -> int:
        """Create a group with this person in it and add the bot; returns the group's chat id."""
        world = self.standin.world
        group = Group(id=-(1_000_000 + world.next_id()), title=title)
        world.groups[group.id] = group
        bot = world.bot
        world.queue_update(
            "my_chat_member",
            {
                "chat": group.chat(),
                "from": self.person.to_api(),
                "date": now(),
                "old_chat_member": {"status": "left", "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            },
        )
        await self.standin.notify()
        return group.id

    def block(self) -> None:
        """Block the bot: from now on, sending to this person fails with 403."""
        self.person.blocked_bot = True

    async def _message(
        self,
        text: str | None = None,
        caption: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        media: dict[str, Any] | None = None,
    ) -> ChatMessage:
        world = self.standin.world
        message = ChatMessage(
            message_id=world.next_message_id(self.person.id),
            chat=self.person.chat(),
            sender=self.person.to_api(),
            date=now(),
            from_bot=False,
            text=text,
            caption=caption,
            entities=entities or [],
            media=media or {},
        )
        world.add_message(message)
        world.queue_update("message", message.to_api())
        await self.standin.notify()
        return message

    # ---- reading --------------------------------------------------------------------------------

    @property
    def inbox(self) -> list[ChatMessage]:
        """Everything the bot sent to this person, as it stands now (edits applied)."""
        return [m for m in self.standin.world.messages.get(self.person.id, []) if m.from_bot and not m.deleted]

    def last_with_buttons(self) -> ChatMessage:
        """The most recent bot message that has buttons."""
        for message in reversed(self.inbox):
            if message.buttons:
                return message
        raise AssertionError("the bot has sent no message with buttons")

    async def reply(self, timeout: float = 5.0) -> ChatMessage:
        """The next bot message this person has not read yet, waiting for it if needed."""

        try:
            await self.standin.wait_until(lambda: len(self.inbox) > self._read, timeout)
        except TimeoutError:
            raise NoReply(f"{self.person.first_name} got no new message within {timeout}s") from None
        self._read += 1
        return self.inbox[self._read - 1]

    async def replies(self, count: int, timeout: float = 5.0) -> list[ChatMessage]:
        """The next `count` unread bot messages."""
        return [await self.reply(timeout) for _ in range(count)]

    async def sees(self, what: Callable[[ChatMessage], bool], timeout: float = 5.0) -> ChatMessage:
        """The latest bot message that `what` holds for, waiting until there is one (whatever came before it)."""
        return await self._seen(lambda: next((m for m in reversed(self.inbox) if what(m)), None), timeout)

    async def sees_after(
        self, mark: ChatMessage, what: Callable[[ChatMessage], bool] = lambda _: True, timeout: float = 5.0
    ) -> ChatMessage:
        """The first bot message after `mark` (a message in this chat) that `what` holds for, waiting for one."""
        after = mark.message_id
        return await self._seen(
            lambda: next((m for m in self.inbox if m.message_id > after and what(m)), None), timeout
        )

    async def _seen(self, found: Callable[[], ChatMessage | None], timeout: float) -> ChatMessage:
        try:
            await self.standin.wait_until(lambda: found() is not None, timeout)
        except TimeoutError:
            raise NoReply(f"{self.person.first_name} did not see what was expected within {timeout}s") from None
        seen = found()
        assert seen is not None
        return seen

    def unread(self) -> list[ChatMessage]:
        """Bot messages not yet taken with `reply`."""
        return self.inbox[self._read :]

    async def answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """How the bot answered a button press (the toast or alert text)."""
        answers = self.standin.world.callback_answers
        try:
            await self.standin.wait_until(lambda: answers.get(query_id) is not None, timeout)
        except TimeoutError:
            raise NoReply(f"button press {query_id} was not answered within {timeout}s") from None
        answer = answers[query_id]
        assert answer is not None
        return answer


def add_person(
    standin: StandIn, first_name: str, language_code: str | None = None, username: str | None = None
) -> SandboxUser:
    """A new simulated person with a private chat."""
    person = Person(id=next(_user_ids), first_name=first_name, language_code=language_code, username=username)
    standin.world.people[person.id] = person
    return SandboxUser(standin, person)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
