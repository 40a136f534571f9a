"""What an outbox row says when it is sent: journaled replies and notices rendered in the person's language, and
the proactive messages (alerts, news, results, broadcasts, invitations) made from what the store holds now."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot import exports
from bot.app import action_texts as say
from bot.app import coord_texts
from bot.app.action_words import words_for
from bot.app.agenda import agenda_lines, machine_words
from bot.app.outgoing import (
    TEXT_LIMIT,
    EditText,
    Keyboard,
    Outgoing,
    SendDocument,
    SendPhoto,
    SendText,
    SendVoice,
    decode_reply,
    decode_text,
    pieces,
)
from bot.app.participation import COLLECTING_OPENED, OPT_IN, played_recording, shown, view_of
from bot.app.pool_admin import pool_tables
from bot.app.pools import invitation_buttons, invitation_text
from bot.app.privacy import mydata_file, mydata_text
from bot.app.results import for_participant, summary
from bot.app.services import Services
from bot.domain import (
    PROGRESS_NAMES,
    STATUS_NAMES,
    Action,
    ActionStatus,
    Button,
    Msg,
    Phase,
    Progress,
    Purpose,
    Reply,
    Spoken,
    Text,
    Verbatim,
)
from bot.exports import SessionResults, load_agenda, load_results
from bot.i18n import Translator
from bot.reports import qr_png, qr_sheet, to_csv, to_xlsx
from bot.storage import Conn, actions, broadcasts, keyboards, members, outbox, pools, roles, sessions
from bot.storage.outbox import OutboxRow

log = logging.getLogger(__name__)
TICK = "✓ "
# Seconds between edits of a broadcast's progress message: often enough to watch, rarely enough that the edits
# never hold up the broadcast (the coordinator's chat takes about one message a second).
PROGRESS_EVERY = 2.0


@dataclass(frozen=True)
class Later:
    """Not yet: look again in a moment (a broadcast's tally while messages are still going out)."""

    seconds: float = 2.0


Rendered = list[Outgoing] | Later | None  # None: nothing to say any more (e.g. the action was removed)


QUARTER = timedelta(days=92)


def _news_status(action: Action, status: ActionStatus) -> Msg:
    """The status a news line names: how the year ended, when that is the change it tells of."""
    return action.shown_status if action.ending is not None and status is action.status else STATUS_NAMES[status]


def keyboard(rows: tuple[tuple[Button, ...], ...], translator: Translator) -> Keyboard:
    """Buttons with their labels in the person's language, chosen ones marked."""
    return tuple(tuple(((f"{b.badge} {translator.text(b.label)}".lstrip()), b.action) for b in row) for row in rows)


class Delivery:
    """Renders outbox rows; runs in the store's reading thread (one trip per row), so everything is synchronous."""

    def __init__(self, svc: Services, clock: Callable[[], float] = time.monotonic) -> None:
        self.svc = svc
        self.clock = clock
        self._results: dict[int, SessionResults] = {}  # a closed session's results no longer change
        # When each broadcast's progress was last shown; rows may be rendered in several reading threads at once.
        self._progressed: dict[str, float] = {}
        self._progressing = threading.Lock()
        self._purposes: dict[str, Callable[[Conn, OutboxRow, Translator], Rendered]] = {
            Purpose.REPLY: self._journaled,
            Purpose.NOTICE: self._journaled,
            Purpose.ESCALATION: self._escalation,
            Purpose.STUCK: self._stuck,
            Purpose.UPDATE: self._update,
            Purpose.YEAR_ENDED: self._year_ended,
            Purpose.SUMMARY: self._summary,
            Purpose.DIGEST: self._digest,
            Purpose.OPENED: self._opened,
            Purpose.RESULTS: self._results_row,
            Purpose.BROADCAST: self._broadcast,
            Purpose.BROADCAST_REPORT: self._broadcast_report,
            Purpose.PHASE_REPORT: self._phase_report,
            Purpose.POOL_INVITE: self._pool_invite,
            Purpose.OWNER_LOST: self._owner_lost,
        }

    def render(self, conn: Conn, row: OutboxRow) -> Rendered:
        """What the row says now, in its recipient's language."""
        handler = self._purposes.get(row.purpose)
        if handler is None or row.chat is None:
            return None
        locale = row.payload.get("locale") if row.purpose in (Purpose.REPLY, Purpose.NOTICE) else None
        return handler(conn, row, self.svc.translator_for(str(locale) if locale else row.locale))

    def _text(
        self, row: OutboxRow, text: Text, translator: Translator, buttons: tuple[tuple[Button, ...], ...] = ()
    ) -> list[Outgoing]:
        assert row.chat is not None
        return [SendText(row.chat, translator.render(text), keyboard(buttons, translator))]

    # ---- what a step said -------------------------------------------------------------------------------

    def _journaled(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        payload, chat = row.payload, row.chat
        assert chat is not None
        do = payload.get("do")
        if do == "send":
            reply = decode_reply(payload)
            lead = [decode_text(text) for text in payload.get("lead", [])]
            heard = [*self._supplied(chat, lead, translator), *self._heard(conn, chat, reply, translator)]
            sent = self._opening(chat, lead, reply, translator)
            if reply.slot is None or row.recipient is None:
                return [*sent, *heard]
            earlier = keyboards.holder(conn, row.recipient, reply.slot)  # its buttons no longer apply
            unkeyed: list[Outgoing] = [] if earlier is None else [EditText(chat, earlier, None, optional=True)]
            return [*unkeyed, *sent, *heard]
        if do == "edit":
            return [self._edit(chat, payload, translator)]
        if do == "voice":
            return [SendVoice(chat, str(payload["file_id"]))]
        made = self._made(conn, row, translator)
        return made if made is None or isinstance(made, list) else [made]

    def _opening(self, chat: int, lead: list[Text], reply: Reply, translator: Translator) -> list[Outgoing]:
        """A message with the texts it opens with (see step.combined); apart again should they not fit in one."""
        buttons = keyboard(reply.buttons, translator)
        body = translator.directed("\n\n".join(translator.text(text) for text in (*lead, reply.text)))
        if len(body) <= TEXT_LIMIT:
            return [SendText(chat, body, buttons, reply.slot)]
        return [
            *(SendText(chat, translator.render(text)) for text in lead),
            SendText(chat, translator.render(reply.text), buttons, reply.slot),
        ]

    @staticmethod
    def _supplied(chat: int, texts: list[Text], translator: Translator) -> list[Outgoing]:
        """The recordings supplied with the catalogs of texts a message opened with, to follow it."""
        found = (translator.recording(text) for text in texts)
        return [SendVoice(chat, data=data, optional=True) for data in found if data is not None]

    def _heard(self, conn: Conn, chat: int, reply: Reply, translator: Translator) -> list[Outgoing]:
        """The message read aloud in the reader's language, to follow it: the session's own recording (its question
        or consent text), else a recording of the bot's prompt supplied with the catalogs; nothing where neither."""
        spoken = reply.spoken
        session = sessions.by_id(conn, spoken.session) if spoken is not None else None
        if spoken is not None and session is not None:
            file_id = played_recording(self.svc, conn, session, spoken.subject, translator.locale)
            if file_id is not None:
                return [SendVoice(chat, file_id, optional=True)]
        supplied = translator.recording(reply.text)
        return [SendVoice(chat, data=supplied, optional=True)] if supplied is not None else []

    def _edit(self, chat: int, payload: Mapping[str, Any], translator: Translator) -> Outgoing:
        if "reply" not in payload:
            return EditText(chat, int(payload["message"]), None)
        reply = decode_reply(payload["reply"])
        body = translator.text(reply.text)
        chosen = [decode_text(c) for c in payload.get("chosen", [])]
        if chosen:
            body += "\n\n" + "\n".join(TICK + translator.text(label) for label in chosen)
        return EditText(chat, int(payload["message"]), translator.directed(body), keyboard(reply.buttons, translator))

    def _made(self, conn: Conn, row: OutboxRow, translator: Translator) -> Outgoing | list[Outgoing] | None:
        """A picture, document or view made from a reference when it is sent (a long text in several messages)."""
        payload, chat = row.payload, row.chat
        assert chat is not None
        kind, do = payload.get("kind"), payload.get("do")
        if kind == "qr":
            return self._qr(conn, chat, payload, translator)
        if kind in ("results", "results_chart"):
            session = sessions.by_id(conn, int(payload["session"]))
            if session is None:
                return None
            found = load_results(conn, session)
            if kind == "results":
                return SendText(chat, summary(found, translator))
            return SendPhoto(chat, found.chart(translator)) if found.results.overall.voters else None
        if kind == "agenda_chart":
            return self._agenda_chart(conn, chat, int(payload["session"]), translator)
        if kind == "export":
            session = sessions.by_id(conn, int(payload["session"]))
            if session is None:
                return None
            name = str(payload["name"])
            files = exports.build(
                conn, self.svc.catalogs, session, translator.locale, self.svc.zone, (str(payload["format"]),)
            )
            return SendDocument(chat, files[name], name) if name in files else None
        if kind == "mydata" and do == "text":
            text = mydata_text(conn, chat, translator, self.svc.zone)
            return None if text is None else [SendText(chat, piece) for piece in pieces(text)]
        if kind == "mydata":
            data = mydata_file(conn, chat, str(payload["name"]), translator, self.svc.zone)
            return None if data is None else SendDocument(chat, data, str(payload["name"]))
        if kind == "pool_stats":
            return self._pool_stats(conn, chat, payload, translator)
        log.warning("an outbox row asked for %s %s, which nothing makes", do, kind)
        return None

    def _qr(self, conn: Conn, chat: int, payload: Mapping[str, Any], translator: Translator) -> list[Outgoing]:
        """A session's join sheet, as a photo to show and an A4 PDF to print; the bare code for a pool, an older
        row or a session since removed."""
        link, caption = str(payload["link"]), translator.render(decode_text(payload["caption"]))
        session = sessions.by_id(conn, int(payload["session"])) if "session" in payload else None
        if session is None:
            return [SendPhoto(chat, qr_png(link), caption)]
        scan = (self.svc.catalogs.get(code).text(coord_texts.SCAN_THEN_CHOOSE) for code in session.languages)
        sheet = qr_sheet(link, session.title, session.code, list(dict.fromkeys(scan)))  # once each (fa, fa_AF)
        return [SendPhoto(chat, sheet.png, caption), SendDocument(chat, sheet.pdf, f"join-{session.code}.pdf")]

    def _agenda_chart(self, conn: Conn, chat: int, session_id: int, translator: Translator) -> Outgoing | None:
        session = sessions.by_id(conn, session_id)
        found = actions.of_session(conn, session_id)
        if session is None or not found:
            return None
        heading = translator.text(say.AGENDA.with_params(title=session.title))
        return SendPhoto(chat, load_agenda(conn, session).chart(heading, translator, self.svc.zone, self.svc.clock()))

    def _pool_stats(self, conn: Conn, chat: int, payload: Mapping[str, Any], translator: Translator) -> Outgoing | None:
        pool = pools.by_id(conn, int(payload["pool"]))
        if pool is None:
            return None
        tables = pool_tables(
            self.svc, pool, pools.people_of(conn, pool.id), pools.consultations(conn, pool.id), translator
        )
        name, wanted = str(payload["name"]), str(payload.get("table", ""))
        if not wanted:
            return SendDocument(chat, to_xlsx(tables), name)
        table = next((t for t in tables if t.name == wanted), None)
        return None if table is None else SendDocument(chat, to_csv(table), name)

    # ---- coordinators ----------------------------------------------------------------------------

    def _year_ended(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """An action's year is over: how it ended, and the owner's last words, typed or spoken."""
        assert row.chat is not None
        action = actions.get(conn, int(row.payload["action"]))
        if action is None or action.ending is None:
            return None
        last = next((c for c in reversed(actions.checkins(conn, action.id)) if c.answered_at is not None), None)
        title = words_for(conn, action, translator.locale)[0]
        lines = [translator.text(say.YEAR_ENDED.with_params(action=title, ending=action.shown_status))]
        if last is not None and last.note:
            lines.append(translator.text(say.OWNER_WORDS.with_params(note=last.note)))
        sent: list[Outgoing] = [SendText(row.chat, translator.directed("\n\n".join(lines)))]
        if last is not None and last.note_voice:
            sent.append(SendVoice(row.chat, last.note_voice))
        return sent

    def _escalation(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        action = actions.get(conn, int(row.payload["action"]))
        if action is None:
            return None
        return self._text(
            row, say.ESCALATION.with_params(action=action.title, owner=action.owner_pseudonym or "?"), translator
        )

    def _owner_lost(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        action = actions.get(conn, int(row.payload["action"]))
        if action is None or not action.owner_unreachable:
            return None  # gone, or the owner is back or replaced: nothing to say
        lost = say.OWNER_LOST.with_params(action=action.title, owner=action.owner_pseudonym or "?")
        return self._text(row, lost, translator)

    def _stuck(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        action = actions.get(conn, int(row.payload["action"]))
        if action is None:
            return None
        answer = next((c for c in actions.checkins(conn, action.id) if c.period == int(row.payload["period"])), None)
        help_text: Text = Verbatim(answer.help) if answer and answer.help else say.HELP_NOT_GIVEN
        translated = machine_words(answer, "help") if answer is not None else None
        if answer is not None and answer.help and translated is not None:
            help_text = Verbatim(f"{answer.help}\n{translator.text(translated).strip()}")
        if answer is not None and answer.help_voice:
            help_text = say.HELP_SPOKEN
        message = say.STUCK_ALERT.with_params(action=action.title, owner=action.owner_pseudonym or "?", help=help_text)
        sent = self._text(row, message, translator)
        if row.chat is not None and answer is not None and answer.help_voice:
            sent.append(SendVoice(row.chat, answer.help_voice))
        return sent

    def _digest(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        assert row.chat is not None and row.recipient is not None
        session = roles.runnable(conn, row.recipient, int(row.payload["session"]))
        if session is None:
            return None
        lines = agenda_lines(conn, session, translator, say.DIGEST, self.svc.clock(), self.svc.zone)
        return [SendText(row.chat, translator.directed("\n".join(lines)))]

    # ---- participants who asked to hear what happened --------------------------------------------

    def _update(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """What happened to the actions on the person's ideas since they last heard: one line each."""
        assert row.chat is not None
        found = [
            (action, _news_status(action, ActionStatus(str(item["status"]))))
            for item in actions.news_items(row.payload)
            if (action := actions.get(conn, int(item["action"]))) is not None
        ]
        if not found:
            return None
        if len(found) == 1:
            action, status = found[0]
            lines = [
                translator.text(
                    say.UPDATE.with_params(action=words_for(conn, action, translator.locale)[0], status=status)
                )
            ]
        else:
            lines = [translator.text(say.NEWS)]
            lines += [
                translator.text(say.SUMMARY_LINE.with_params(action=words_for(conn, a, translator.locale)[0], status=s))
                for a, s in found
            ]
        for action, _status in found:  # the owner's last words on a year that ended were meant for them too
            last = actions.checkins(conn, action.id)[-1:] if action.ending is not None else []
            if last and last[0].note:
                lines.append(translator.text(say.OWNER_WORDS.with_params(note=last[0].note)))
        return [SendText(row.chat, translator.directed("\n".join(lines)))]

    def _summary(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        assert row.chat is not None
        found = actions.of_session(conn, int(row.payload["session"]))
        session = sessions.by_id(conn, int(row.payload["session"]))
        if session is None or not found:
            return None
        title = shown(view_of(conn, session), "title", session.title, translator.locale)
        lines = [translator.text(say.SUMMARY.with_params(title=title))]
        since = (self.svc.clock() - QUARTER).isoformat()
        for action in found:
            named = words_for(conn, action, translator.locale)[0]
            lines.append(translator.text(say.SUMMARY_LINE.with_params(action=named, status=action.shown_status)))
            lately = [
                translator.text(PROGRESS_NAMES[Progress(c.status)])
                for c in actions.checkins(conn, action.id)
                if c.status and c.answered_at and c.answered_at >= since
            ]
            if lately:  # what changed in the quarter, not only where it stands
                lines.append(translator.text(say.SUMMARY_LATELY.with_params(answers=" → ".join(lately))))
        return [SendText(row.chat, translator.directed("\n".join(lines)))]

    # ---- everyone in a session -------------------------------------------------------------------

    def _opened(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """A session joined as a draft is collecting now: the question again, in their language, while it lasts."""
        assert row.recipient is not None
        membership = members.of(conn, row.recipient, int(row.payload["session"]))
        if membership is None or membership.session.phase is not Phase.COLLECTING:
            return None
        session, view = membership.session, view_of(conn, membership.session)
        opened = COLLECTING_OPENED.with_params(
            title=shown(view, "title", session.title, translator.locale),
            question=shown(view, "question", session.question, translator.locale),
        )
        assert row.chat is not None
        spoken = Reply(opened, spoken=Spoken(session.id, "question"))
        return self._text(row, opened, translator) + self._heard(conn, row.chat, spoken, translator)

    def _results_row(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """The session closed: the results in their language, and the offer to hear what happens next."""
        assert row.recipient is not None
        session_id = int(row.payload["session"])
        membership = members.of(conn, row.recipient, session_id)
        if membership is None:
            return None
        if session_id not in self._results:  # votes no longer change once closed
            self._results[session_id] = load_results(conn, membership.session)
        text = for_participant(self._results[session_id], membership.group_id, translator)
        offer = ((Button(say.KEEP_ME_INFORMED, OPT_IN.pack(session=session_id)),),)
        return self._text(row, Verbatim(text), translator, offer)

    def _broadcast(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """A coordinator's message, translated where they gave a translation; with it, now and then, the progress."""
        broadcast = broadcasts.get(conn, int(row.payload.get("broadcast", 0)))
        if broadcast is None and "text" not in row.payload:
            return None
        # A broadcast queued before broadcasts had rows of their own carries its words itself.
        text, translations = (
            (broadcast.text, broadcast.translations)
            if broadcast is not None
            else (str(row.payload["text"]), dict(row.payload.get("translations", {})))
        )
        sent: list[Outgoing] = self._text(row, Verbatim(translations.get(row.locale or "", text)), translator)
        if self._progress_due(row.period):
            tally = outbox.tally(conn, Purpose.BROADCAST, row.period)
            progress = self._progress(conn, row, coord_texts.BROADCAST_PROGRESS, tally.get("sent", 0) + 1, tally)
            if progress is not None:
                sent.append(progress)
        return sent

    def _progress_due(self, broadcast: str) -> bool:
        """Whether this row shows the broadcast's progress: the first, then one every PROGRESS_EVERY seconds."""
        now = self.clock()
        with self._progressing:
            last = self._progressed.get(broadcast)
            if last is not None and now - last < PROGRESS_EVERY:
                return False
            self._progressed[broadcast] = now
            return True

    def _broadcast_report(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """When every message of a broadcast is settled, the final numbers on the coordinator's progress message."""
        tally = outbox.tally(conn, Purpose.BROADCAST, row.period)
        if tally.get("pending", 0) or tally.get("sending", 0):
            return Later()
        progress = self._progress(conn, row, coord_texts.BROADCAST_DONE, tally.get("sent", 0), tally)
        return None if progress is None else [progress]

    def _phase_report(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """When every participant's message about a phase change is settled, how many it reached."""
        session = sessions.by_id(conn, int(row.payload["session"]))
        if session is None:
            return None
        told, unreached, waiting = members.reach(conn, session.id, str(row.payload["tell"]), row.period)
        if waiting:
            return Later()
        phase = Phase(str(row.payload["phase"])).label
        report = coord_texts.TOLD.with_params(title=session.title, phase=phase, told=told, unreached=unreached)
        return self._text(row, report, translator)

    def _progress(
        self, conn: Conn, row: OutboxRow, message: Msg, sent: int, tally: Mapping[str, int]
    ) -> Outgoing | None:
        """The coordinator's progress message, counting; None when there is none (any more)."""
        broadcast = broadcasts.get(conn, int(row.payload.get("broadcast", 0)))
        where = (
            (broadcast.status_chat, broadcast.status_message, broadcast.coordinator_locale)
            if broadcast is not None
            else (
                row.payload.get("status_chat"),
                row.payload.get("status_message"),
                row.payload.get("coordinator_locale"),
            )
        )
        chat, message_id, locale = where
        if chat is None or message_id is None:
            return None
        translator = self.svc.catalogs.get(str(locale or self.svc.language))
        total = int(row.payload.get("total", sum(tally.values())))
        text = translator.render(message.with_params(sent=sent, total=total, blocked=tally.get("stopped", 0)))
        return EditText(int(chat), int(message_id), text, optional=True)

    # ---- expert pools ----------------------------------------------------------------------------

    def _pool_invite(self, conn: Conn, row: OutboxRow, translator: Translator) -> Rendered:
        """An invitation to a consultation, while the person is still in the pool and the session still open."""
        invitation = pools.invitation(conn, int(row.payload["invitation"]))
        session = sessions.by_id(conn, int(row.payload["session"]))
        if invitation is None or session is None or not session.phase.open_to_join:
            return None
        text = invitation_text(conn, invitation.pool, session, translator)
        return self._text(row, Verbatim(text), translator, invitation_buttons(invitation.id))
