"""A voice note written down while the room chats: how long the speaker waits for "I heard: …" while 30 other
people give ideas, and whether their answer times move while the model works beside the chat."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from bench.figures import fresh, newcomers, percentiles, settled, until
from bench.seed import collecting_session
from bench.stage import Stage
from bench.traffic import Watch
from bench.transcription import SPOKEN
from bot.sandbox import SandboxUser, add_person
from tests.voice_clips import speak

NOTES = 8  # voice notes measured while the room chats (the session takes 10 ideas a person)
DRAFT_BUTTONS = 3  # "I heard: …" comes with keep it / type it myself / keep only the recording


async def _draft_time(speaker: SandboxUser, note: bytes, seconds: int) -> float:
    """Send a voice note; seconds until its draft is in the speaker's chat."""
    drafts = sum(len(m.button_labels()) == DRAFT_BUTTONS for m in speaker.inbox)
    started = time.perf_counter()
    await speaker.voice(duration=seconds, data=note)
    await until(lambda: sum(len(m.button_labels()) == DRAFT_BUTTONS for m in speaker.inbox) > drafts, 120, "a draft")
    return time.perf_counter() - started


async def voice_while_chatting(workdir: Path, rate: float, seconds: float) -> dict[str, Any]:
    """The room's answer times without and with voice notes being written down, and each note's wait."""
    note = speak(SPOKEN)
    async with Stage(workdir) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        db = fresh(workdir / "hearing.sqlite3")
        room, own = await collecting_session(db, admin.id), await collecting_session(db, admin.id)
        cache = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = str(workdir / "cache")  # the bot joins the model there, as on a new machine
        try:
            bot = await stage.bot("inspraak", db, admins=(admin.id,), extra=("--transcriber", "local"))
        finally:
            if cache is None:
                del os.environ["XDG_CACHE_HOME"]
            else:
                os.environ["XDG_CACHE_HOME"] = cache
        watch = Watch(stage.standin)
        (speaker,) = await newcomers(stage, own.code, ideas=0, watch=watch, seed=3).finish(1, 1)
        first = await _draft_time(speaker, note, 10)  # joins and loads the model
        crowd = newcomers(stage, room.code, watch=watch)
        await crowd.saturate(8, 3.0)  # warm-up: every language and step has been through once
        quiet = await crowd.offer(rate, seconds)

        async def speaking() -> list[float]:
            waits: list[float] = []
            deadline = time.perf_counter() + seconds
            while len(waits) < NOTES and time.perf_counter() < deadline:
                waits.append(await _draft_time(speaker, note, 10))
            return waits

        cpu = bot.cpu_seconds()
        busy, waits = await asyncio.gather(crowd.offer(rate, seconds), speaking())
        cpu = bot.cpu_seconds() - cpu
        await settled(crowd)
        await bot.stop()
    return {
        "first_draft_s": first,
        "draft_s": percentiles(waits),
        "room_quiet": percentiles(quiet),
        "room_hearing": percentiles(busy),
        "bot_cores": cpu / seconds,
    }
