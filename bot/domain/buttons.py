"""Buttons as declared types: a prefix and typed fields, packed into Telegram's callback data and read back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_DATA = 64  # bytes of callback data Telegram accepts
_WORD = re.compile(r"^[A-Za-z0-9_.\-]+$")


class ButtonError(ValueError):
    """A button that cannot be built: a value of the wrong kind, or data over Telegram's 64 bytes."""


@dataclass(frozen=True)
class ButtonKind:
    """One kind of button: `prefix:field:field...`. Fields are ints or words ([A-Za-z0-9_.-]); the last may be
    `rest`, a word that may itself hold colons (a flow's own button data)."""

    prefix: str
    fields: tuple[tuple[str, type[int] | type[str]], ...] = ()
    rest: str | None = None

    def __post_init__(self) -> None:
        if not all(_WORD.match(part) for part in self.prefix.split(":")):
            raise ButtonError(f"a button prefix is words separated by colons, not {self.prefix!r}")

    def pack(self, **values: Any) -> str:
        """The callback data for these values; refused when a value does not fit or the data is too long."""
        names = [name for name, _ in self.fields] + ([self.rest] if self.rest else [])
        if sorted(values) != sorted(names):
            raise ButtonError(f"button {self.prefix!r} takes {names}, got {sorted(values)}")
        parts = [self.prefix]
        for name, kind in self.fields:
            parts.append(_field(self.prefix, name, kind, values[name]))
        if self.rest:
            rest = str(values[self.rest])
            if not rest or not all(_WORD.match(part) for part in rest.split(":")):
                raise ButtonError(f"button {self.prefix!r}: {self.rest}={rest!r} is not words and colons")
            parts.append(rest)
        data = ":".join(parts)
        if len(data.encode("utf-8")) > MAX_DATA:
            raise ButtonError(f"button {self.prefix!r} packs to {len(data.encode())} bytes, over Telegram's {MAX_DATA}")
        return data

    def unpack(self, data: str) -> dict[str, Any] | None:
        """The values packed in callback data of this kind, or None when the data is not (well-formed) of it."""
        if not data.startswith(self.prefix + ":") and data != self.prefix:
            return None
        tail = data[len(self.prefix) + 1 :] if data != self.prefix else ""
        parts = tail.split(":", len(self.fields)) if tail else []
        expected = len(self.fields) + (1 if self.rest else 0)
        if len(parts) != expected or (not self.rest and ":" in (parts[-1] if parts else "")):
            return None
        values: dict[str, Any] = {}
        for (name, kind), part in zip(self.fields, parts, strict=False):
            if kind is int:
                if not part.isdigit() or not part.isascii():
                    return None
                values[name] = int(part)
            elif _WORD.match(part):
                values[name] = part
            else:
                return None
        if self.rest:
            values[self.rest] = parts[-1]
        return values


def _field(prefix: str, name: str, kind: type[int] | type[str], value: Any) -> str:
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ButtonError(f"button {prefix!r}: {name} must be a whole number, not {value!r}")
        return str(value)
    text = str(value)
    if not _WORD.match(text):
        raise ButtonError(f"button {prefix!r}: {name}={text!r} is not a word of [A-Za-z0-9_.-]")
    return text
