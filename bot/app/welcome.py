"""What anyone can do: /start (with or without a link's code), /help, /language and its buttons."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.app import coord_texts, texts
from bot.app.authority import coordinator_of, is_admin
from bot.app.conversations import drive
from bot.app.dispatch import button, command
from bot.app.step import Step
from bot.conversation import Enter
from bot.domain import Button, ButtonKind, Reply, RunPurpose, Verbatim
from bot.i18n import SUPPORTED, native_name, negotiate
from bot.storage import runs, sessions

LANGUAGE = ButtonKind("lang", (("code", str),))
RESUMABLE = (RunPurpose.SESSION, RunPurpose.POOL, RunPurpose.CHECKIN)


def language_rows(
    hint: str | None, data: Callable[[str], str] | None = None, offered: Sequence[str] = SUPPORTED
) -> tuple[tuple[Button, ...], ...]:
    """The offered languages (every shipped one unless told) in their own script, the app's language first, two to
    a row (`data` makes each button's callback data from its language code)."""
    first = negotiate(hint)
    codes = [code for code in SUPPORTED if code in offered] or list(SUPPORTED)
    ordered = ([first] if first in codes else []) + [code for code in codes if code != first]
    pack = data or (lambda code: LANGUAGE.pack(code=code))
    buttons = [Button(Verbatim(native_name(code)), pack(code)) for code in ordered]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def resume(step: Step) -> bool:
    """Ask again the question of the conversation the person was in last; False when there is none."""
    if step.person is None:
        return False
    found = next((r for r in runs.of_person(step.conn, step.person.id) if not r.done and r.purpose in RESUMABLE), None)
    if found is None:
        return False
    drive(step, step, found, Enter(), step.locale, step.hint)
    return True


@command("help")
def on_help(step: Step) -> None:
    """List what a person can do; coordinators and admins also see their commands."""
    step.say(texts.HELP)
    if coordinator_of(step) is not None:
        step.say(coord_texts.HELP)
        if is_admin(step):
            step.say(coord_texts.HELP_ADMIN)


@command("language")
def on_language(step: Step) -> None:
    """Offer the language picker: the languages of the session the person takes part in, or every one."""
    step.say(Reply(texts.CHOOSE_LANGUAGE, language_rows(step.hint, offered=_session_languages(step))))


def _session_languages(step: Step) -> tuple[str, ...]:
    """The languages of the session the person talked about last; every shipped language outside a session."""
    if step.person is None:
        return SUPPORTED
    found = next((r for r in runs.of_person(step.conn, step.person.id) if r.purpose is RunPurpose.SESSION), None)
    session = sessions.by_id(step.conn, found.subject) if found is not None else None
    return session.languages if session is not None else SUPPORTED


@button(LANGUAGE)
def language_chosen(step: Step, code: str) -> None:
    """Store the chosen language, confirm it in that language, then ask the current question again in it."""
    if code not in SUPPORTED:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    step.set_locale(code)
    step.edit(texts.LANGUAGE_CHOSEN.with_params(language=native_name(code)))
    if not resume(step):
        step.say(texts.WELCOME)


def unknown_command(step: Step) -> None:
    """Any command the person may not use gets the same neutral answer."""
    step.say(texts.UNKNOWN_COMMAND)


def nothing_to_do(step: Step) -> None:
    """A message when no conversation waits for one: a kind pointer."""
    step.say(texts.NOTHING_TO_DO)


def added_to_group(step: Step) -> None:
    """Added to a group: explain once that the bot works only in private chats."""
    step.locale = step.svc.language
    step.say(texts.PRIVATE_ONLY)
