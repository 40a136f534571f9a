"""The guide's pictures of the web pages: the projector, the sorting board and the report page, as a real Chromium
shows them, from a bot running against the stand-in with a small English session."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from pathlib import Path

from playwright.async_api import Page, async_playwright

from bot.domain import NewIdea, Phase, Session
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import Conn, ideas, members, people, sessions, votes
from bot.storage import themes as theme_store
from bot.web import listening_socket, pages
from tests.conftest import TOKEN
from tests.e2e.browser import FLAGS, chromium
from tests.e2e.conftest import RunningBot, config_for
from tests.guide.scenes import QUESTION, TITLE
from tests.store import owned_session, write

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
PICTURES = ("projector.png", "board.png", "report.png")
LINK = re.compile(r"https?://\S+/(?:projector|board|report)/\S+")
THEMES = (("Language", "🗣️"), ("Work", "💼"), ("Meeting people", "🤝"))
SAID = (  # (language, idea, theme or None)
    ("ar", "دروس لغة هولندية مجانية في المساء", "Language"),
    ("uk", "Розмовний клуб, щоб практикувати нідерландську", "Language"),
    ("ti", "ቀዳማይ ስራሕ ንምርካብ ሓገዝ", "Work"),
    ("nl", "Een koffieochtend in de wijk, elke week", "Meeting people"),
    ("en", "A buddy from the neighbourhood for every new family", None),
    ("ar", "مساعدة في كتابة السيرة الذاتية", None),
)
BALLOTS = {
    "newcomer": ("Language", "Work", "Meeting people"),
    "professional": ("Work", "Language", "Meeting people"),
    "resident": ("Meeting people", "Language", "Work"),
}


def _room(conn: Conn, owner: int) -> Session:
    """A session as it stands during sorting: ideas in five languages, some sorted, and each person's ballot."""
    session = owned_session(conn, owner, TITLE, QUESTION, "ranking", Phase.SORTING, THEMES, idea_limit=5)
    named = {t.name: t.id for t in theme_store.of_session(conn, session.id)}
    groups = tuple(BALLOTS)
    for number in range(9):  # three of each group; the first six gave an idea each
        group = groups[number % 3]
        person = people.ensure(conn, 4_000_000 + number)
        people.set_locale(conn, person.id, SAID[number % len(SAID)][0])
        membership, _ = members.enter(conn, person.id, session, f"P-G{number:05d}", group)
        members.agree(conn, membership.id)
        if number < len(SAID):
            language, text, theme = SAID[number]
            ideas.add(conn, session.id, membership.id, [NewIdea(1, text, language=language)])
            if theme is not None:
                ideas.sort_into(conn, session.id, ideas.all_cards(conn, session.id)[-1].id, named[theme])
        votes.cast(conn, session.id, membership.id, "ranking", [str(named[name]) for name in BALLOTS[group]])
    return session


async def _link(coordinator: SandboxUser, command: str) -> str:
    await coordinator.send(command)
    while True:
        found = LINK.search((await coordinator.reply()).content())
        if found is not None:
            return found.group(0)


async def _shoot(page: Page, address: str, picture: str) -> None:
    await page.goto(address)
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=IMAGES / picture, full_page=False)


async def take(directory: Path, catalogs: Catalogs) -> list[Path]:
    """Take the guide's pictures of the web pages; where they are."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    standin = StandIn(TOKEN)
    await standin.start()
    try:
        sock = listening_socket("127.0.0.1", 0)
        config = replace(config_for(standin, directory / "pages.sqlite3"), web_port=sock.getsockname()[1])
        bot = RunningBot(standin, config, catalogs, web=partial(pages, sock=sock))
        await bot.start()
        try:
            alex = add_person(standin, "Alex", "en")
            session = await write(config.db, lambda conn: _room(conn, alex.id))
            board = await _link(alex, "/sort")
            await write(config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.COLLECTING))
            projector = await _link(alex, "/projector")
            report = await _link(alex, "/report")
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=chromium(), args=list(FLAGS))
                page = await browser.new_page(locale="en", viewport={"width": 1280, "height": 800})
                await _shoot(page, projector, "projector.png")
                await write(config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.SORTING))
                await _shoot(page, board, "board.png")
                await write(config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.CLOSED))
                await _shoot(page, report, "report.png")
                await browser.close()
        finally:
            await bot.stop()
    finally:
        await standin.stop()
    return [IMAGES / picture for picture in PICTURES]
