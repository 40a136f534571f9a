"""Where commands and buttons go: each declared once, with who may use it; a second claim on a command or a
button prefix is refused when the bot starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.domain import ButtonError, ButtonKind

Handler = Callable[..., None]


class Access(StrEnum):
    """Who may use a command or button, and what the handler is given besides the step."""

    ANYONE = "anyone"  # handler(step, **fields)
    COORDINATOR = "coordinator"  # handler(step, coordinator, **fields)
    ADMIN = "admin"  # handler(step, coordinator, **fields)
    SESSION = "session"  # handler(step, coordinator, active session, **fields)
    POOL = "pool"  # handler(step, coordinator, pool, **fields): the `pool` field must be one of theirs


@dataclass(frozen=True)
class Route:
    """A command or a kind of button, and what handles it."""

    handler: Handler
    access: Access
    kind: ButtonKind | None = None


COMMANDS: dict[str, Route] = {}
BUTTONS: dict[str, Route] = {}


def command(name: str, access: Access = Access.ANYONE) -> Callable[[Handler], Handler]:
    """Register the handler of a command."""

    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise ButtonError(f"/{name} is handled twice")
        COMMANDS[name] = Route(handler, access)
        return handler

    return register


def button(kind: ButtonKind, access: Access = Access.ANYONE) -> Callable[[Handler], Handler]:
    """Register the handler of a kind of button; its prefix must be its own."""

    def register(handler: Handler) -> Handler:
        claim(kind, Route(handler, access, kind))
        return handler

    return register


def claim(kind: ButtonKind, route: Route, registry: dict[str, Route] = BUTTONS) -> None:
    """Give a button prefix to one kind; a second kind with the same prefix is refused."""
    if kind.prefix in registry:
        raise ButtonError(f"two kinds of button share the prefix {kind.prefix!r}")
    registry[kind.prefix] = route


def route_of(data: str, registry: dict[str, Route] = BUTTONS) -> tuple[Route, dict[str, Any]] | None:
    """The kind of button some callback data is, with its values; None when it is none of ours or malformed."""
    parts = data.split(":")
    for prefix in (":".join(parts[:2]), parts[0]):
        found = registry.get(prefix)
        if found is not None and found.kind is not None:
            values = found.kind.unpack(data)
            return (found, values) if values is not None else None
    return None
