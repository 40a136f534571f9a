"""Who may use coordinator commands and buttons: checked for every command and press, inside the step."""

from __future__ import annotations

import hashlib
import logging

from bot.app import coord_texts, texts
from bot.app.step import Step
from bot.domain import Role, Session, role_of
from bot.storage import roles
from bot.storage.roles import Coordinator

log = logging.getLogger(__name__)


def tag(telegram_id: int, secret: bytes) -> str:
    """A stable tag for a person in logs, not reversible without the installation's secret."""
    return hashlib.blake2b(str(telegram_id).encode(), key=secret[:64], digest_size=8).hexdigest()


def is_admin(step: Step) -> bool:
    """Whether the sender is an admin from the configuration."""
    return step.incoming.sender is not None and role_of(step.telegram_id, step.svc.admins, False) is Role.ADMIN


def coordinator_of(step: Step) -> Coordinator | None:
    """The sender as a coordinator (admins become one on their first command), or None."""
    if step.incoming.sender is None:
        return None
    record = roles.coordinator(step.conn, step.telegram_id)
    if record is None and is_admin(step):
        record = roles.make_coordinator(step.conn, step.telegram_id)
        step.person = record.participant
    if record is not None and record.participant.locale is None and step.hint is not None:
        # Alerts and overviews reach a coordinator when they are not in the chat: in the language they use it in.
        step.set_locale(step.hint)
    return record


def refuse(step: Step, what: str) -> None:
    """The same neutral answer as for any unknown command or dead button; the attempt is logged without
    identity."""
    if step.incoming.sender is not None:
        log.warning("refused %s for person %s", what, tag(step.telegram_id, step.svc.secret))
    if step.incoming.press is not None:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
    else:
        step.say(texts.UNKNOWN_COMMAND)


def active_session(step: Step, record: Coordinator) -> Session | None:
    """The session this coordinator's commands act on; says how to pick one when there is none."""
    session = roles.runnable(step.conn, record.participant.id, record.active_session) if record.active_session else None
    if session is None:
        if step.incoming.press is not None:
            step.answer(texts.BUTTON_EXPIRED, alert=True)
        else:
            step.say(coord_texts.NEED_SESSION)
    return session
