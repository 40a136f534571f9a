"""Machine translation in the background: what waits goes to the service outside anyone's step, and what comes
back is kept next to the original, with the coordinator who asked told in the same transaction. A service that is
down or slow is tried again later; one that cannot translate a language is told once and not asked again."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.app import coord_texts as say
from bot.app import pool_texts, texts
from bot.app.background import LONG_WAIT, backoff, keep_looking
from bot.app.outgoing import encode_reply
from bot.app.services import Services
from bot.app.step import Step
from bot.domain import Msg, Purpose, Reply, translatable
from bot.domain.pool import POOL_TEXTS
from bot.i18n import SUPPORTED, native_name
from bot.mt import MachineTranslator, Misconfigured, Unavailable, Unsupported
from bot.storage import Conn, actions, machine, pools, sessions, themes, translations
from bot.storage.machine import Passage, Request
from bot.storage.outbox import Letter, enqueue

log = logging.getLogger(__name__)

BATCH = 20  # requests taken per look
# A coordinator's texts drafted in every language in one go: where each draft is kept, and what says they are ready.
DRAFTED: dict[str, tuple[Callable[[Conn, int, str, str, str, str], None], Msg]] = {
    "session": (machine.put_content, say.MACHINE_DRAFTS_DONE),
    "pool": (pools.draft, pool_texts.MACHINE_DRAFTS_DONE),
}


@dataclass(frozen=True)
class Work:
    """A request with the words it stands for, keyed by where each translation goes."""

    request: Request
    passages: dict[str, Passage]


def gather(conn: Conn, now: datetime) -> list[Work]:
    """Ask for what sessions translate as it comes, then take what is due with its words; requests with nothing
    left to translate are settled here."""
    machine.request_automatic(conn, now)
    found: list[Work] = []
    for request in machine.due(conn, now, BATCH):
        passages = _passages(conn, request)
        if passages:
            found.append(Work(request, passages))
        else:
            machine.done(conn, request)
    return found


def _passages(conn: Conn, request: Request) -> dict[str, Passage]:
    if request.kind == "idea":
        passage = machine.idea_passage(conn, request.ref)
        return {"idea": passage} if passage is not None else {}
    if request.kind == "checkin":
        return {p.part: p for p in machine.checkin_passages(conn, request.ref, request.period)}
    if request.kind == "pool":
        pool = pools.by_id(conn, request.ref)
        if pool is None:
            return {}
        words = [(subject, getattr(pool, subject)) for subject in POOL_TEXTS]
        return _drafts(words, pool.source_locale, SUPPORTED, pools.translations_of(conn, pool.id))
    session = sessions.by_id(conn, request.ref)
    if session is None:
        return {}
    texts = translatable(session, themes.of_session(conn, session.id), actions.of_session(conn, session.id))
    return _drafts(texts, session.source_locale, session.languages, translations.of_session(conn, session.id))


def _drafts(
    texts: list[tuple[str, str]], source: str | None, languages: Iterable[str], known: Mapping[tuple[str, str], str]
) -> dict[str, Passage]:
    """A coordinator's texts to draft in every other language, where nobody has translated them yet."""
    if source is None:
        return {}
    return {
        f"{code}\n{subject}": Passage(original, source, code, subject)
        for code in languages
        if code != source
        for subject, original in texts
        if original.strip() and (subject, code) not in known
    }


def ask_for_drafts(step: Step, kind: str, ref: int, by: int) -> None:
    """A coordinator asked for machine drafts of every missing text (a session's or a pool's): queue the work and
    say so; the button is stale when no service is configured any more."""
    if step.svc.machine is None:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    machine.request(step.conn, kind, ref, step.now, by=by)
    step.say(say.MACHINE_DRAFTS_ASKED.with_params(service=step.svc.machine))


class Translating:
    """Sends what waits for translation to the configured service, a batch per look."""

    def __init__(self, svc: Services, service: MachineTranslator) -> None:
        self.svc = svc
        self.service = service

    async def run(self, stop: asyncio.Event, every: float) -> None:
        """Look for work every `every` seconds until `stop` is set."""
        await keep_looking(self.tick, stop, every, "machine translation", self.svc.db.leading)

    async def tick(self) -> int:
        """Translate what is due; how many requests were settled."""
        work = await self.svc.db.write(partial(gather, now=self.svc.clock()))
        settled = 0
        for item in work:
            settled += await self._translate(item)
        return settled

    async def _translate(self, work: Work) -> int:
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for key, passage in work.passages.items():
            groups[(passage.source, passage.target)].append(key)
        results: dict[str, str] = {}
        unsupported: list[str] = []
        for (source, target), keys in groups.items():
            words = [work.passages[key].text for key in keys]
            try:
                results.update(zip(keys, await self.service.translate(words, source, target), strict=True))
            except Unsupported:  # named by the language that is not the coordinator's
                unsupported.append(target if work.request.kind in DRAFTED else source)
            except (Unavailable, Misconfigured) as error:
                wait = error.retry_after if isinstance(error, Unavailable) else LONG_WAIT
                log.warning("the translation service could not answer (%s); trying again later", type(error).__name__)
                at = self.svc.clock() + backoff(work.request.attempts, wait)
                await self.svc.db.write(partial(self._keep, work=work, results=results, at=at))
                return 0
        await self.svc.db.write(partial(self._keep, work=work, results=results, unsupported=unsupported))
        return 1

    def _keep(
        self,
        conn: Conn,
        work: Work,
        results: dict[str, str],
        unsupported: list[str] | None = None,
        at: datetime | None = None,
    ) -> None:
        """Store what came back and settle the request (or put it off until `at`), telling who asked, in one
        transaction; a language the service lacks is given up and said."""
        request, name = work.request, self.service.name
        told: Msg | None = None
        if request.kind == "idea" and "idea" in results:
            machine.put_idea(conn, request.ref, work.passages["idea"], results["idea"], name)
            told = say.MACHINE_IDEA_DONE.with_params(original=work.passages["idea"].text, text=results["idea"])
        elif request.kind == "checkin" and results:
            machine.put_checkin(conn, request.ref, request.period, results, name)
        elif request.kind in DRAFTED:
            keep, ready = DRAFTED[request.kind]
            for key, text in results.items():
                passage = work.passages[key]
                keep(conn, request.ref, passage.part, passage.target, text, name)
            if at is None:
                told = ready.with_params(count=len(results))
        if at is not None:
            machine.later(conn, request, at)
        elif unsupported and not results:
            machine.refuse(conn, request, "unsupported")
        else:
            machine.done(conn, request)
        if told is not None:
            self._tell(conn, request, told)
        if unsupported:
            named = ", ".join(native_name(code) for code in sorted(set(unsupported)))
            self._tell(conn, request, say.MACHINE_UNSUPPORTED.with_params(service=name, languages=named), "refused")

    def _tell(self, conn: Conn, request: Request, message: Msg, what: str = "done") -> None:
        """A notice to the coordinator who asked (nobody is told of automatic work)."""
        if request.requested_by is None:
            return
        key = f"mt:{request.kind}:{request.ref}:{request.period}:{self.svc.clock().isoformat()}:{what}"
        said = {"do": "send", **encode_reply(Reply(message))}
        enqueue(conn, [Letter(Purpose.NOTICE, request.requested_by, key, self.svc.clock(), said)])
