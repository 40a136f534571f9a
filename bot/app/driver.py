"""One driver for every update: route it (a command, a button, or a message for one of the person's runs), take
the step, and write the step, its dedupe key and everything it says in one transaction, one trip to the store."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

# Every feature registers its commands, buttons, runs and finishers when imported.
from bot.app import (  # noqa: F401
    agenda,
    content,
    coordinating,
    participation,
    peers,
    pool_admin,
    pools,
    privacy,
    recording,
    report_page,
    results,
    room,
    sorting,
    start,
    texts,
    welcome,
    wizard,
)
from bot.app.authority import active_session, coordinator_of, is_admin, refuse, tag
from bot.app.conversations import FLOW_BUTTON, drive, message_target
from bot.app.dispatch import BUTTONS, COMMANDS, Access, Route, button, route_of
from bot.app.incoming import Incoming, Sender
from bot.app.services import Services
from bot.app.step import Handled, Step
from bot.conversation import Press
from bot.domain import ButtonError
from bot.storage import Conn, people, runs, updates
from bot.storage import pools as pool_store

log = logging.getLogger(__name__)


class Driver:
    """Turns each update into one step in one transaction."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    async def handle(self, incoming: Incoming) -> Handled:
        """Handle one update, once: a redelivered update changes nothing and says nothing again."""
        return await self.svc.db.write(partial(self.step, incoming))

    def step(self, incoming: Incoming, conn: Conn) -> Handled:
        """The whole step, inside the write transaction."""
        if not updates.claim(conn, incoming.key):
            return Handled(incoming.chat_id, incoming.press)
        step = Step(self.svc, conn, incoming)
        if incoming.private and incoming.sender is not None:  # writing to the bot means it is not blocked (any more)
            people.returned(conn, incoming.sender.telegram_id, step.now)
        _dispatch(step)
        return step.finish()

    async def set_aside(self, aside: SetAside) -> Handled:
        """Keep an update that cannot be handled (its id and why, never its content); when it came from a private
        chat, the person is told, in turn with what else they were told, to try again."""
        return await self.svc.db.write(partial(_set_aside, self.svc, aside))


@dataclass(frozen=True)
class SetAside:
    """An update set aside: its id, which fields it had, why, and the private chat it came from, if known."""

    update_id: int
    kinds: str
    reason: str
    key: str
    chat: int | None = None
    hint: str | None = None


def _set_aside(svc: Services, aside: SetAside, conn: Conn) -> Handled:
    updates.set_aside(conn, aside.update_id, aside.key, aside.kinds, aside.reason)
    if aside.chat is None or not updates.claim(conn, aside.key):
        return Handled(None)
    sender = Sender(aside.chat, aside.hint)
    step = Step(svc, conn, Incoming(aside.key, aside.chat, True, sender))
    step.say(texts.TRY_AGAIN)
    return step.finish()


def _dispatch(step: Step) -> None:
    incoming = step.incoming
    if incoming.added_to_group:
        welcome.added_to_group(step)
    elif not incoming.private or incoming.sender is None:
        return  # the bot works in private chats only; group chatter is not read
    elif incoming.edited is not None:
        participation.on_edited(step)
    elif incoming.command is not None:
        _command(step, incoming.command.name)
    elif incoming.press is not None:
        _press(step, incoming.press.data)
    elif incoming.event is not None:
        _message(step)


def _command(step: Step, name: str) -> None:
    route = COMMANDS.get(name)
    if route is None:
        welcome.unknown_command(step)
        return
    _call(step, route, {}, f"command /{name}")


def _press(step: Step, data: str) -> None:
    found = route_of(data)
    if found is not None:
        route, values = found
        _call(step, route, values, f"button {route.kind.prefix if route.kind else '?'}")
        return
    if ":" in data and not data.startswith(("k:", "p:")):
        _flow_press_before(step, data)
        return
    refuse(step, "malformed or unknown button")


def _call(step: Step, route: Route, values: dict[str, Any], what: str) -> None:
    """Run a command or button handler, given what its access asks for; everyone else gets the neutral answer."""
    if route.access is Access.ANYONE:
        route.handler(step, **values)
        return
    record = coordinator_of(step) if route.access is not Access.ADMIN or is_admin(step) else None
    if record is None:
        refuse(step, f"coordinator {what}")
        return
    if route.access in (Access.COORDINATOR, Access.ADMIN):
        route.handler(step, record, **values)
    elif route.access is Access.SESSION:
        session = active_session(step, record)
        if session is not None:
            route.handler(step, record, session, **values)
    else:
        pool = pool_store.owned(step.conn, record.participant.id, int(values.pop("pool", 0)))
        if pool is None:
            refuse(step, "button of a pool that is not theirs")
            return
        route.handler(step, record, pool, **values)


@button(FLOW_BUTTON)
def flow_pressed(step: Step, run: int, press: str) -> None:
    """A flow's button: it names its run, which must be the presser's own."""
    found = runs.get(step.conn, run)
    if found is None or step.person is None or found.participant_id != step.person.id:
        refuse(step, "a flow button of another run")
        return
    drive(step, step, found, Press(press), step.locale, step.hint)


def _flow_press_before(step: Step, data: str) -> None:
    """A flow's button sent before buttons named their run (`node:value`): the person's open run at that node."""
    node = data.split(":", 1)[0]
    found = runs.of_person(step.conn, step.person.id) if step.person else []
    run = next((r for r in found if not r.done and r.node == node), None) or next(iter(found), None)
    if run is None:
        refuse(step, "a flow button without a run")
        return
    drive(step, step, run, Press(data), step.locale, step.hint)


def _message(step: Step) -> None:
    """A message goes to the run that is waiting for one; with none, a kind pointer."""
    event = step.incoming.event
    assert event is not None
    run = message_target(step.conn, step.svc.flows, step.person.id) if step.person else None
    if run is None:
        welcome.nothing_to_do(step)
        return
    drive(step, step, run, event, step.locale, step.hint)


def check_registrations() -> None:
    """Refuse to start when a command or a button prefix is claimed twice (registering refuses it at import) or
    when a button kind cannot pack its own data within Telegram's 64 bytes."""
    for prefix, route in BUTTONS.items():
        if route.kind is None or route.kind.prefix != prefix:
            raise ButtonError(f"button prefix {prefix!r} is registered without its kind")
    log.debug("%d commands and %d kinds of button registered", len(COMMANDS), len(BUTTONS))


__all__ = ["Driver", "Handled", "SetAside", "check_registrations", "tag"]
