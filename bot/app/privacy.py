"""Privacy self-service in the chat: /mydata shows everything held about you, /forgetme erases you."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from bot.app import coord_texts
from bot.app.dispatch import button, command
from bot.app.step import Step
from bot.domain import Button, ButtonKind, Msg, Reply
from bot.i18n import Translator
from bot.storage import Conn, privacy

FORGET = ButtonKind("fg", (("choice", str),))

MYDATA_SENT = Msg(
    "mydata.sent",
    "Here is everything inspraak holds about you, in the message below. The same comes as two files, to keep "
    "or to pass on: one to read, and one as data for a computer (JSON). Nothing of this is kept after sending it.",
)
MYDATA_NOTHING = Msg("mydata.nothing", "inspraak holds nothing about you.")
MYDATA_TITLE = Msg("mydata.title", "What inspraak holds about you")
MYDATA_LANGUAGE = Msg("mydata.language", "Your language: {language}")
MYDATA_SESSION = Msg("mydata.session", "Session “{title}”, where your code name is {pseudonym}")
MYDATA_GROUP = Msg("mydata.group", "Group: {group}")
MYDATA_CONSENT = Msg("mydata.consent", "Consent given: {time}")
MYDATA_IDEAS = Msg("mydata.ideas", "Your ideas:")
MYDATA_VOTE = Msg("mydata.vote", "Your vote ({time}): {vote}")
MYDATA_VOICE = Msg("mydata.voice", "🎤 voice message, {seconds} seconds")
MYDATA_HIDDEN = Msg("mydata.hidden", "(hidden by a coordinator)")
MYDATA_UPDATES = Msg("mydata.updates", "You asked to hear what happens with the ideas.")
MYDATA_CHECKINS = Msg("mydata.checkins", "Your answers as owner of an action:")
MYDATA_POOL = Msg("mydata.pool", "Expert pool “{pool}”, where your code name is {pseudonym}")
MYDATA_PROFILE = Msg("mydata.profile", "Your answers about yourself: {answers}")
MYDATA_INVITATIONS = Msg("mydata.invitations", "Invitations received: {count}, taken up: {accepted}")
MYDATA_COORDINATOR = Msg("mydata.coordinator", "You are a coordinator since {time}.")
FORGET_ASK = Msg(
    "forget.ask",
    "This removes you from inspraak: your Telegram account, your language and your roles. We can no longer "
    "reach you, and nothing links your contributions to you. Your ideas and votes stay in the results as "
    "“deleted participant”, unless you choose to delete them too.",
)
FORGET_KEEP = Msg("forget.keep", "Forget me, keep my ideas")
FORGET_ALL = Msg("forget.all", "Forget me and delete my ideas")
FORGET_DONE = Msg(
    "forget.done", "Done: inspraak has forgotten you. If you write again, you start as someone new. Thank you!"
)


def readable(data: dict[str, Any], translator: Translator, zone: tzinfo) -> str:
    """The same data as a text a person can read, in their language, with times in the bot's time zone."""

    def when(stamp: str | None) -> str:
        return translator.moment(datetime.fromisoformat(stamp), zone) if stamp else ""

    lines = [translator.text(MYDATA_TITLE), ""]
    if data.get("locale"):
        lines.append(translator.text(MYDATA_LANGUAGE.with_params(language=translator.language_name(data["locale"]))))
    if data.get("coordinator_since"):
        lines.append(translator.text(MYDATA_COORDINATOR.with_params(time=when(data["coordinator_since"]))))
    for session in data.get("sessions", []):
        lines += [
            "",
            translator.text(MYDATA_SESSION.with_params(title=session["title"], pseudonym=session["pseudonym"])),
        ]
        if session.get("group_id"):
            lines.append(translator.text(MYDATA_GROUP.with_params(group=session["group_id"])))
        if session.get("consent_at"):
            lines.append(translator.text(MYDATA_CONSENT.with_params(time=when(session["consent_at"]))))
        if session.get("ideas"):
            lines.append(translator.text(MYDATA_IDEAS))
            lines += [f"• {_idea(idea, translator)}" for idea in session["ideas"]]
        for vote in session.get("vote", []):
            shown = _vote(vote["payload"], session.get("themes", {}))
            lines.append(translator.text(MYDATA_VOTE.with_params(time=when(vote["cast_at"]), vote=shown)))
        if session.get("wants_updates"):
            lines.append(translator.text(MYDATA_UPDATES))
    for pool in data.get("pools", []):
        lines += ["", translator.text(MYDATA_POOL.with_params(pool=pool["pool"], pseudonym=pool["pseudonym"]))]
        if pool.get("group_id"):
            lines.append(translator.text(MYDATA_GROUP.with_params(group=pool["group_id"])))
        if pool.get("consent_at"):
            lines.append(translator.text(MYDATA_CONSENT.with_params(time=when(pool["consent_at"]))))
        if pool.get("profile"):
            answers = json.dumps(pool["profile"], ensure_ascii=False)
            lines.append(translator.text(MYDATA_PROFILE.with_params(answers=answers)))
        invitations = pool.get("invitations", [])
        accepted = sum(1 for i in invitations if i["accepted_at"])
        lines.append(translator.text(MYDATA_INVITATIONS.with_params(count=len(invitations), accepted=accepted)))
    if data.get("check_in_answers"):
        lines += ["", translator.text(MYDATA_CHECKINS)]
        lines += [
            f"• {c['action']} #{c['period']}: {c['status'] or ''} {c['note'] or ''}".rstrip()
            for c in data["check_in_answers"]
        ]
    return translator.directed("\n".join(lines))


def _idea(idea: dict[str, Any], translator: Translator) -> str:
    """One idea as its giver wrote or said it, and whether a coordinator hid it."""
    said = idea["text"] or idea["transcription"]
    if said is None:
        said = translator.text(MYDATA_VOICE.with_params(seconds=idea["voice_duration"] or 0))
    return f"{said} {translator.text(MYDATA_HIDDEN)}" if idea["hidden"] else said


def _vote(payload: Any, themes: dict[str, str]) -> str:
    """A ballot in the themes' names: a ranking in order, dots per theme, pairs as chosen."""

    def name(theme: object) -> str:
        return themes.get(str(theme), str(theme))

    if isinstance(payload, dict):
        return ", ".join(f"{name(t)} {'●' * int(n)}" for t, n in payload.items())
    if payload and all(isinstance(p, list) for p in payload):
        return ", ".join(f"{name(a)} {'>' if r == 'won' else '='} {name(b)}" for a, b, r in payload)
    return ", ".join(f"{n}. {name(t)}" for n, t in enumerate(payload or [], 1))


@command("mydata")
def on_mydata(step: Step) -> None:
    """`/mydata`: everything held about the sender as a message to read, then as two documents, all made when
    they are sent (and not kept)."""
    if step.person is None:
        step.say(MYDATA_NOTHING)
        return
    step.say(MYDATA_SENT)
    step.attach("text", kind="mydata")
    step.attach("document", kind="mydata", name="inspraak-my-data.txt")
    step.attach("document", kind="mydata", name="inspraak-my-data.json")


def mydata_text(conn: Conn, telegram_id: int, translator: Translator, zone: tzinfo) -> str | None:
    """What /mydata shows, made now (None when nothing is held any more)."""
    data = privacy.everything(conn, telegram_id)
    return None if data is None else readable(data, translator, zone)


def mydata_file(conn: Conn, telegram_id: int, name: str, translator: Translator, zone: tzinfo) -> bytes | None:
    """One of the /mydata documents, made now (None when nothing is held any more)."""
    if not name.endswith(".json"):
        text = mydata_text(conn, telegram_id, translator, zone)
        return None if text is None else text.encode("utf-8")
    data = privacy.everything(conn, telegram_id)
    return None if data is None else json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


@command("forgetme")
def on_forgetme(step: Step) -> None:
    """`/forgetme`: what it means, then a choice, then (after confirming) everything in one transaction."""
    buttons = (
        (Button(FORGET_KEEP, FORGET.pack(choice="keep")),),
        (Button(FORGET_ALL, FORGET.pack(choice="all")),),
        (Button(coord_texts.CANCEL, FORGET.pack(choice="no")),),
    )
    step.say(Reply(FORGET_ASK, buttons))


@button(FORGET)
def forget_pressed(step: Step, choice: str) -> None:
    """Carry out the choice made under /forgetme."""
    if choice == "no":
        step.edit(coord_texts.CANCELLED)
        return
    if choice not in ("keep", "all"):
        return
    privacy.forget(step.conn, step.telegram_id, delete_contributions=choice == "all")
    step.edit(FORGET_DONE)  # said the same when nothing was held: nothing is kept either way
