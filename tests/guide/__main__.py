"""`make guide`: play the guide's scenes against the bot and write what it said into docs/coordinator-guide.md."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from bot.i18n import Catalogs
from tests.guide.document import GUIDE, marked, with_transcripts
from tests.guide.pages import take
from tests.guide.scenes import play


async def main() -> int:
    logging.basicConfig(level=logging.ERROR)  # the bot's own log is not what this is about
    text = GUIDE.read_text(encoding="utf-8")
    wanted = marked(text)
    with tempfile.TemporaryDirectory() as directory:
        played = await play(wanted, Path(directory), Catalogs())
        pictures = await take(Path(directory), Catalogs())
    print(f"{GUIDE.name}: pictures of the web pages in {pictures[0].parent}")
    updated = with_transcripts(text, played)
    if updated == text:
        print(f"{GUIDE.name}: its {len(wanted)} conversations are what the bot says")
    else:
        GUIDE.write_text(updated, encoding="utf-8")
        print(f"{GUIDE.name}: wrote {len(wanted)} conversations as the bot says them now")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
