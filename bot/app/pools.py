"""Being in an expert pool: joining with its link (a run of its own), invitations taken up with one tap, /leave
and /history."""

from __future__ import annotations

from bot.app import pool_texts as say
from bot.app import texts
from bot.app.answers import PoolJoin
from bot.app.conversations import KINDS, Unit, drive, open_run
from bot.app.dispatch import button, command
from bot.app.participation import JOIN_FLOW, facts_for, language_choices, shown, view_of
from bot.app.step import Step
from bot.conversation import Answer, Choice, Enter, Event, Facts, Finished, Node, Output, Transition
from bot.domain import (
    DEFAULT_GROUPS,
    Button,
    ButtonKind,
    Phase,
    Reply,
    Run,
    RunPurpose,
    Session,
    Verbatim,
    pool_pseudonym,
    session_pseudonym,
)
from bot.domain.pool import PROFILE_FIELDS, TOPICS, Pool, pool_code_in, pool_in, profile_from
from bot.exports import load_results
from bot.i18n import SUPPORTED, Translator
from bot.storage import Conn, actions, ideas, members, people, pools, runs, sessions
from bot.storage.pools import Invitation

JOIN_POOL_FLOW = "pool_join"
INVITATION = ButtonKind("pi", (("choice", str), ("invitation", int)))  # y: take part, n: not this time
LEAVE = ButtonKind("pl", (("pool", int),))
TOP = 3


def pool_for(conn: Conn, pool: Pool, locale: str | None) -> Pool:
    """The pool with its words in the reader's language, where the coordinator translated them."""
    return pool_in(pool, locale, pools.translations_of(conn, pool.id))


def pool_facts(pool: Pool, first_language: str | None) -> Facts:
    """What the joining flow may know of a pool: its words, its topics, and which questions it asks."""
    return Facts(
        params={
            "pool": pool.name,
            "region": pool.region,
            "description": pool.description,
            "limit": pool.monthly_limit,
            "no_questions": int(not pool.fields),
            **{f"skip_{name}": int(name not in pool.fields) for name in PROFILE_FIELDS},
        },
        options={
            "languages": language_choices(SUPPORTED, first_language),
            "groups": tuple(Choice(group, label) for group, label in DEFAULT_GROUPS.items()),
            "topics": tuple(Choice(topic, TOPICS[topic]) for topic in pool.topics if topic in TOPICS),
        },
    )


# ---- joining ---------------------------------------------------------------------------------------


class PoolRuns:
    """A person's run while joining a pool; when it ends, they are a member (or, declining, nothing is kept)."""

    def facts(self, conn: Conn, run: Run, locale: str | None, hint: str | None) -> Facts:
        pool = pools.by_id(conn, run.subject)
        assert pool is not None
        return pool_facts(pool_for(conn, pool, locale), locale or hint)

    def gate(self, conn: Conn, run: Run, node: Node | None, event: Event) -> Output | None:
        return None

    def apply(self, unit: Unit, run: Run, transition: Transition) -> bool:
        member = pools.member(unit.conn, run.participant_id, run.subject)
        if member is None:
            return False
        given = PoolJoin.of(transition.state.answers)
        keys = {r.key for r in transition.results if isinstance(r, Answer)}
        if any(isinstance(r, Finished) and r.forget for r in transition.results):
            pools.drop(unit.conn, member.id)
            runs.remove(unit.conn, run.id)
            people.remove_if_unused(unit.conn, run.participant_id)
            return False
        pools.answer(
            unit.conn,
            member.id,
            "consent" in keys and given.consent == "agree",
            given.group if "group" in keys else None,
            profile_from(transition.state.answers),
        )
        if transition.state.done:
            runs.remove(unit.conn, run.id)
            return False
        return True


KINDS[RunPurpose.POOL] = PoolRuns()


def join(step: Step, payload: str) -> bool:
    """`/start pool-CODE`: begin joining the pool (or carry on); False when the link is not a pool's."""
    code = pool_code_in(payload)
    pool = pools.by_code(step.conn, code) if code else None
    if pool is None:
        return False
    person = step.participant()
    member = pools.member(step.conn, person.id, pool.id)
    run = runs.find(step.conn, person.id, RunPurpose.POOL, pool.id)
    if member is not None and run is not None and not run.done:
        drive(step, step, run, Enter(), step.locale, step.hint)
        return True
    if member is not None and member.consented:
        step.say(say.ALREADY_MEMBER.with_params(pool=pool_for(step.conn, pool, step.locale).name))
        return True
    pools.start_join(step.conn, person.id, pool, pool_pseudonym(step.svc.secret, step.telegram_id, pool.id))
    facts = pool_facts(pool, person.locale or step.hint)
    open_run(step, step, person.id, RunPurpose.POOL, pool.id, JOIN_POOL_FLOW, facts)
    return True


# ---- invitations -------------------------------------------------------------------------------------


def invitation_buttons(invitation_id: int) -> tuple[tuple[Button, ...], ...]:
    """Take part, or not this time."""
    return (
        (Button(say.TAKE_PART, INVITATION.pack(choice="y", invitation=invitation_id)),),
        (Button(say.NOT_NOW, INVITATION.pack(choice="n", invitation=invitation_id)),),
    )


@button(INVITATION)
def invitation_pressed(step: Step, choice: str, invitation: int) -> None:
    """Take up an invitation with one tap (the consultation's own consent comes next), or let it go."""
    found = pools.invitation(step.conn, invitation)
    if (
        found is None
        or step.person is None
        or found.member.participant_id != step.person.id
        or choice not in ("y", "n")
    ):
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    if choice == "n":
        step.edit(None)
        step.say(say.NOT_NOW_OK)
        return
    session = sessions.by_id(step.conn, found.session_id)
    if session is None or not session.phase.open_to_join:
        step.answer(say.INVITATION_CLOSED, alert=True)
        return
    _take_part(step, found, session)


def _take_part(step: Step, invitation: Invitation, session: Session) -> None:
    pseudonym = session_pseudonym(step.svc.secret, step.telegram_id, session.id)
    membership, created = pools.accept(step.conn, invitation, session, pseudonym)
    step.edit(None)
    run = runs.find(step.conn, membership.participant.id, RunPurpose.SESSION, session.id)
    if created or run is None:
        locale = invitation.member.locale
        group_known = any(g.id == invitation.member.group_id for g in session.groups)
        facts = facts_for(view_of(step.conn, session), locale, 0, locale)
        answers = {"language_known": 1, "group_known": int(group_known)}
        open_run(step, step, membership.participant.id, RunPurpose.SESSION, session.id, JOIN_FLOW, facts, answers)
    else:  # they had joined already: carry on where they are
        drive(step, step, run, Enter(), step.locale, step.hint)


# ---- leaving ------------------------------------------------------------------------------------------


@command("leave")
def on_leave(step: Step) -> None:
    """`/leave`: out of the pool at once (with several pools: which one, then at once)."""
    found = pools.memberships(step.conn, step.person.id) if step.person else []
    if len(found) == 1:
        _leave(step, found[0].pool.id)
    elif not found:
        step.say(say.LEAVE_NONE)
    else:
        rows = tuple(
            (Button(Verbatim(pool_for(step.conn, m.pool, step.locale).name), LEAVE.pack(pool=m.pool.id)),)
            for m in found
        )
        step.say(Reply(say.LEAVE_WHICH, rows))


@button(LEAVE)
def leave_pressed(step: Step, pool: int) -> None:
    """The pool chosen under /leave."""
    if not _leave(step, pool):
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    step.edit(None)


def _leave(step: Step, pool_id: int) -> bool:
    left = pools.leave(step.conn, step.person.id, pool_id) if step.person else None
    if left is None:
        return False
    step.say(say.LEFT.with_params(pool=pool_for(step.conn, left, step.locale).name))
    return True


# ---- /history -----------------------------------------------------------------------------------------


@command("history")
def on_history(step: Step) -> None:
    """`/history`: each consultation the person took part in, what they gave, and what came of it."""
    taken_part = members.taken_part(step.conn, step.person.id) if step.person else []
    if not taken_part:
        step.say(say.HISTORY_NONE)
    for membership_id, session_id in taken_part:
        session = sessions.by_id(step.conn, session_id)
        if session is not None:
            given = ideas.of_member(step.conn, membership_id)
            step.say_lines(history_lines(step.conn, session, given, step.translator))


def history_lines(
    conn: Conn, session: Session, given: list[tuple[str, str | None]], translator: Translator
) -> list[str]:
    """One consultation as the person sees it in /history."""
    locale = translator.locale
    title = shown(view_of(conn, session), "title", session.title, locale)
    lines = [translator.text(say.HISTORY_SESSION.with_params(title=title, phase=session.phase.label))]
    if given:
        lines.append(translator.text(say.HISTORY_IDEAS))
        lines += [
            f"• {text if kind == 'text' and text else translator.text(say.HISTORY_VOICE)}" for kind, text in given
        ]
    else:
        lines.append(translator.text(say.HISTORY_NO_IDEAS))
    if session.phase not in (Phase.CLOSED, Phase.FOLLOW_UP):
        return [*lines, "", translator.text(say.HISTORY_OPEN)]
    return [*lines, "", *outcome_lines(conn, session, translator)]


def outcome_lines(conn: Conn, session: Session, translator: Translator) -> list[str]:
    """What came of a closed consultation: what mattered most, and its actions with their status."""
    found = load_results(conn, session)
    lines: list[str] = []
    if found.results.overall.voters:
        lines.append(translator.text(say.HISTORY_RESULT))
        top = found.results.overall.order[:TOP]
        lines += [f"{n}. {found.theme(theme, translator.locale)}" for n, theme in enumerate(top, 1)]
        lines.append("")
    agenda = actions.of_session(conn, session.id)
    if agenda:
        lines.append(translator.text(say.HISTORY_ACTIONS))
        lines += [f"• {a.title}: {translator.text(a.shown_status)}" for a in agenda]
    else:
        lines.append(translator.text(say.NOTHING_DONE))
    return lines


def invitation_text(conn: Conn, pool: Pool, session: Session, translator: Translator) -> str:
    """An invitation in the member's language: the consultation, what came of the last one on its topic."""
    locale = translator.locale
    view = view_of(conn, session)
    lines = [
        translator.text(say.INVITATION.with_params(pool=pool_for(conn, pool, locale).name)),
        "",
        translator.text(shown(view, "title", session.title, locale)),
        translator.text(shown(view, "question", session.question, locale)),
    ]
    topic = pools.topic_of(conn, pool.id, session.id)
    earlier_id = pools.earlier(conn, pool.id, topic, session.id) if topic else None
    earlier = sessions.by_id(conn, earlier_id) if earlier_id is not None else None
    if earlier is not None:
        title = shown(view_of(conn, earlier), "title", earlier.title, locale)
        lines += ["", translator.text(say.LAST_TIME.with_params(title=title))]
        lines += outcome_lines(conn, earlier, translator)
    return "\n".join([*lines, "", translator.text(say.INVITATION_CHOICE)])
