"""Voice notes in words: the transcriber hears a voice idea beside the chat, its giver is shown the draft ("I heard:
…") and keeps it, types their own words, or keeps only the recording; the recording always stays."""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from bot.app.background import LONG_WAIT, backoff, keep_looking
from bot.app.dispatch import button
from bot.app.outgoing import encode_reply
from bot.app.services import Services
from bot.app.step import Step
from bot.app.texts import BUTTON_EXPIRED
from bot.domain import Button, ButtonKind, Msg, Purpose, Reply
from bot.hear import Misconfigured, Rejected, Transcriber, Unavailable, Unsupported
from bot.i18n import native_name
from bot.storage import Conn, voices
from bot.storage.outbox import Letter, enqueue
from bot.storage.privacy import DELETED
from bot.storage.voices import Draft, Waiting

log = logging.getLogger(__name__)

BATCH = 4  # voice notes taken per look (each is heard on its own; the transcriber keeps a core free)

HEARD = Msg("voice.heard", "I heard:\n\n{text}\n\nIs that what you said?")
KEEP = Msg("voice.keep", "Yes, keep it")
TYPE = Msg("voice.type", "No, I will type it")
ONLY_RECORDING = Msg("voice.only_recording", "Keep only my recording")
TYPE_NOW = Msg("voice.type_now", "Type what you said, in one message.")
KEPT = Msg("voice.kept", "Thank you. Your words are kept with your recording:\n\n{text}")
RECORDING_KEPT = Msg("voice.recording_kept", "Your recording is kept as it is. A coordinator will listen to it.")
CANNOT_WRITE = Msg(
    "voice.unsupported",
    "Your voice message is kept. The bot cannot write down {language}, so a coordinator will listen to it.",
)
TOO_LONG = Msg(
    "voice.too_long",
    "Your voice message is kept. It is too long to write down, so a coordinator will listen to it.",
)

VOICE_KEEP = ButtonKind("p:vk", (("idea", int),))
VOICE_TYPE = ButtonKind("p:vt", (("idea", int),))
VOICE_ONLY = ButtonKind("p:vr", (("idea", int),))


class Hearing:
    """Writes down waiting voice ideas with the configured transcriber, a few per look."""

    def __init__(self, svc: Services, transcriber: Transcriber, max_seconds: int) -> None:
        self.svc = svc
        self.transcriber = transcriber
        self.max_seconds = max_seconds

    async def run(self, stop: asyncio.Event, every: float) -> None:
        """Look for voice ideas every `every` seconds until `stop` is set."""
        await keep_looking(self.tick, stop, every, "writing down a voice note", self.svc.db.leading)

    async def tick(self) -> int:
        """Hear what is due; how many voice ideas were settled."""
        due = await self.svc.db.read(partial(voices.due, now=self.svc.clock(), limit=BATCH))
        settled = 0
        for waiting in due:
            settled += await self._hear(waiting)
        return settled

    async def _hear(self, waiting: Waiting) -> int:
        if waiting.file_id in (None, DELETED):
            return await self._settle(waiting, voices.RECORDING, None)
        if waiting.language is None or not self.transcriber.supports(waiting.language):
            return await self._settle(waiting, voices.UNSUPPORTED, None)
        if (waiting.duration or 0) > self.max_seconds:
            return await self._settle(waiting, voices.TOO_LONG, None)
        assert self.svc.files is not None and waiting.file_id is not None
        try:
            audio = await self.svc.files(waiting.file_id)
            words = (await self.transcriber.transcribe(audio, waiting.language)).strip()
        except Unsupported:
            return await self._settle(waiting, voices.UNSUPPORTED, None)
        except Rejected:
            return await self._settle(waiting, voices.RECORDING, None)
        except (Unavailable, Misconfigured) as error:
            wait = error.retry_after if isinstance(error, Unavailable) else LONG_WAIT
            log.warning("a voice note could not be written down (%s); trying again later", type(error).__name__)
            at = self.svc.clock() + backoff(waiting.attempts, wait)
            await self.svc.db.write(partial(voices.later, idea_id=waiting.idea_id, at=at))
            return 0
        except Exception as error:  # the recording could not be fetched: like a service that did not answer
            log.warning("a voice note could not be fetched (%s); trying again later", type(error).__name__)
            at = self.svc.clock() + backoff(waiting.attempts, None)
            await self.svc.db.write(partial(voices.later, idea_id=waiting.idea_id, at=at))
            return 0
        return await self._settle(waiting, voices.ASKED if words else voices.RECORDING, words or None)

    async def _settle(self, waiting: Waiting, state: str, words: str | None) -> int:
        await self.svc.db.write(partial(self._settled, waiting=waiting, state=state, words=words))
        return 1

    def _settled(self, conn: Conn, waiting: Waiting, state: str, words: str | None) -> None:
        """Keep what was heard and tell its giver, in one transaction (nothing when it was settled meanwhile)."""
        if not voices.settle(conn, waiting.idea_id, state, words):
            return
        idea = waiting.idea_id
        if state == voices.ASKED:
            rows = (
                (Button(KEEP, VOICE_KEEP.pack(idea=idea)),),
                (Button(TYPE, VOICE_TYPE.pack(idea=idea)),),
                (Button(ONLY_RECORDING, VOICE_ONLY.pack(idea=idea)),),
            )
            told = Reply(HEARD.with_params(text=words), rows)
        elif state == voices.UNSUPPORTED:
            told = Reply(CANNOT_WRITE.with_params(language=native_name(waiting.language or "")))
        elif state == voices.TOO_LONG:
            told = Reply(TOO_LONG)
        else:
            return  # a recording that was deleted, or in which nothing could be heard: it stays as it is
        said = {"do": "send", **encode_reply(told)}
        enqueue(conn, [Letter(Purpose.NOTICE, waiting.participant_id, f"voice:{idea}", self.svc.clock(), said)])


# ---- the giver's choice ----------------------------------------------------------------------------


def _draft(step: Step, idea: int) -> Draft | None:
    """The pressed draft, if it is the person's own and still open to a choice; else the press is refused."""
    person = step.person
    found = voices.of_person(step.conn, idea, person.id) if person is not None else None
    if found is None or found.state not in (voices.ASKED, voices.TYPING):
        step.answer(BUTTON_EXPIRED, alert=True)
        return None
    return found


@button(VOICE_KEEP)
def heard_kept(step: Step, idea: int) -> None:
    """The draft becomes the idea's words, beside the recording."""
    draft = _draft(step, idea)
    if draft is not None and draft.draft and voices.decide(step.conn, draft, voices.KEPT, draft.draft):
        step.edit(KEPT.with_params(text=draft.draft))


@button(VOICE_TYPE)
def typing_asked(step: Step, idea: int) -> None:
    """The person's next message becomes the idea's words."""
    draft = _draft(step, idea)
    if draft is not None and voices.decide(step.conn, draft, voices.TYPING):
        step.edit(TYPE_NOW)


@button(VOICE_ONLY)
def recording_only(step: Step, idea: int) -> None:
    """The draft is dropped; the recording stays as the idea."""
    draft = _draft(step, idea)
    if draft is not None and voices.decide(step.conn, draft, voices.RECORDING):
        step.edit(RECORDING_KEPT)


def typed(conn: Conn, participant_id: int, text: str) -> Reply | None:
    """A message from someone who said they would type a voice note's words: those words (None: nobody waits)."""
    draft = voices.typing(conn, participant_id)
    if draft is None or not voices.decide(conn, draft, voices.TYPED, text.strip()):
        return None
    return Reply(KEPT.with_params(text=text.strip()))
