"""Coordinators and expert pools: /pool new, /pool (overview, link, statistics export) and inviting a pool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.app import coord_texts
from bot.app import pool_texts as say
from bot.app.answers import PoolNew
from bot.app.authority import active_session
from bot.app.dispatch import Access, button, command
from bot.app.outgoing import encode_text
from bot.app.pools import JOIN_POOL_FLOW
from bot.app.services import Services
from bot.app.step import Step
from bot.app.translating import ask_for_drafts
from bot.app.wizard import finisher, start
from bot.conversation import fixed_options
from bot.domain import DEFAULT_GROUPS, Button, ButtonKind, Reply, Session, Text, Verbatim
from bot.domain.pool import (
    CHOICE_FIELDS,
    POOL_TEXTS,
    PROFILE_FIELDS,
    TOPICS,
    Audience,
    Member,
    Pool,
    cells,
    pool_link_payload,
    profile_values,
)
from bot.domain.results import MIN_GROUP
from bot.i18n import SUPPORTED, Translator, native_name
from bot.reports.tables import Table
from bot.storage import pools, roles
from bot.storage.pools import Consultation
from bot.storage.roles import Coordinator

Breakdown = list[tuple[str, list[tuple[str, int]], int]]  # (what is counted, [(value, people)], folded)
VIEW = ButtonKind("p:pv", (("pool", int),))
LINK = ButtonKind("p:pq", (("pool", int),))
EXPORT = ButtonKind("p:px", (("pool", int),))
INVITE = ButtonKind("p:pi", (("pool", int), ("session", int)))
AUDIENCE = ButtonKind("p:pa", (("pool", int), ("session", int), ("kind", str), ("value", str)))
SEND = ButtonKind("p:ps", (("pool", int), ("session", int), ("kind", str), ("value", str)))
CANCEL = ButtonKind("p:pc", (("pool", int),))
TRANSLATE = ButtonKind("p:pt", (("pool", int),))
TRANSLATE_INTO = ButtonKind("p:pu", (("pool", int), ("code", str)))
MACHINE_ALL = ButtonKind("p:pm", (("pool", int),))


@command("pool", Access.COORDINATOR)
def on_pool(step: Step, record: Coordinator) -> None:
    """`/pool new` creates a pool, `/pool invite` invites one to the current session, `/pool` lists them."""
    given = step.incoming.command
    what = (given.args[0] if given and given.args else "").lower()
    if what == "new":
        start(step, record, "pool_new", {})
        return
    if what == "invite":
        session = active_session(step, record)
        if session is not None:
            offer_invite(step, record, session, always=True)
        return
    found = pools.of_owner(step.conn, record.participant.id)
    if not found:
        step.say(say.NO_POOLS)
    else:
        rows = tuple((Button(Verbatim(f"{p.name} ({p.region})"), VIEW.pack(pool=p.id)),) for p in found[:40])
        step.say(Reply(say.POOLS, rows))


@finisher("pool_new")
def pool_wizard_done(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Create the pool from the wizard's answers and hand over its join link and QR code."""
    given = PoolNew.of(answers)
    pool = pools.create(
        step.conn,
        record.participant.id,
        given.name.strip(),
        given.region.strip(),
        given.description.strip(),
        tuple(t for t in TOPICS if t in given.topics),
        tuple(f for f in PROFILE_FIELDS if f in given.fields),
        given.monthly_limit,
        given.written_in if given.written_in in SUPPORTED else step.translator.locale,
    )
    _send_link(step, pool)


def _send_link(step: Step, pool: Pool) -> None:
    link = step.svc.link(pool_link_payload(pool.code))
    step.say(say.CREATED.with_params(pool=pool.name, region=pool.region))
    step.say(Verbatim(link))
    step.attach("photo", kind="qr", link=link, caption=encode_text(say.QR_CAPTION.with_params(pool=pool.name)))


# ---- what a coordinator sees of a pool -----------------------------------------------------------------


def _option_labels(svc: Services, field: str) -> dict[str, Text]:
    """The answers a choice question of joining offers, with their (translatable) labels."""
    return {choice.id: choice.label for choice in fixed_options(svc.flows[JOIN_POOL_FLOW], field)}


def breakdown(svc: Services, pool: Pool, people: list[Member], translator: Translator) -> Breakdown:
    """The pool counted by language, group and each profile question, with small cells folded."""

    def named(value: str, labels: Mapping[str, Text] | None = None) -> str:
        if not value:
            return translator.text(say.NOT_ANSWERED)
        label = (labels or {}).get(value)
        return translator.text(label) if label is not None else value

    group_labels: dict[str, Text] = dict(DEFAULT_GROUPS)
    found: Breakdown = []
    dimensions: list[tuple[Text, list[str], Mapping[str, Text] | None]] = [
        (say.BY_LANGUAGE, [native_name(m.locale) if m.locale else "" for m in people], None),
        (say.BY_GROUP, [m.group_id or "" for m in people], group_labels),
    ]
    for field in pool.fields:
        labels: Mapping[str, Text] | None = TOPICS if field == "interests" else None
        if field in CHOICE_FIELDS:
            labels = _option_labels(svc, field)
        values = [v for m in people for v in profile_values(m.profile, field)]
        dimensions.append((PROFILE_FIELDS[field], values, labels))
    for title, values, labels in dimensions:
        counted = cells(values)
        found.append((translator.text(title), [(named(v, labels), n) for v, n in counted.shown], counted.folded))
    return found


def _rate(invited: int, accepted: int) -> int:
    return round(100 * accepted / invited) if invited else 0


@button(VIEW, Access.POOL)
def overview_pressed(step: Step, record: Coordinator, pool: Pool) -> None:
    """The pool's size by language, group and profile, and how its consultations went."""
    translator = step.translator
    people = pools.people_of(step.conn, pool.id)
    lines = [translator.text(say.OVERVIEW.with_params(pool=pool.name, region=pool.region, count=len(people)))]
    for title, shown, folded in breakdown(step.svc, pool, people, translator):
        parts = [f"{value} {count}" for value, count in shown]
        if folded:
            parts.append(translator.text(say.FOLDED.with_params(count=folded)))
        lines.append(f"{title}: {' · '.join(parts)}" if parts else f"{title}: –")
    lines += ["", translator.text(say.SMALL_CELLS), "", translator.text(say.CONSULTATIONS)]
    consultations = pools.consultations(step.conn, pool.id)
    for c in consultations:
        line = say.CONSULTATION_LINE.with_params(
            title=c.title, invited=c.invited, accepted=c.accepted, rate=_rate(c.invited, c.accepted)
        )
        lines.append(f"• {translator.text(line)}")
    if not consultations:
        lines.append(translator.text(say.NO_CONSULTATIONS))
    rows = (
        (Button(say.LINK_BUTTON, LINK.pack(pool=pool.id)), Button(say.EXPORT_BUTTON, EXPORT.pack(pool=pool.id))),
        (Button(say.TRANSLATE_BUTTON, TRANSLATE.pack(pool=pool.id)),),
    )
    step.say_lines(lines, rows)


# ---- its words in the members' languages ----------------------------------------------------------------


def _missing(
    known: Mapping[tuple[str, str], str], drafted: Mapping[tuple[str, str], str], code: str, skipped: Sequence[str] = ()
) -> list[str]:
    """The pool's words to translate into `code`, then the machine's drafts in it that no person has confirmed."""
    todo = [subject for subject in POOL_TEXTS if (subject, code) not in known or (subject, code) in drafted]
    return [subject for subject in todo if subject not in skipped]


@button(TRANSLATE, Access.POOL)
def translate_pressed(step: Step, record: Coordinator, pool: Pool) -> None:
    """Pick a language; then each of the pool's words still missing in it is asked for."""
    known, drafted = pools.translations_of(step.conn, pool.id), pools.machine_made(step.conn, pool.id)
    rows = tuple(
        (
            Button(
                Verbatim(f"{native_name(code)} ({len(_missing(known, drafted, code))})"),
                TRANSLATE_INTO.pack(pool=pool.id, code=code),
            ),
        )
        for code in SUPPORTED
        if code != pool.source_locale
    )
    if step.svc.machine is not None:
        rows += ((Button(coord_texts.MACHINE_DRAFT_ALL, MACHINE_ALL.pack(pool=pool.id)),),)
    step.say(Reply(say.TRANSLATE_PICK, rows))


@button(MACHINE_ALL, Access.POOL)
def machine_drafts_asked(step: Step, record: Coordinator, pool: Pool) -> None:
    """Ask the translation service for a draft of each of the pool's words still missing, in every language."""
    ask_for_drafts(step, "pool", pool.id, record.participant.id)


@button(TRANSLATE_INTO, Access.POOL)
def pool_language_picked(step: Step, record: Coordinator, pool: Pool, code: str) -> None:
    """Start with the first of the pool's words missing in the tapped language."""
    if code in SUPPORTED and code != pool.source_locale:
        ask_next(step, record, pool, code, [])


def ask_next(step: Step, record: Coordinator, pool: Pool, code: str, skipped: list[str]) -> None:
    """Ask for the next of the pool's words missing in `code` (skipped ones aside), or say all are there."""
    known, drafted = pools.translations_of(step.conn, pool.id), pools.machine_made(step.conn, pool.id)
    todo = _missing(known, drafted, code, skipped)
    language = step.translator.language_name(code)
    if not todo:
        step.say(say.TRANSLATE_DONE.with_params(pool=pool.name, language=language))
        return
    subject = todo[0]
    answers = {
        "purpose": "pool",
        "pool": pool.id,
        "locale": code,
        "subject": subject,
        "skipped": skipped,
        "language": language,
        "original": getattr(pool, subject),
    }
    drafted_by = drafted.get((subject, code))
    if drafted_by is not None:
        answers |= {"draft": known[(subject, code)], "machine": drafted_by}
    else:
        answers["no_draft"] = 1
    start(step, record, "translate", answers)


@button(LINK, Access.POOL)
def link_pressed(step: Step, record: Coordinator, pool: Pool) -> None:
    """The pool's join link and QR code again."""
    _send_link(step, pool)


def pool_tables(
    svc: Services, pool: Pool, people: list[Member], consultations: list[Consultation], tr: Translator
) -> list[Table]:
    """The pool's participation statistics as tables, without identities and without small cells."""
    counts = [
        (title, value, count)
        for title, shown, folded in breakdown(svc, pool, people, tr)
        for value, count in [*shown, *([(tr.text(say.FOLDED.with_params(count=folded)), folded)] if folded else [])]
    ]
    return [
        Table("pool", ("question", "answer", "members"), (("", "", len(people)), *counts)),
        Table(
            "consultations",
            ("session", "topic", "invited", "took_part", "rate_percent"),
            tuple(
                (
                    c.title,
                    tr.text(TOPICS[c.topic]) if c.topic in TOPICS else "",
                    c.invited,
                    c.accepted,
                    _rate(c.invited, c.accepted),
                )
                for c in consultations
            ),
        ),
    ]


STATISTICS = ("pool", "consultations")  # the tables of a pool's statistics, each a CSV, and all in one XLSX


@button(EXPORT, Access.POOL)
def export_pressed(step: Step, record: Coordinator, pool: Pool) -> None:
    """The pool's statistics as CSV and XLSX, one document each, made when sent."""
    prefix = f"pool-{pool.code}"
    for table in STATISTICS:
        step.attach("document", kind="pool_stats", pool=pool.id, name=f"{prefix}-{table}.csv", table=table)
    step.attach("document", kind="pool_stats", pool=pool.id, name=f"{prefix}.xlsx", table="")


# ---- inviting a pool to a session -------------------------------------------------------------------------


def offer_invite(step: Step, record: Coordinator, session: Session, always: bool = False) -> None:
    """Offer to invite one of the coordinator's pools to a session (after /new only when they have pools)."""
    found = pools.of_owner(step.conn, record.participant.id)
    if not found:
        if always:
            step.say(say.NO_POOLS)
        return
    rows = tuple(
        (Button(say.INVITE_BUTTON.with_params(pool=p.name), INVITE.pack(pool=p.id, session=session.id)),)
        for p in found[:20]
    )
    step.say(Reply(say.INVITE_OFFER.with_params(title=session.title), rows))


def _audiences(svc: Services, pool: Pool) -> list[tuple[Audience, Text]]:
    """Whom of a pool a coordinator can invite: everyone, by interest, or by a choice question's answer."""
    found: list[tuple[Audience, Text]] = [(Audience(), say.EVERYONE)]
    if "interests" in pool.fields:
        found += [(Audience("interests", t), say.INTERESTED_IN.with_params(topic=TOPICS[t])) for t in pool.topics]
    for field in CHOICE_FIELDS:
        if field in pool.fields:
            found += [
                (Audience(field, value), say.WITH_ANSWER.with_params(field=PROFILE_FIELDS[field], answer=label))
                for value, label in _option_labels(svc, field).items()
                if value != "skip"
            ]
    return found


@button(INVITE, Access.POOL)
def invite_pressed(step: Step, record: Coordinator, pool: Pool, session: int) -> None:
    """Choose whom of the pool to invite."""
    found = roles.runnable(step.conn, record.participant.id, session)
    if found is None:
        return
    rows = tuple(
        (
            Button(
                label, AUDIENCE.pack(pool=pool.id, session=found.id, kind=audience.kind, value=audience.value or "all")
            ),
        )
        for audience, label in _audiences(step.svc, pool)
    )
    step.edit(Reply(say.AUDIENCE_ASK.with_params(pool=pool.name, title=found.title), rows))


def _chosen(step: Step, record: Coordinator, session: int, kind: str, value: str) -> tuple[Session, Audience] | None:
    """The session and audience a button names, while the coordinator may still run the session."""
    found = roles.runnable(step.conn, record.participant.id, session)
    if found is None or kind not in ("all", "interests", *CHOICE_FIELDS):
        return None
    return found, Audience(kind, "" if kind == "all" else value)


def _count(number: int) -> Text | int:
    """A number of people, or "fewer than 3" when it could single someone out."""
    return say.FEWER_THAN_3 if 0 < number < MIN_GROUP else number


@button(AUDIENCE, Access.POOL)
def audience_pressed(step: Step, record: Coordinator, pool: Pool, session: int, kind: str, value: str) -> None:
    """How many the invitation reaches, and a confirmation."""
    chosen = _chosen(step, record, session, kind, value)
    if chosen is None:
        return
    found, audience = chosen
    reach = pools.reach(step.conn, pool, found.id, audience, step.now)
    if reach.eligible == 0:
        step.edit(say.NOBODY_TO_INVITE)
        return
    confirm = say.CONFIRM_INVITE.with_params(count=_count(reach.eligible), over=_count(reach.over_limit))
    rows = (
        (Button(say.SEND_INVITATIONS, SEND.pack(pool=pool.id, session=found.id, kind=kind, value=value)),),
        (Button(coord_texts.CANCEL, CANCEL.pack(pool=pool.id)),),
    )
    step.edit(Reply(confirm, rows))


@button(SEND, Access.POOL)
def send_pressed(step: Step, record: Coordinator, pool: Pool, session: int, kind: str, value: str) -> None:
    """Send the invitations: rows in the outbox, written together with the invitations themselves."""
    chosen = _chosen(step, record, session, kind, value)
    if chosen is None:
        return
    sent = pools.invite(step.conn, pool, *chosen, step.now)
    step.edit(say.INVITATIONS_SENT.with_params(count=_count(sent.eligible), pool=pool.name))


@button(CANCEL, Access.POOL)
def cancel_pressed(step: Step, record: Coordinator, pool: Pool) -> None:
    """Invite nobody after all."""
    step.edit(coord_texts.CANCELLED)
