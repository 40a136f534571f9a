"""The outbox's delivery port on Telegram: turns each row into messages in the recipient's language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.conversation import Facts, FlowState, begin
from bot.domain import (
    STATUS_NAMES,
    Action,
    ActionStatus,
    Button,
    Changes,
    Membership,
    Msg,
    Phase,
    Reply,
    Text,
    Verbatim,
)
from bot.exports import SessionResults, load_results
from bot.i18n import Translator
from bot.scheduling import Blocked, RateLimited, Transient
from bot.storage import Letter, OutboxRow, update_key
from bot.storage.outbox import (
    BROADCAST,
    BROADCAST_REPORT,
    CHECKIN,
    DIGEST,
    ESCALATION,
    POOL_INVITE,
    REMINDER,
    RESULTS,
    STUCK,
    SUMMARY,
    UPDATE,
    VOTE_OPEN,
)
from bot.tg import action_texts as say
from bot.tg.agenda import agenda_lines
from bot.tg.compat import seconds
from bot.tg.coord_texts import BROADCAST_DONE, BROADCAST_PROGRESS, NOTICE_PRIORITISING
from bot.tg.journey import facts_for, view_of, vote_flow
from bot.tg.pools import invitation_buttons, invitation_text
from bot.tg.render import send
from bot.tg.results_view import OPT_IN, for_participant
from bot.tg.services import Services

log = logging.getLogger(__name__)
CHECKIN_FLOW = "checkin"


class Notifier:
    """Delivers outbox rows; Telegram's answers become the runner's Blocked, RateLimited and Transient."""

    def __init__(self, bot: Bot, services: Services) -> None:
        self.bot = bot
        self.svc = services
        self._purposes: dict[str, Callable[[OutboxRow], Awaitable[bool]]] = {
            CHECKIN: self._checkin,
            REMINDER: self._reminder,
            ESCALATION: self._escalation,
            STUCK: self._stuck,
            UPDATE: self._update,
            SUMMARY: self._summary,
            DIGEST: self._digest,
            VOTE_OPEN: self._vote_open,
            RESULTS: self._results,
            BROADCAST: self._broadcast,
            BROADCAST_REPORT: self._broadcast_report,
            POOL_INVITE: self._pool_invite,
        }
        self._results_cache: dict[int, SessionResults] = {}

    async def __call__(self, row: OutboxRow) -> bool:
        handler = self._purposes.get(row.purpose)
        if handler is None or row.telegram_id is None:
            return False
        try:
            return await handler(row)
        except Forbidden as error:
            raise Blocked from error
        except RetryAfter as error:
            raise RateLimited(seconds(error, "retry_after")) from error
        except (TimedOut, NetworkError) as error:
            if isinstance(error, BadRequest):
                if "chat not found" in str(error).lower():
                    raise Blocked from error
                raise
            raise Transient from error

    def _translator(self, row: OutboxRow) -> Translator:
        return self.svc.translator_for(row.locale, None)

    async def _send(self, row: OutboxRow, message: Reply | Text) -> None:
        assert row.telegram_id is not None
        await send(self.bot, row.telegram_id, message, self._translator(row))

    async def _action(self, row: OutboxRow) -> Action | None:
        return await self.svc.actions.get(int(row.payload["action"]))

    # ---- action owners ---------------------------------------------------------------------------

    async def _checkin(self, row: OutboxRow) -> bool:
        """Put the owner at the check-in's first question and ask it."""
        action = await self._action(row)
        if action is None or action.status is not ActionStatus.ACTIVE:
            return False
        found = await self.svc.actions.owner_membership(action)
        if found is None:
            return False
        _, membership = found
        period = int(row.payload["period"])
        answers = {"action": action.id, "period": period, "action_title": action.title}
        opening = begin(self.svc.flows[CHECKIN_FLOW], Facts(), answers)
        await self.svc.actions.mark_sent(action.id, period, membership.id, opening.state.to_json())
        for output in opening.outputs:
            if isinstance(output, Reply):
                await self._send(row, output)
        return True

    async def _reminder(self, row: OutboxRow) -> bool:
        """One reminder for an unanswered check-in; the second silence in a row is told to the coordinators."""
        action = await self._action(row)
        if action is None or action.status is not ActionStatus.ACTIVE:
            return False
        period = int(row.payload["period"])
        checkins = {c.period: c for c in await self.svc.actions.checkins(action.id)}
        this = checkins.get(period)
        if this is None or this.sent_at is None or this.answered_at is not None:
            return False
        await self._send(row, say.REMINDER.with_params(action=action.title))
        before = checkins.get(period - 1)
        silent_twice = before is not None and before.sent_at is not None and before.answered_at is None
        letters = []
        if silent_twice:
            payload = {"action": action.id, "period": period}
            letters = [
                Letter(ESCALATION, coordinator, f"{action.id}:{period}", self.svc.clock(), payload)
                for coordinator in await self.svc.actions.coordinators(action.session_id)
            ]
        await self.svc.actions.reminded(action.id, period, letters)
        return True

    # ---- coordinators ----------------------------------------------------------------------------

    async def _escalation(self, row: OutboxRow) -> bool:
        action = await self._action(row)
        if action is None:
            return False
        await self._send(row, say.ESCALATION.with_params(action=action.title, owner=action.owner_pseudonym or "?"))
        return True

    async def _stuck(self, row: OutboxRow) -> bool:
        action = await self._action(row)
        if action is None:
            return False
        checkins = {c.period: c for c in await self.svc.actions.checkins(action.id)}
        answer = checkins.get(int(row.payload["period"]))
        help_text: Text = Verbatim(answer.help) if answer and answer.help else say.HELP_NOT_GIVEN
        message = say.STUCK_ALERT.with_params(action=action.title, owner=action.owner_pseudonym or "?", help=help_text)
        await self._send(row, message)
        return True

    async def _digest(self, row: OutboxRow) -> bool:
        session_id = int(row.payload["session"])
        session = await self.svc.coord.runnable_by_participant(row.recipient, session_id)
        if session is None:
            return False
        translator = self._translator(row)
        lines = await agenda_lines(self.svc, session, translator, say.DIGEST)
        assert row.telegram_id is not None
        await self.bot.send_message(row.telegram_id, translator.directed("\n".join(lines)))
        return True

    # ---- participants who asked to hear what happened --------------------------------------------

    async def _update(self, row: OutboxRow) -> bool:
        action = await self._action(row)
        if action is None:
            return False
        status: Msg = STATUS_NAMES[ActionStatus(str(row.payload["status"]))]
        await self._send(row, say.UPDATE.with_params(action=action.title, status=status))
        return True

    async def _summary(self, row: OutboxRow) -> bool:
        actions = await self.svc.actions.of_session(int(row.payload["session"]))
        session = await self.svc.repo.session_by_id(int(row.payload["session"]))
        if session is None or not actions:
            return False
        translator = self._translator(row)
        lines = [translator.text(say.SUMMARY.with_params(title=session.title))]
        lines += [
            translator.text(say.SUMMARY_LINE.with_params(action=a.title, status=STATUS_NAMES[a.status]))
            for a in actions
        ]
        assert row.telegram_id is not None
        await self.bot.send_message(row.telegram_id, translator.directed("\n".join(lines)))
        return True

    # ---- everyone in a session -------------------------------------------------------------------

    async def _membership(self, row: OutboxRow) -> Membership | None:
        return await self.svc.repo.membership_of(row.recipient, int(row.payload["session"]))

    async def _vote_open(self, row: OutboxRow) -> bool:
        """Prioritising opens: the news and the vote's first question, with the themes in their language."""
        membership = await self._membership(row)
        if membership is None or membership.session.phase is not Phase.PRIORITISING:
            return False
        session, locale = membership.session, membership.participant.locale
        view = await view_of(self.svc, session)
        facts = facts_for(view, locale, membership.id, locale)
        opening = begin(self.svc.flows[vote_flow(session)], facts, FlowState.from_json(membership.flow_state).answers)
        key = update_key(f"open-voting:{session.id}:{membership.id}")
        if not await self.svc.repo.advance(
            membership, Changes(flow_state=opening.state.to_json()), key, self.svc.clock()
        ):
            return False  # already opened for this person
        await self._send(row, NOTICE_PRIORITISING.with_params(title=facts.params["title"]))
        for output in opening.outputs:
            if isinstance(output, Reply):
                await self._send(row, output)
        return True

    async def _results(self, row: OutboxRow) -> bool:
        """The session closed: the results in their language, and the offer to hear what happens next."""
        membership = await self._membership(row)
        if membership is None:
            return False
        session_id = membership.session.id
        if session_id not in self._results_cache:  # votes no longer change once closed
            self._results_cache[session_id] = await load_results(self.svc.repo, self.svc.coord, membership.session)
        found = self._results_cache[session_id]
        translator = self._translator(row)
        offer = ((Button(say.KEEP_ME_INFORMED, OPT_IN),),)
        await self._send(row, Reply(for_participant(found, membership.group_id, translator), offer))
        return True

    async def _broadcast(self, row: OutboxRow) -> bool:
        """A coordinator's message, translated where they gave a translation; progress every ten sends."""
        translations = dict(row.payload.get("translations", {}))
        await self._send(row, Verbatim(str(translations.get(row.locale or "", row.payload["text"]))))
        tally = await self.svc.outbox.tally(BROADCAST, row.period)
        sent = tally.get("sent", 0) + 1
        if sent % 10 == 0:
            await self._progress(row, BROADCAST_PROGRESS, sent, tally)
        return True

    async def _broadcast_report(self, row: OutboxRow) -> bool:
        """When every message of a broadcast is settled, the final numbers on the coordinator's progress message."""
        tally = await self.svc.outbox.tally(BROADCAST, row.period)
        if tally.get("pending", 0) or tally.get("sending", 0):
            raise Transient  # not all out yet: look again later
        await self._progress(row, BROADCAST_DONE, tally.get("sent", 0), tally)
        return True

    # ---- expert pools ----------------------------------------------------------------------------

    async def _pool_invite(self, row: OutboxRow) -> bool:
        """An invitation to a consultation, while the person is still in the pool and the session still open."""
        invitation = await self.svc.pools.invitation(int(row.payload["invitation"]))
        session = await self.svc.repo.session_by_id(int(row.payload["session"]))
        if invitation is None or session is None or not session.phase.open_to_join:
            return False
        translator = self._translator(row)
        text = await invitation_text(self.svc, invitation.pool, session, translator)
        await self._send(row, Reply(Verbatim(text), invitation_buttons(invitation.id)))
        return True

    async def _progress(self, row: OutboxRow, message: Msg, sent: int, tally: Mapping[str, int]) -> None:
        translator = self.svc.catalogs.get(str(row.payload.get("coordinator_locale", self.svc.config.language)))
        total = int(row.payload.get("total", sum(tally.values())))
        text = translator.render(message.with_params(sent=sent, total=total, blocked=tally.get("stopped", 0)))
        try:
            await self.bot.edit_message_text(text, int(row.payload["status_chat"]), int(row.payload["status_message"]))
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
