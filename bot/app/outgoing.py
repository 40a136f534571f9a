"""What the bot says, journaled as data: message references and what files to make, encoded as JSON for the
outbox, and the Telegram-free messages they become when delivered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain import Button, Msg, Reply, Spoken, Text, Verbatim

Keyboard = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, callback data)
TEXT_LIMIT = 4096  # the most characters Telegram takes in one message


def pieces(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """A long text as messages that each fit, cut between lines (a line longer than a message is cut where it
    must); every piece keeps the direction mark the text starts with."""
    mark = text[0] if text[:1] in ("\u200f", "\u200e") else ""
    room = limit - len(mark)
    lines: list[str] = []
    for line in text.split("\n"):
        while len(line) > room:
            lines.append(line[:room])
            line = line[room:]
        lines.append(line)
    found: list[str] = []
    current: str | None = None
    for line in lines:
        if current is None:
            current = line
        elif len(current) + 1 + len(line) <= room:
            current += "\n" + line
        else:
            found.append(current)
            current = line
    found.append(current or "")
    return [piece if piece.startswith(mark) else mark + piece for piece in found if piece.strip()]


@dataclass(frozen=True)
class SendText:
    """A text message, with buttons."""

    chat: int
    text: str
    keyboard: Keyboard = ()
    slot: str | None = None  # its buttons replace the ones of the person's last message in this slot


@dataclass(frozen=True)
class EditText:
    """A message the bot sent, changed: new text and buttons (text None: only the buttons change)."""

    chat: int
    message: int
    text: str | None
    keyboard: Keyboard = ()
    optional: bool = False  # e.g. a progress count: nothing is lost when it cannot be changed


@dataclass(frozen=True)
class SendPhoto:
    """A picture (a QR code, a chart), with a caption."""

    chat: int
    data: bytes
    caption: str | None = None


@dataclass(frozen=True)
class SendDocument:
    """A file (an export, a person's own data)."""

    chat: int
    data: bytes
    filename: str


@dataclass(frozen=True)
class SendVoice:
    """A voice note Telegram already holds (to listen to before writing it down), or one the bot uploads (`data`,
    OGG/Opus: a recording of one of its own prompts)."""

    chat: int
    file_id: str | None = None
    data: bytes | None = None
    optional: bool = False  # a recording that follows its text: nothing is lost when it cannot be sent


Outgoing = SendText | EditText | SendPhoto | SendDocument | SendVoice


# ---- message references as JSON ---------------------------------------------------------------------


def encode_text(text: Text) -> dict[str, Any]:
    """A message reference as JSON (placeholders may hold other references)."""
    if isinstance(text, Verbatim):
        return {"v": text.text}
    data: dict[str, Any] = {"c": text.context, "m": text.msgid}
    if text.params:
        data["p"] = {key: _encode_value(value) for key, value in text.params.items()}
    if text.plural is not None:
        data["pl"] = text.plural
    if text.count is not None:
        data["n"] = text.count
    return data


def _encode_value(value: object) -> object:
    if isinstance(value, Msg | Verbatim):
        return {"t": encode_text(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a message placeholder holds {type(value).__name__}; only text, numbers and messages journal")


def decode_text(data: Mapping[str, Any]) -> Text:
    """A message reference read back from JSON."""
    if "v" in data:
        return Verbatim(str(data["v"]))
    params = {key: _decode_value(value) for key, value in dict(data.get("p", {})).items()}
    return Msg(str(data["c"]), str(data["m"]), params, data.get("pl"), data.get("n"))


def _decode_value(value: object) -> object:
    if isinstance(value, dict) and "t" in value:
        return decode_text(value["t"])
    return value


def encode_buttons(rows: tuple[tuple[Button, ...], ...]) -> list[list[dict[str, Any]]]:
    """Rows of buttons as JSON."""
    return [
        [{"l": encode_text(b.label), "d": b.action, **({"b": b.badge} if b.badge else {})} for b in row] for row in rows
    ]


def decode_buttons(rows: list[list[dict[str, Any]]]) -> tuple[tuple[Button, ...], ...]:
    """Rows of buttons read back from JSON."""
    return tuple(tuple(Button(decode_text(b["l"]), str(b["d"]), str(b.get("b", ""))) for b in row) for row in rows)


def encode_reply(reply: Reply) -> dict[str, Any]:
    """A message with its buttons as JSON."""
    data: dict[str, Any] = {"text": encode_text(reply.text)}
    if reply.buttons:
        data["buttons"] = encode_buttons(reply.buttons)
    if reply.slot:
        data["slot"] = reply.slot
    if reply.spoken:
        data["spoken"] = [reply.spoken.session, reply.spoken.subject]
    if reply.runs_on:
        data["runs_on"] = True
    return data


def decode_reply(data: Mapping[str, Any]) -> Reply:
    """A message with its buttons read back from JSON."""
    spoken = data.get("spoken")
    return Reply(
        decode_text(data["text"]),
        decode_buttons(data.get("buttons", [])),
        data.get("slot"),
        Spoken(int(spoken[0]), str(spoken[1])) if spoken else None,
        bool(data.get("runs_on")),
    )
