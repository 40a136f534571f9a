"""A coordinator turns the session into a report worth putting in front of a director: they mark quotes and write
an introduction on the board, and share the report page, which reads in any of the session's languages, says what
stands out in words first, and is the same document as the exports."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from bot.domain import Phase
from bot.exports import FIRST_OVERALL, LABELS, build
from bot.i18n import Catalogs
from bot.i18n.bidi import unmarked
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import ideas, sessions
from tests.e2e.browser import artifact
from tests.e2e.conftest import RunningBot
from tests.e2e.test_board import board_link
from tests.store import owned_session, read, voted, write

LINK = re.compile(r"https?://\S+/report/\S+")
THEMES = (("Taal", "🗣️"), ("Werk", None), ("Wonen", None))
BALLOTS = {"newcomer": ("Taal", "Werk", "Wonen"), "professional": ("Werk", "Wonen", "Taal")}
INTRODUCTION = "In november spraken dertig nieuwe en oude inwoners van Assen over thuis voelen.\nDit is wat zij zeiden."


async def report_link(coordinator: SandboxUser) -> str:
    await coordinator.send("/report")
    await coordinator.reply()  # what the page is, and how long the link works
    found = LINK.search((await coordinator.reply()).text)
    assert found is not None
    return found.group(0)


async def test_a_coordinator_shares_a_report_page_with_findings_first_their_introduction_and_quotes(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await write(
        web_bot.config.db,
        lambda conn: owned_session(
            conn, marloes.id, "Thuis in Assen", "Wat helpt u?", "ranking", Phase.SORTING, THEMES
        ),
    )
    await write(web_bot.config.db, lambda conn: voted(conn, session, BALLOTS, each=3))
    quoted = "newcomer 2"
    card = next(
        c for c in await read(web_bot.config.db, lambda conn: ideas.all_cards(conn, session.id)) if c.text == quoted
    )
    await write(
        web_bot.config.db, lambda conn: ideas.annotate(conn, session.id, card.id, "translation", "nieuwkomer 2")
    )

    board_page = await (await browser.new_context(locale="nl")).new_page()
    await board_page.goto(await board_link(marloes))
    await board_page.locator(f".card > .original:text-is('{quoted}')").click()
    await board_page.locator("#actions button[data-op=quote]:not([data-text])").click()
    await expect(board_page.locator(".card.quoted")).to_contain_text(quoted, timeout=10_000)
    await board_page.locator("#introduction textarea").fill(INTRODUCTION)
    await board_page.locator("#introduction button[type=submit]").click()
    await expect(board_page.locator("#notice")).to_be_hidden()
    assert await read(web_bot.config.db, lambda conn: sessions.introduction(conn, session.id)) == INTRODUCTION

    await write(web_bot.config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.CLOSED))
    link = await report_link(marloes)
    page = await (await browser.new_context(locale="nl")).new_page()
    response = await page.goto(link)
    assert response is not None and response.status == 200
    nl = catalogs.get("nl")
    headings = await page.locator("h2").all_inner_texts()
    findings, results = nl.text(LABELS["findings"]), nl.text(LABELS["results"])
    assert headings.index(findings) < headings.index(results), "what stands out comes first, in words"
    await expect(page.locator(".introduction")).to_contain_text("dertig nieuwe en oude inwoners")
    await expect(page.locator(".findings")).to_contain_text("Taal")
    first = unmarked(nl.text(FIRST_OVERALL.with_params(theme="🗣️ Taal", score="x"))).split("🗣️")[0]
    await expect(page.locator(".findings")).to_contain_text(first.strip())
    quote = page.locator("blockquote")
    await expect(quote).to_have_count(1)
    await expect(quote).to_contain_text(quoted)
    await expect(quote).to_contain_text("nieuwkomer 2")
    content = await page.content()
    assert not re.search(r"P-[A-Z]{3}\d{3}", content), "the shared page shows no code names"

    exported = await read(
        web_bot.config.db, lambda conn: build(conn, catalogs, session, "nl", web_bot.config.zone, ("html", "md"))
    )
    document = exported[f"{session.code}-report.html"].decode()
    markdown = exported[f"{session.code}-report.md"].decode()
    for part in ("dertig nieuwe en oude inwoners", quoted, "nieuwkomer 2", findings, first.strip()):
        assert part in document and part in markdown, f"the exports are the same document: {part}"

    await page.locator("nav a[lang=ar]").click()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("h2").first).to_have_text(catalogs.get("ar").text(LABELS["findings"]))
    await page.screenshot(path=artifact("report-ar.png"), full_page=True)
