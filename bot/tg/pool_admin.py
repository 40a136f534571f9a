"""Coordinators and expert pools: /pool new, /pool (overview, link, statistics export) and inviting a pool."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackContext
from telegram.helpers import create_deep_linked_url

from bot.conversation import fixed_options
from bot.domain import DEFAULT_GROUPS, Button, Reply, Session, Text, Verbatim
from bot.domain.pool import (
    CHOICE_FIELDS,
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
from bot.i18n import Translator, native_name
from bot.reports.tables import Table, to_csv, to_xlsx
from bot.storage import CoordinatorRecord, Reach
from bot.tg import coord_texts
from bot.tg import pool_texts as say
from bot.tg.authority import active_session, coordinators_only
from bot.tg.coord_buttons import data, pool_button
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.pools import JOIN_POOL_FLOW
from bot.tg.render import edit, send, send_lines, send_link_and_qr
from bot.tg.services import Services, services
from bot.tg.wizard import FINISH, finisher, start, translator_for

Context = CallbackContext[Any, Any, Any, Any]
Breakdown = list[tuple[str, list[tuple[str, int]], int]]  # (what is counted, [(value, people)], folded)


@coordinators_only
async def on_pool(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/pool new` creates a pool, `/pool invite` invites one to the current session, `/pool` lists them."""
    what = (context.args or [""])[0].lower()
    if what == "new":
        await start(update, context, record, "pool_new", {}, dedupe_key(update))
        return
    if what == "invite":
        session = await active_session(update, context, record)
        if session is not None:
            await offer_invite(update, context, record, session, always=True)
            await mark_handled(update, context)
        return
    user = update.effective_user
    assert user is not None
    pools = await services(context).pools.pools_of(user.id)
    translator = translator_for(update, context, record)
    if not pools:
        await send(context.bot, user.id, say.NO_POOLS, translator)
    else:
        rows = tuple((Button(Verbatim(f"{p.name} ({p.region})"), data("pv", p.id)),) for p in pools[:40])
        await send(context.bot, user.id, Reply(say.POOLS, rows), translator)
    await mark_handled(update, context)


@finisher("pool_new")
async def pool_wizard_done(
    update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]
) -> None:
    """Create the pool from the wizard's answers and hand over its join link and QR code."""
    user = update.effective_user
    assert user is not None
    topics = tuple(t for t in TOPICS if t in (answers.get("topics") or []))
    fields = tuple(f for f in PROFILE_FIELDS if f in (answers.get("fields") or []))
    pool = await services(context).pools.create(
        user.id,
        str(answers["name"]).strip(),
        str(answers["region"]).strip(),
        str(answers["description"]).strip(),
        topics,
        fields,
        int(str(answers.get("limit", "m2")).removeprefix("m")),
        dedupe_key(update, FINISH),
    )
    if pool is not None:
        await _send_link(update, context, record, pool)


async def _send_link(update: Update, context: Context, record: CoordinatorRecord, pool: Pool) -> None:
    user = update.effective_user
    assert user is not None
    link = create_deep_linked_url(context.bot.username, pool_link_payload(pool.code))
    intro = say.CREATED.with_params(pool=pool.name, region=pool.region)
    caption = say.QR_CAPTION.with_params(pool=pool.name)
    await send_link_and_qr(context.bot, user.id, intro, link, caption, translator_for(update, context, record))


# ---- what a coordinator sees of a pool -----------------------------------------------------------------


def _option_labels(svc: Services, field: str) -> dict[str, Text]:
    """The answers a choice question of joining offers, with their (translatable) labels."""
    return {choice.id: choice.label for choice in fixed_options(svc.flows[JOIN_POOL_FLOW], field)}


def breakdown(svc: Services, pool: Pool, members: list[Member], translator: Translator) -> Breakdown:
    """The pool counted by language, group and each profile question, with small cells folded."""

    def named(value: str, labels: Mapping[str, Text] | None = None) -> str:
        if not value:
            return translator.text(say.NOT_ANSWERED)
        label = (labels or {}).get(value)
        return translator.text(label) if label is not None else value

    group_labels: dict[str, Text] = dict(DEFAULT_GROUPS)
    found: Breakdown = []
    dimensions: list[tuple[Text, list[str], Mapping[str, Text] | None]] = [
        (say.BY_LANGUAGE, [native_name(m.locale) if m.locale else "" for m in members], None),
        (say.BY_GROUP, [m.group_id or "" for m in members], group_labels),
    ]
    for field in pool.fields:
        labels: Mapping[str, Text] | None = TOPICS if field == "interests" else None
        if field in CHOICE_FIELDS:
            labels = _option_labels(svc, field)
        values = [v for m in members for v in profile_values(m.profile, field)]
        dimensions.append((PROFILE_FIELDS[field], values, labels))
    for title, values, labels in dimensions:
        counted = cells(values)
        found.append((translator.text(title), [(named(v, labels), n) for v, n in counted.shown], counted.folded))
    return found


def _rate(invited: int, accepted: int) -> int:
    return round(100 * accepted / invited) if invited else 0


@pool_button("pv")
async def overview_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """The pool's size by language, group and profile, and how its consultations went."""
    svc = services(context)
    translator = translator_for(update, context, record)
    members = await svc.pools.people(pool.id)
    lines = [translator.text(say.OVERVIEW.with_params(pool=pool.name, region=pool.region, count=len(members)))]
    for title, shown, folded in breakdown(svc, pool, members, translator):
        parts = [f"{value} {count}" for value, count in shown]
        if folded:
            parts.append(translator.text(say.FOLDED.with_params(count=folded)))
        lines.append(f"{title}: {' · '.join(parts)}" if parts else f"{title}: –")
    lines += ["", translator.text(say.SMALL_CELLS), "", translator.text(say.CONSULTATIONS)]
    consultations = await svc.pools.consultations(pool.id)
    for c in consultations:
        line = say.CONSULTATION_LINE.with_params(
            title=c.title, invited=c.invited, accepted=c.accepted, rate=_rate(c.invited, c.accepted)
        )
        lines.append(f"• {translator.text(line)}")
    if not consultations:
        lines.append(translator.text(say.NO_CONSULTATIONS))
    rows = ((Button(say.LINK_BUTTON, data("pq", pool.id)), Button(say.EXPORT_BUTTON, data("px", pool.id))),)
    user = update.effective_user
    assert user is not None and update.callback_query is not None
    await update.callback_query.answer()
    await send_lines(context.bot, user.id, lines, translator, rows)
    await mark_handled(update, context)


@pool_button("pq")
async def link_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """The pool's join link and QR code again."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _send_link(update, context, record, pool)
    await mark_handled(update, context)


def pool_tables(
    svc: Services, pool: Pool, members: list[Member], consultations: list[Any], tr: Translator
) -> list[Table]:
    """The pool's participation statistics as tables, without identities and without small cells."""
    counts = [
        (title, value, count)
        for title, shown, folded in breakdown(svc, pool, members, tr)
        for value, count in [*shown, *([(tr.text(say.FOLDED.with_params(count=folded)), folded)] if folded else [])]
    ]
    return [
        Table("pool", ("question", "answer", "members"), (("", "", len(members)), *counts)),
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


@pool_button("px")
async def export_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """The pool's statistics as CSV and XLSX."""
    svc = services(context)
    translator = translator_for(update, context, record)
    tables = pool_tables(svc, pool, await svc.pools.people(pool.id), await svc.pools.consultations(pool.id), translator)
    user = update.effective_user
    assert user is not None and update.callback_query is not None
    await update.callback_query.answer()
    prefix = f"pool-{pool.code}"
    for table in tables:
        await context.bot.send_document(user.id, to_csv(table), filename=f"{prefix}-{table.name}.csv")
    await context.bot.send_document(user.id, to_xlsx(tables), filename=f"{prefix}.xlsx")
    await mark_handled(update, context)


# ---- inviting a pool to a session -------------------------------------------------------------------------


async def offer_invite(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, always: bool = False
) -> None:
    """Offer to invite one of the coordinator's pools to a session (after /new only when they have pools)."""
    user = update.effective_user
    assert user is not None
    pools = await services(context).pools.pools_of(user.id)
    translator = translator_for(update, context, record)
    if not pools:
        if always:
            await send(context.bot, user.id, say.NO_POOLS, translator)
        return
    rows = tuple(
        (Button(say.INVITE_BUTTON.with_params(pool=p.name), data("pi", p.id, session.id)),) for p in pools[:20]
    )
    await send(context.bot, user.id, Reply(say.INVITE_OFFER.with_params(title=session.title), rows), translator)


async def _session(update: Update, context: Context, args: list[str]) -> Session | None:
    user = update.effective_user
    if user is None or not args or not args[0].isdigit():
        return None
    return await services(context).coord.runnable(user.id, int(args[0]))


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


@pool_button("pi")
async def invite_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """Choose whom of the pool to invite."""
    session = await _session(update, context, args)
    query = update.callback_query
    assert query is not None
    if session is None or not isinstance(query.message, Message):
        await query.answer()
        return
    rows = tuple(
        (Button(label, data("pa", pool.id, session.id, audience.kind, audience.value or "all")),)
        for audience, label in _audiences(services(context), pool)
    )
    ask = say.AUDIENCE_ASK.with_params(pool=pool.name, title=session.title)
    await query.answer()
    await edit(query.message, Reply(ask, rows), translator_for(update, context, record))
    await mark_handled(update, context)


def _audience(args: list[str]) -> Audience | None:
    if len(args) != 3 or args[1] not in ("all", "interests", *CHOICE_FIELDS):
        return None
    return Audience(args[1], "" if args[1] == "all" else args[2])


async def _chosen(update: Update, context: Context, args: list[str]) -> tuple[Session, Audience, Message] | None:
    """The session and audience a button names, its press answered; None (handled) when they no longer hold."""
    session = await _session(update, context, args)
    audience = _audience(args)
    query = update.callback_query
    assert query is not None
    await query.answer()
    if session is None or audience is None or not isinstance(query.message, Message):
        await mark_handled(update, context)
        return None
    return session, audience, query.message


def _count(number: int) -> Text | int:
    """A number of people, or "fewer than 3" when it could single someone out."""
    return say.FEWER_THAN_3 if 0 < number < MIN_GROUP else number


@pool_button("pa")
async def audience_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """How many the invitation reaches, and a confirmation."""
    svc = services(context)
    chosen = await _chosen(update, context, args)
    if chosen is None:
        return
    session, audience, message = chosen
    reach = await svc.pools.reach(pool, session.id, audience, svc.clock())
    translator = translator_for(update, context, record)
    if reach.eligible == 0:
        await edit(message, say.NOBODY_TO_INVITE, translator)
    else:
        confirm = say.CONFIRM_INVITE.with_params(count=_count(reach.eligible), over=_count(reach.over_limit))
        rows = (
            (Button(say.SEND_INVITATIONS, data("ps", pool.id, *args)),),
            (Button(coord_texts.CANCEL, data("pc", pool.id)),),
        )
        await edit(message, Reply(confirm, rows), translator)
    await mark_handled(update, context)


@pool_button("ps")
async def send_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """Send the invitations: rows in the outbox, written together with the invitations themselves."""
    svc = services(context)
    chosen = await _chosen(update, context, args)
    if chosen is None:
        return
    session, audience, message = chosen
    sent: Reach | None = await svc.pools.invite(pool, session, audience, svc.clock(), dedupe_key(update))
    if sent is not None:
        done = say.INVITATIONS_SENT.with_params(count=_count(sent.eligible), pool=pool.name)
        await edit(message, done, translator_for(update, context, record))


@pool_button("pc")
async def cancel_pressed(
    update: Update, context: Context, record: CoordinatorRecord, pool: Pool, args: list[str]
) -> None:
    """Invite nobody after all."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    if isinstance(query.message, Message):
        await edit(query.message, coord_texts.CANCELLED, translator_for(update, context, record))
    await mark_handled(update, context)
