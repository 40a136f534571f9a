"""The coordinator guide's conversations are what the bot says today: each one played against the real bot."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from bot.i18n import Catalogs
from tests.guide.document import GUIDE, marked, with_transcripts
from tests.guide.pages import PICTURES
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


def test_the_pictures_the_coordinator_guide_shows_are_there() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", guide)
    assert sorted(shown) == sorted(f"images/{picture}" for picture in PICTURES), (
        "each page has its picture in the guide"
    )
    for picture in shown:
        assert (GUIDE.parent / picture).read_bytes().startswith(b"\x89PNG"), f"{picture}: run `make guide`"
