"""A facilitator puts the session's projector page on the wall: in a real headless Chromium, against the real bot
and the stand-in, the room sees who joins and the ideas as they are sent, without a reload."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiohttp
from playwright.async_api import Browser, Page, expect

from bot.app import coord_texts as say
from bot.app import room
from bot.app.room import page_link
from bot.domain import DEFAULT_GROUPS, Phase, Session
from bot.domain.grant import Grant, PageRole, grant_for, sign
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import Conn, ideas, load_or_create_secret, members, people, sessions
from bot.web.render import FORBIDDEN
from tests.e2e.browser import artifact
from tests.e2e.conftest import RunningBot
from tests.e2e.test_coordinators import join_with
from tests.store import owned_session, read, voted, write

LIVE = 10_000  # ms a change may take to show before the test gives up (it shows within a second; see bench/)
LINK = re.compile(r"https?://\S+/projector/\S+")


async def projector_link(coordinator: SandboxUser) -> str:
    """/projector, and the link the bot gives."""
    await coordinator.send("/projector")
    await coordinator.reply()  # what the page is and how long the link works
    found = LINK.search((await coordinator.reply()).text)
    assert found is not None, "the second message is the link"
    return found.group(0)


async def session_of(bot: RunningBot, owner: SandboxUser, phase: Phase = Phase.COLLECTING, **kw: object) -> Session:
    return await write(
        bot.config.db,
        lambda conn: owned_session(conn, owner.id, "Thuis in Assen", "Wat helpt u?", phase=phase, **kw),  # type: ignore[arg-type]
    )


async def test_the_room_sees_people_join_and_their_ideas_arrive_without_a_reload(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(web_bot, marloes)
    link = await projector_link(marloes)
    assert link.startswith(str(web_bot.config.pages))

    page = await browser.new_page(locale="nl")  # Marloes's computer, in Dutch
    response = await page.goto(link)
    assert response is not None and response.status == 200
    await expect(page.locator("h1")).to_have_text("Thuis in Assen")
    join = page.locator("#join")
    await expect(join.locator("svg")).to_be_visible()  # the QR code
    await expect(join).to_contain_text(f"?start={session.code}")
    await expect(join).to_contain_text(session.code)
    await expect(page.locator("[data-count=participants]")).to_have_text("0")
    await page.evaluate("window.sameLoad = true")  # gone if the page reloads

    amal = add_person(standin, "Amal", "ar")
    await join_with(amal, session.code, "ar", "newcomer", catalogs)
    await expect(page.locator("[data-count=participants]")).to_have_text("1", timeout=LIVE)
    nl = catalogs.get("nl")
    await expect(page.locator("#people")).to_contain_text(nl.text(DEFAULT_GROUPS["newcomer"]))
    await expect(page.locator("#people")).to_contain_text(nl.language_name("ar"))

    idea = "دروس اللغة في المساء"
    await amal.send(idea)
    await amal.reply()
    newest = page.locator(".ideas li").first
    await expect(newest).to_have_text(idea, timeout=LIVE)
    await expect(page.locator("[data-count=ideas]")).to_have_text("1")

    hidden = "Mijn telefoonnummer is 06-12345678"
    await amal.send(hidden)
    await amal.reply()
    await expect(page.locator(".ideas li").first).to_have_text(hidden, timeout=LIVE)
    shown = await read(web_bot.config.db, lambda conn: ideas.shown(conn, session.id, 10)[0])
    await write(web_bot.config.db, lambda conn: ideas.hide(conn, session.id, shown[0].id, "personal data"))
    await expect(page.locator(".ideas li")).to_have_count(1, timeout=LIVE)
    await expect(page.locator("#wall")).not_to_contain_text(hidden)

    assert await page.evaluate("window.sameLoad") is True, "everything came in without a reload"
    pseudonym = await read(web_bot.config.db, lambda conn: _pseudonym(conn, amal.id, session.id))
    assert pseudonym not in await page.content(), "the room never sees who said what"
    assert amal.person.first_name not in await page.content()


def _pseudonym(conn: Conn, telegram_id: int, session_id: int) -> str:
    person = people.by_telegram(conn, telegram_id)
    assert person is not None
    membership = members.of(conn, person.id, session_id)
    assert membership is not None
    return membership.participant.pseudonym


async def test_an_arabic_projector_page_reads_right_to_left_in_arabic(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    await session_of(web_bot, marloes)
    link = await projector_link(marloes)
    page = await browser.new_page(locale="ar")  # the browser asks for Arabic
    await page.goto(link)
    ar = catalogs.get("ar")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    await expect(page.locator("#people")).to_contain_text(ar.text(room.TAKING_PART))
    await expect(page.locator("#wall")).to_contain_text(ar.text(room.NO_IDEAS))
    assert await _direction(page, "#wall") == "rtl"
    await page.screenshot(path=artifact("projector-ar.png"), full_page=True)

    await page.locator("footer nav a[lang=nl]").click()  # the page's own language switch
    await expect(page.locator("html")).to_have_attribute("dir", "ltr")
    await expect(page.locator("#people")).to_contain_text(catalogs.get("nl").text(room.TAKING_PART))


async def _direction(page: Page, selector: str) -> str:
    return str(await page.locator(selector).evaluate("element => getComputedStyle(element).direction"))


async def test_after_closing_the_projector_shows_how_the_groups_ordered_the_themes(
    web_bot: RunningBot, standin: StandIn, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    themes = (("Taal", "🗣️"), ("Werk", None), ("Wonen", None))
    session = await session_of(web_bot, marloes, Phase.PRIORITISING, themes=themes)
    link = await projector_link(marloes)
    page = await browser.new_page()
    await page.goto(link)
    await expect(page.locator("[data-count=ballots]")).to_have_text("0")
    await expect(page.locator("#join")).to_be_visible()

    ballots = {"newcomer": ("Taal", "Werk", "Wonen"), "professional": ("Werk", "Wonen", "Taal")}
    await write(web_bot.config.db, lambda conn: voted(conn, session, ballots, each=3))
    await expect(page.locator("[data-count=ballots]")).to_have_text("6", timeout=LIVE)
    await write(web_bot.config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.CLOSED))

    standings = page.locator(".standing")
    await expect(standings).to_have_count(3, timeout=LIVE)  # everyone, then each group
    await expect(standings.nth(1).locator("li").first).to_contain_text("Taal")
    await expect(standings.nth(2).locator("li").first).to_contain_text("Werk")
    await expect(page.locator(".findings")).to_contain_text("Taal")
    chart = page.locator("img.chart")
    await expect(chart).to_be_visible()
    assert await chart.evaluate("image => image.complete && image.naturalWidth > 0"), "the chart loads"
    await expect(page.locator("#join")).to_be_hidden()  # a closed session takes nobody in


async def test_forged_expired_and_other_links_are_refused_kindly(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(web_bot, marloes)
    pages = web_bot.config.pages
    assert pages is not None
    secret = load_or_create_secret(web_bot.config.db, web_bot.config.token)
    now = datetime.now(UTC)
    good = grant_for(PageRole.PROJECTOR, session.id, now)
    token = sign(secret, good)
    forged = sign(b"not the bot's secret" * 2, good)
    altered = token.replace(f".{session.id}.", f".{session.id + 1}.")
    expired = sign(secret, replace(good, expires=now - timedelta(minutes=1)))
    gone = sign(secret, Grant(PageRole.PROJECTOR, session.id + 99, good.expires))
    refused = [f"{pages}/projector/{t}" for t in (forged, altered, expired, gone, "nonsense")]
    refused += [f"{pages}/projector/{forged}/events", f"{pages}/projector/{expired}/chart.png"]

    page = await browser.new_page(locale="nl")
    for address in refused:
        response = await page.goto(address)
        assert response is not None and response.status == 403, address
        await expect(page.locator("[role=alert]")).to_have_text(catalogs.get("nl").text(FORBIDDEN))
    response = await page.goto(page_link(pages, secret, good))
    assert response is not None and response.status == 200

    async with aiohttp.ClientSession() as client:  # a flood from one address is slowed down
        statuses = [(await client.get(f"{pages}/projector/nonsense")).status for _ in range(100)]
    assert 429 in statuses and statuses[0] == 403


async def test_opening_collecting_points_the_coordinator_to_the_projector_page(
    web_bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    await session_of(web_bot, marloes, Phase.DRAFT)
    await marloes.send("/phase")
    offer = await marloes.reply()
    await marloes.press(0, offer)
    confirm = catalogs.get("nl").text(say.CONFIRM)
    await standin.wait_until(lambda: confirm in offer.button_labels())
    await marloes.press(confirm, offer)
    hint = catalogs.get("nl").render(room.SHOW_THE_ROOM)
    await marloes.sees(lambda message: message.text == hint)
