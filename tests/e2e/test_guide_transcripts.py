"""The coordinator guide's conversations are what the bot says today: each one played against the real bot."""

from __future__ import annotations

import difflib
from pathlib import Path

from bot.i18n import Catalogs
from tests.guide.document import GUIDE, marked, with_transcripts
from tests.guide.scenes import names, play


async def test_the_coordinator_guides_conversations_are_what_the_bot_says_today(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    wanted = marked(guide)
    assert sorted(wanted) == sorted(names()), "every scene's conversation has one place in the guide, and no more"

    today = with_transcripts(guide, await play(wanted, tmp_path, catalogs))

    drift = "".join(
        difflib.unified_diff(
            guide.splitlines(keepends=True), today.splitlines(keepends=True), "the guide", "what the bot says"
        )
    )
    assert not drift, f"docs/coordinator-guide.md no longer shows what the bot says; run `make guide`:\n{drift}"
