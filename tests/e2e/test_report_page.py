"""A coordinator turns the session into a report worth putting in front of a director: they mark quotes and write
an introduction on the board, and share the report page, which reads in any of the session's languages, says what
stands out in words first, and is the same document as the exports."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import Browser, expect

from bot.domain import Cadence, Phase, Schedule, Session, due_times
from bot.domain.cadence import add_months
from bot.exports import FIRST_OVERALL, LABELS, build
from bot.i18n import Catalogs
from bot.i18n.bidi import unmarked
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.people import VOICE_BYTES
from bot.storage import Conn, actions, ideas, members, people, sessions
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

    def translate(conn: Conn) -> bool:
        coordinator = people.by_telegram(conn, marloes.id)
        assert coordinator is not None
        return ideas.annotate(conn, session.id, card.id, "translation", "nieuwkomer 2", coordinator.id)

    await write(web_bot.config.db, translate)

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


def spoken_check_in(conn: Conn, session: Session, owner: int, file_id: str) -> None:
    """An action begun two months ago whose owner answered its first check-in with a voice message."""
    start = add_months(datetime.now(UTC).date(), -2)
    schedule = Schedule(start, Cadence.MONTHLY)
    action = actions.create(conn, session.id, "Taalcafé in de bibliotheek", "", [], schedule, "invite")
    owner_id = people.ensure(conn, owner).id
    members.enter(conn, owner_id, session, "P-OWN001", "resident")
    actions.accept(conn, owner_id, action, schedule.at, due_times(schedule), datetime.now(UTC), "P-OWN001")
    actions.answered_in_the_past(conn, session.id, action.id, 1, {"status": "on_track", "note_voice": file_id})


async def test_on_the_report_page_an_owners_spoken_answer_can_be_listened_to(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await write(
        web_bot.config.db,
        lambda conn: owned_session(conn, marloes.id, "Thuis in Assen", "Wat helpt u?", "ranking", Phase.CLOSED, THEMES),
    )
    recorded = standin.world.store_file(VOICE_BYTES, "voice", "oga")
    owner = add_person(standin, "Noor", "nl")
    await write(web_bot.config.db, lambda conn: spoken_check_in(conn, session, owner.id, recorded.file_id))
    context = await browser.new_context(locale="nl")
    page = await context.new_page()
    await page.goto(await report_link(marloes))
    player = page.locator(".timeline audio")
    await expect(player).to_have_count(1)
    source = await player.get_attribute("src")
    assert source
    heard = await context.request.get(page.url.split("?")[0].rsplit("/", 1)[0] + "/" + source)
    assert heard.status == 200 and await heard.body() == VOICE_BYTES, "played from Telegram, no copy kept"
    assert "P-OWN001" not in await page.content(), "the owner is not named on the shared page"

    exported = await read(
        web_bot.config.db, lambda conn: build(conn, catalogs, session, "nl", web_bot.config.zone, ("html",))
    )
    document = exported[f"{session.code}-report.html"].decode()
    assert "<audio" not in document, "a file sent around cannot play it: it says the answer was spoken"
    assert catalogs.get("nl").text(LABELS["spoken"]) in document
