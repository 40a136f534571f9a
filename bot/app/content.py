"""A session's texts in the participants' languages (/translate) and messages to all of them (/broadcast)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.app import coord_texts as say
from bot.app import pool_admin, texts
from bot.app.answers import BroadcastText, Translate
from bot.app.dispatch import Access, button, command
from bot.app.step import Step
from bot.app.translating import ask_for_drafts
from bot.app.wizard import finisher, session_in, start
from bot.domain import Button, ButtonKind, Reply, Session, Verbatim, missing, translatable
from bot.domain.pool import POOL_TEXTS
from bot.i18n import native_name
from bot.storage import actions, broadcasts, machine, members, pools, themes, translations
from bot.storage.broadcasts import Broadcast
from bot.storage.roles import Coordinator

TRANSLATE_INTO = ButtonKind("k:tl", (("code", str),))
MACHINE_ALL = ButtonKind("k:tm")
MACHINE_MODE = ButtonKind("k:ty", (("auto", int),))
SEND = ButtonKind("k:bc", (("broadcast", int),))
DROP = ButtonKind("k:bd", (("broadcast", int),))
# The same buttons on a broadcast prepared before broadcasts had rows of their own: the coordinator's latest.
SEND_BEFORE = ButtonKind("k:bs")
DROP_BEFORE = ButtonKind("k:bx")


def _targets(session: Session) -> list[str]:
    """The languages a session's texts can be translated into (all it offers but the one it was written in)."""
    return [code for code in session.languages if code != session.source_locale]


# ---- /translate ----------------------------------------------------------------------------------


@command("translate", Access.SESSION)
def on_translate(step: Step, record: Coordinator, session: Session) -> None:
    """Pick a language; then every text still missing in it is asked for, one at a time."""
    rows = [
        (
            Button(
                Verbatim(f"{native_name(code)} ({len(_to_do(step, session, code, []))})"),
                TRANSLATE_INTO.pack(code=code),
            ),
        )
        for code in _targets(session)
    ]
    if step.svc.machine is not None:
        rows.append((Button(say.MACHINE_DRAFT_ALL, MACHINE_ALL.pack()),))
        auto = machine.mode(step.conn, session.id) == machine.AUTO
        switch = say.MACHINE_AUTO_ON if auto else say.MACHINE_AUTO_OFF
        rows.append((Button(switch, MACHINE_MODE.pack(auto=int(not auto))),))
    step.say(Reply(say.TRANSLATE_PICK, tuple(rows)))


def _to_do(step: Step, session: Session, code: str, skipped: list[str]) -> list[tuple[str, str]]:
    """The texts to translate into `code`, then the machine's drafts in it that no person has confirmed."""
    found = themes.of_session(step.conn, session.id)
    known = translations.of_session(step.conn, session.id)
    agreed = actions.of_session(step.conn, session.id)
    drafted = translations.machine_made(step.conn, session.id)
    todo = missing(session, found, known, code, agreed)
    todo += [(s, text) for s, text in translatable(session, found, agreed) if (s, code) in drafted]
    return [(subject, text) for subject, text in todo if subject not in skipped]


@button(MACHINE_ALL, Access.SESSION)
def machine_drafts_asked(step: Step, record: Coordinator, session: Session) -> None:
    """Ask the translation service for a draft of every text still missing in every offered language."""
    ask_for_drafts(step, "session", session.id, record.participant.id)


@button(MACHINE_MODE, Access.SESSION)
def machine_mode_switched(step: Step, record: Coordinator, session: Session, auto: int) -> None:
    """Translate ideas and check-in answers as they come, or only when asked."""
    if step.svc.machine is None:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    machine.set_mode(step.conn, session.id, machine.AUTO if auto else machine.DEMAND)
    step.edit(say.MACHINE_AUTO_SWITCHED if auto else say.MACHINE_DEMAND_SWITCHED)


@button(TRANSLATE_INTO, Access.SESSION)
def language_picked(step: Step, record: Coordinator, session: Session, code: str) -> None:
    """Start with the first missing text in the tapped language."""
    if code in _targets(session):
        _ask_next(step, record, session, code, skipped=[])


def _ask_next(step: Step, record: Coordinator, session: Session, code: str, skipped: list[str]) -> None:
    todo = _to_do(step, session, code, skipped)
    if not todo:
        step.say(say.TRANSLATE_DONE.with_params(language=step.translator.language_name(code)))
        return
    subject, original = todo[0]
    draft = translations.of_session(step.conn, session.id).get((subject, code))
    answers: dict[str, Any] = {
        "purpose": "content",
        "session": session.id,
        "locale": code,
        "subject": subject,
        "skipped": skipped,
        "language": step.translator.language_name(code),
        "original": original,
    }
    drafted_by = translations.machine_made(step.conn, session.id).get((subject, code))
    if draft is not None and drafted_by is not None:
        answers |= {"draft": draft, "machine": drafted_by}
    else:
        answers["no_draft"] = 1
    start(step, record, "translate", answers)


@finisher("translate")
def translated_one(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Store one translation (or note the skip) and ask for the next."""
    given = Translate.of(answers)
    if given.purpose == "pool":
        pool = pools.owned(step.conn, record.participant.id, given.pool or 0)
        if pool is not None and given.subject in POOL_TEXTS:
            if given.confirmed is not None:
                pools.translate(step.conn, pool.id, given.subject, given.locale, given.confirmed.strip())
            skipped = [*given.skipped, *([given.subject] if given.confirmed is None else [])]
            pool_admin.ask_next(step, record, pool, given.locale, skipped)
        return
    session = session_in(step, record, answers)
    if session is None:
        return
    if given.purpose == "broadcast":
        broadcast = broadcasts.get(step.conn, given.broadcast or 0)
        if broadcast is None or broadcast.status != "prepared":
            return
        if given.text is not None:
            broadcasts.translate(step.conn, broadcast.id, given.locale, given.text.strip())
        skipped = [*given.skipped, *([given.locale] if given.text is None else [])]
        _next_broadcast_language(step, record, session, broadcast.id, skipped)
        return
    skipped = list(given.skipped)
    if given.confirmed is None:
        skipped.append(str(given.subject))
    else:
        translations.put(step.conn, session.id, str(given.subject), given.locale, given.confirmed.strip())
    _ask_next(step, record, session, given.locale, skipped)


# ---- /broadcast ----------------------------------------------------------------------------------


@command("broadcast", Access.SESSION)
def on_broadcast(step: Step, record: Coordinator, session: Session) -> None:
    """Ask for the message to send to every participant of the session."""
    if not members.locales_of(step.conn, session.id):
        step.say(say.NO_RECIPIENTS)
        return
    start(step, record, "broadcast", {"session": session.id})


@finisher("broadcast")
def broadcast_written(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """With the message written, ask for a translation into each language present (skip allowed)."""
    given = BroadcastText.of(answers)
    session = session_in(step, record, answers)
    if session is None:
        return
    broadcast = broadcasts.prepare(step.conn, session.id, record.participant.id, given.text)
    _next_broadcast_language(step, record, session, broadcast.id, [])


def _next_broadcast_language(
    step: Step, record: Coordinator, session: Session, broadcast_id: int, skipped: list[str]
) -> None:
    broadcast = broadcasts.get(step.conn, broadcast_id)
    assert broadcast is not None
    locales = members.locales_of(step.conn, session.id)
    present = sorted({code for code in locales if code and code != session.source_locale})
    todo = [code for code in present if code not in broadcast.translations and code not in skipped]
    if todo:
        code = todo[0]
        answers = {
            "purpose": "broadcast",
            "session": session.id,
            "broadcast": broadcast.id,
            "locale": code,
            "skipped": skipped,
            "language": step.translator.language_name(code),
            "original": broadcast.text,
            "no_draft": 1,
        }
        start(step, record, "translate", answers)
        return
    languages = ", ".join(native_name(code) for code in broadcast.translations) or step.translator.text(say.NONE_YET)
    confirm = say.BROADCAST_CONFIRM.with_params(count=len(locales), text=broadcast.text, languages=languages)
    buttons = (
        (Button(say.SEND, SEND.pack(broadcast=broadcast.id)), Button(say.CANCEL, DROP.pack(broadcast=broadcast.id))),
    )
    step.say(Reply(confirm, buttons))


def _prepared(step: Step, session: Session, broadcast_id: int) -> Broadcast | None:
    found = broadcasts.get(step.conn, broadcast_id)
    return found if found is not None and found.session_id == session.id and found.status == "prepared" else None


@button(DROP, Access.SESSION)
def broadcast_cancelled(step: Step, record: Coordinator, session: Session, broadcast: int) -> None:
    """Drop the prepared message."""
    if _prepared(step, session, broadcast) is not None and broadcasts.cancel(step.conn, broadcast):
        step.edit(say.CANCELLED)


@button(SEND, Access.SESSION)
def broadcast_sent(step: Step, record: Coordinator, session: Session, broadcast: int) -> None:
    """Send the prepared message to everyone in their language; one progress message counts as it goes. The
    messages are queued, and the broadcast marked sent, in this one transaction: a second tap sends nothing."""
    prepared = _prepared(step, session, broadcast)
    press = step.incoming.press
    if prepared is None or press is None or press.message_id is None:
        return
    status = (step.incoming.chat_id, press.message_id, step.translator.locale)
    count = broadcasts.send(step.conn, prepared, record.participant.id, status, step.now)
    step.edit(say.BROADCAST_PROGRESS.with_params(sent=0, total=count, blocked=0))


def _latest(step: Step, record: Coordinator, session: Session) -> int:
    found = broadcasts.latest_prepared(step.conn, session.id, record.participant.id)
    return found.id if found is not None else 0


@button(DROP_BEFORE, Access.SESSION)
def broadcast_cancelled_before(step: Step, record: Coordinator, session: Session) -> None:
    """Drop a message prepared before the upgrade."""
    broadcast_cancelled(step, record, session, _latest(step, record, session))


@button(SEND_BEFORE, Access.SESSION)
def broadcast_sent_before(step: Step, record: Coordinator, session: Session) -> None:
    """Send a message prepared before the upgrade."""
    broadcast_sent(step, record, session, _latest(step, record, session))
