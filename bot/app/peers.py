"""Hearing from peers: after giving their own ideas, a participant can page through what the others in their
session said (no authors, hidden ideas never), in the chat."""

from __future__ import annotations

from bot.app import room
from bot.app.dispatch import button, command
from bot.app.participation import current
from bot.app.step import Step
from bot.domain import Button, ButtonKind, Msg, Reply, Session, Verbatim
from bot.storage import ideas, members, sessions
from bot.storage.ideas import ShownIdea

PAGE = 5  # ideas a message shows; a phone screen reads five short ideas without scrolling far

PEERS = ButtonKind("pr", (("session", int), ("page", int)))
TITLE = Msg("peers.title", "What others in “{title}” said ({first}–{last} of {count}):")
NONE_YET = Msg("peers.none", "Nobody else has sent an idea yet. Have a look later with /ideas.")
NOT_IN = Msg("peers.not_in", "You are not taking part in a session yet. Scan its QR code or open its link to join.")
EARLIER = Msg("peers.earlier", "◀ Earlier")
LATER = Msg("peers.later", "Later ▶")
TRANSLATED = Msg("peers.translated", "Translated: {text}")


@command("ideas")
def on_ideas(step: Step) -> None:
    """`/ideas`: the newest ideas of the others in the person's session."""
    run = current(step)
    session = sessions.by_id(step.conn, run.subject) if run is not None else None
    reply = _page(step, session, 0) if session is not None else None
    step.say(reply if reply is not None else NOT_IN)


@button(PEERS)
def peers_paged(step: Step, session: int, page: int) -> None:
    """Earlier or later ideas, in the same message."""
    found = sessions.by_id(step.conn, session)
    reply = _page(step, found, page) if found is not None else None
    step.edit(reply if reply is not None else NOT_IN)


def _page(step: Step, session: Session, page: int) -> Reply | None:
    """One page of the others' ideas, newest first; None when the person has not agreed to take part in it."""
    person = step.person
    membership = members.of(step.conn, person.id, session.id, session) if person is not None else None
    if membership is None or not membership.consented:
        return None
    page = max(page, 0)
    found, count = ideas.shown(step.conn, session.id, PAGE, page * PAGE, besides=membership.id)
    if count == 0:
        return Reply(NONE_YET)
    translator = step.translator
    first = min(page * PAGE + 1, count)
    lines = [
        translator.text(TITLE.with_params(title=session.title, first=first, last=first + len(found) - 1, count=count))
    ]
    lines += ["", *(_line(step, session, idea) for idea in found)]
    moves = []
    if page > 0:
        moves.append(Button(LATER, PEERS.pack(session=session.id, page=page - 1)))
    if (page + 1) * PAGE < count:
        moves.append(Button(EARLIER, PEERS.pack(session=session.id, page=page + 1)))
    return Reply(Verbatim(translator.directed("\n".join(lines))), (tuple(moves),) if moves else ())


def _line(step: Step, session: Session, idea: ShownIdea) -> str:
    """An idea as a list line: its words (or that it is a voice message), and a coordinator's translation when the
    reader reads the language it was translated into."""
    translator = step.translator
    words = idea.text or translator.text(room.VOICE.with_params(seconds=idea.voice_duration or 0))
    line = f"• {words}"
    if idea.translation and idea.language != translator.locale and translator.locale == session.source_locale:
        line += "\n  " + translator.text(TRANSLATED.with_params(text=idea.translation))
    return line
