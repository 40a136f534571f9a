"""Spoken prompts (/record): a session's question and consent text read aloud in each language, by a coordinator or
by an interpreter (invited with /invite, or whose voice message the coordinator forwards), for participants who
read little; they get the recording together with the text, as long as the text is the one that was read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.app import coord_texts as say
from bot.app import texts
from bot.app.answers import Record, VoiceNote
from bot.app.dispatch import Access, button, command
from bot.app.participation import RECORDABLE, current_recordings, recordable_text
from bot.app.step import Step
from bot.app.wizard import finisher, session_in, start
from bot.domain import Button, ButtonKind, Reply, Session, Verbatim
from bot.i18n import native_name
from bot.storage import recordings
from bot.storage.roles import Coordinator

RECORD_IN = ButtonKind("k:rl", (("of", int), ("code", str)))
RECORD_WHAT = ButtonKind("k:rw", (("of", int), ("code", str), ("subject", str)))
RECORD_DROP = ButtonKind("k:rd", (("of", int), ("code", str)))
WHAT = {"question": say.RECORD_QUESTION, "consent": say.RECORD_CONSENT}


@command("record", Access.SESSION)
def on_record(step: Step, record: Coordinator, session: Session) -> None:
    """Pick a language; each shows how many of its texts are recorded as they read now."""
    rows = tuple(
        (
            Button(
                Verbatim(f"{native_name(code)} 🎙 {len(_current(step, session, code))}/{len(RECORDABLE)}"),
                RECORD_IN.pack(of=session.id, code=code),
            ),
        )
        for code in session.languages
    )
    step.say(Reply(say.RECORD_PICK, rows))


def _current(step: Step, session: Session, code: str) -> set[str]:
    return current_recordings(step.svc, step.conn, session, code)


def _menu(step: Step, session: Session, code: str) -> None:
    """What can be recorded in a language, ticked where the recording reads the text as it is now, and a way to
    remove the language's recordings."""
    current = _current(step, session, code)
    rows = [
        (Button(label, RECORD_WHAT.pack(of=session.id, code=code, subject=subject), "✓" * (subject in current)),)
        for subject, label in WHAT.items()
    ]
    if any(locale == code for _, locale in recordings.of_session(step.conn, session.id)):
        rows.append((Button(say.RECORD_REMOVE, RECORD_DROP.pack(of=session.id, code=code)),))
    step.say(Reply(say.RECORD_MENU.with_params(language=step.translator.language_name(code)), tuple(rows)))


def _ours(step: Step, session: Session, of: int, code: str, subject: str = "question") -> bool:
    """Whether a button is about the session being worked on, one of its languages and texts (an old menu's, from
    another session, is not; nor is a made-up one)."""
    if of != session.id or code not in session.languages or subject not in RECORDABLE:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return False
    return True


@button(RECORD_IN, Access.SESSION)
def record_language_picked(step: Step, record: Coordinator, session: Session, of: int, code: str) -> None:
    """The texts to record in the tapped language."""
    if _ours(step, session, of, code):
        _menu(step, session, code)


@button(RECORD_WHAT, Access.SESSION)
def recording_asked(step: Step, record: Coordinator, session: Session, code: str, subject: str, of: int) -> None:
    """Show the text as participants in that language are shown it, and wait for it read aloud."""
    if not _ours(step, session, of, code, subject):
        return
    answers: dict[str, Any] = {
        "session": session.id,
        "locale": code,
        "subject": subject,
        "language": step.translator.language_name(code),
        "original": recordable_text(step.svc, step.conn, session, subject, code),
    }
    start(step, record, "record", answers)


@finisher("record")
def recorded(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Keep the recording of the text that was shown (replacing an earlier one), then show the language again."""
    given = Record.of(answers)
    session = session_in(step, record, answers)
    if session is None:
        return
    if isinstance(given.recording, VoiceNote):
        read = recordings.fingerprint(given.original)
        recordings.put(step.conn, session.id, given.subject, given.locale, given.recording.voice, read)
    _menu(step, session, given.locale)


@button(RECORD_DROP, Access.SESSION)
def recordings_removed(step: Step, record: Coordinator, session: Session, of: int, code: str) -> None:
    """Take a language's recordings away: its participants get the texts only."""
    if _ours(step, session, of, code):
        recordings.remove(step.conn, session.id, code)
        step.edit(say.RECORD_REMOVED.with_params(language=step.translator.language_name(code)))
