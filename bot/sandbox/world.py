"""What the stand-in remembers: people, chats, messages, files and the update queue."""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Person:
    """A simulated Telegram user with a private chat whose id equals theirs."""

    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None
    blocked_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat(self) -> dict[str, Any]:
        """The private Chat object."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class Group:
    """A simulated group chat the bot can be added to."""

    id: int
    title: str

    def chat(self) -> dict[str, Any]:
        """The group Chat object."""
        return {"id": self.id, "type": "group", "title": self.title}


@dataclass
class StoredFile:
    """A file known to the stand-in, whoever uploaded it."""

    file_id: str
    unique_id: str
    data: bytes
    path: str

    def to_api(self) -> dict[str, Any]:
        """The File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.unique_id,
            "file_size": len(self.data),
            "file_path": self.path,
        }


@dataclass
class ChatMessage:
    """A message in a chat as it stands now (edits applied)."""

    message_id: int
    chat: dict[str, Any]
    sender: dict[str, Any]
    date: int
    from_bot: bool
    text: str | None = None
    caption: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    media: dict[str, Any] = field(default_factory=dict)
    edit_date: int | None = None
    edits: int = 0
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        """The chat this message is in."""
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard's rows of buttons (empty when there are none)."""
        if not self.reply_markup:
            return []
        rows: list[list[dict[str, Any]]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    def button_labels(self) -> list[str]:
        """Every button's label, in reading order."""
        return [button["text"] for row in self.buttons for button in row]

    def content(self) -> str:
        """The text or caption."""
        return self.text if self.text is not None else (self.caption or "")

    def to_api(self) -> dict[str, Any]:
        """The Message object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.text is not None:
            message["text"] = self.text
        if self.caption is not None:
            message["caption"] = self.caption
        if self.entities:
            message["caption_entities" if self.text is None else "entities"] = self.entities
        message.update(self.media)
        if self.reply_markup and self.buttons:
            message["reply_markup"] = self.reply_markup
        return message


@dataclass
class World:
    """Everything the stand-in holds; mutated only by the server and the simulated people."""

    bot: dict[str, Any]
    first_update_id: int = 100_000
    people: dict[int, Person] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    messages: dict[int, list[ChatMessage]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    updates_seen: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=10_000))
    callback_answers: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    confirmed_through: int = 0
    _update_ids: Iterator[int] = field(init=False)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(self.first_update_id)
        self.confirmed_through = self.first_update_id - 1

    def restart_update_ids(self, first: int) -> None:
        """Number new updates from `first` on."""
        self._update_ids = itertools.count(first)

    def next_id(self) -> int:
        """A fresh number for callback queries, files and the like."""
        return next(self._ids)

    def queue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Put an update in the queue for the bot's next getUpdates."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.updates_seen.append(update)
        return update

    def chat_of(self, chat_id: int) -> dict[str, Any] | None:
        """The Chat object for an id, if such a chat exists."""
        if chat_id in self.people:
            return self.people[chat_id].chat()
        if chat_id in self.groups:
            return self.groups[chat_id].chat()
        return None

    def add_message(self, message: ChatMessage) -> ChatMessage:
        """Store a message in its chat."""
        self.messages.setdefault(message.chat_id, []).append(message)
        return message

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, shared by both sides, as in a private chat."""
        existing = self.messages.get(chat_id, [])
        return existing[-1].message_id + 1 if existing else 1

    def find_message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        """A message that still exists."""
        for message in self.messages.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def store_file(self, data: bytes, folder: str, extension: str) -> StoredFile:
        """Keep file bytes and give them ids and a download path."""
        number = self.next_id()
        stored = StoredFile(
            file_id=f"BQACAgIAAx{number:08d}sandbox",
            unique_id=f"AgAD{number:06d}",
            data=data,
            path=f"{folder}/file_{number}.{extension}",
        )
        self.files[stored.file_id] = stored
        return stored


def now() -> int:
    """Unix time, as Telegram's `date` fields carry it."""
    return int(time.time())
