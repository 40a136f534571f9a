"""Spoken prompts (/record): a session's question and consent text read aloud in each language, by a coordinator or
by an interpreter (invited with /invite, or whose voice message the coordinator forwards), for participants who
read little; they get the recording together with the text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.app import coord_texts as say
from bot.app import texts
from bot.app.answers import Record, VoiceNote
from bot.app.conversations import installed
from bot.app.dispatch import Access, button, command
from bot.app.participation import RECORDABLE, facts_for, view_of
from bot.app.step import Step
from bot.app.wizard import finisher, session_in, start
from bot.conversation import prompt
from bot.domain import Button, ButtonKind, Reply, Session, Verbatim
from bot.i18n import native_name
from bot.storage import recordings
from bot.storage.roles import Coordinator

RECORD_IN = ButtonKind("k:rl", (("code", str),))
RECORD_WHAT = ButtonKind("k:rw", (("code", str), ("subject", str)))
RECORD_DROP = ButtonKind("k:rd", (("code", str),))
WHAT = {"question": say.RECORD_QUESTION, "consent": say.RECORD_CONSENT}


@command("record", Access.SESSION)
def on_record(step: Step, record: Coordinator, session: Session) -> None:
    """Pick a language; each shows how many of its texts are recorded."""
    done = recordings.of_session(step.conn, session.id)
    rows = tuple(
        (
            Button(
                Verbatim(f"{native_name(code)} 🎙 {sum(locale == code for _, locale in done)}/{len(RECORDABLE)}"),
                RECORD_IN.pack(code=code),
            ),
        )
        for code in session.languages
    )
    step.say(Reply(say.RECORD_PICK, rows))


def _menu(step: Step, session: Session, code: str) -> None:
    """What can be recorded in a language, the recorded ones ticked, and a way to remove them."""
    done = recordings.of_session(step.conn, session.id)
    rows = [
        (Button(label, RECORD_WHAT.pack(code=code, subject=subject), "✓" if (subject, code) in done else ""),)
        for subject, label in WHAT.items()
    ]
    if any(locale == code for _, locale in done):
        rows.append((Button(say.RECORD_REMOVE, RECORD_DROP.pack(code=code)),))
    step.say(Reply(say.RECORD_MENU.with_params(language=step.translator.language_name(code)), tuple(rows)))


@button(RECORD_IN, Access.SESSION)
def record_language_picked(step: Step, record: Coordinator, session: Session, code: str) -> None:
    """The texts to record in the tapped language."""
    if code not in session.languages:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    _menu(step, session, code)


@button(RECORD_WHAT, Access.SESSION)
def recording_asked(step: Step, record: Coordinator, session: Session, code: str, subject: str) -> None:
    """Show the text as participants in that language read it, and wait for it read aloud."""
    if code not in session.languages or subject not in RECORDABLE:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    flow, node = RECORDABLE[subject]
    facts = installed(facts_for(view_of(step.conn, session), code, locale=code), step.svc)
    shown = step.svc.translator_for(code).render(prompt(step.svc.flows[flow], node, facts))
    answers: dict[str, Any] = {
        "session": session.id,
        "locale": code,
        "subject": subject,
        "language": step.translator.language_name(code),
        "original": shown,
    }
    start(step, record, "record", answers)


@finisher("record")
def recorded(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Keep the recording (replacing an earlier one), then show the language's texts again."""
    given = Record.of(answers)
    session = session_in(step, record, answers)
    if session is None:
        return
    if isinstance(given.recording, VoiceNote):
        recordings.put(
            step.conn, session.id, given.subject, given.locale, given.recording.voice, given.recording.duration
        )
    _menu(step, session, given.locale)


@button(RECORD_DROP, Access.SESSION)
def recordings_removed(step: Step, record: Coordinator, session: Session, code: str) -> None:
    """Take a language's recordings away: its participants get the texts only."""
    recordings.remove(step.conn, session.id, code)
    step.edit(say.RECORD_REMOVED.with_params(language=step.translator.language_name(code)))
