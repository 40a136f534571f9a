"""Participants choose what matters most; coordinators see how the groups differ; everyone hears the outcome."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from bot import exports as ex
from bot.app import coord_texts as say
from bot.app import results as rv
from bot.app.participation import VOTING_CLOSED
from bot.domain import DEFAULT_GROUPS, Msg, Phase, Session
from bot.domain.results import Method, Vote, compute
from bot.i18n import Catalogs, native_name
from bot.i18n.bidi import RLM
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import translations, votes
from tests.e2e.conftest import RunningBot
from tests.e2e.test_coordinators import next_phase
from tests.store import owned_session, read, write

THEMES = ("Taal", "Werk", "Ontmoeten", "Zorg")


async def session_in_phase(
    bot: RunningBot, owner: SandboxUser, method: Method, phase: Phase, themes: tuple[tuple[str, str | None], ...]
) -> Session:
    """A session owned by the coordinator, in the given phase with the given (name, emoji) themes, made in the store."""
    return await write(
        bot.config.db,
        lambda conn: owned_session(conn, owner.id, "Thuis in Assen", "Wat helpt?", method.value, phase, themes),
    )


async def collecting_session(bot: RunningBot, owner: SandboxUser, method: Method) -> Session:
    """A session collecting ideas, with four themes."""
    return await session_in_phase(bot, owner, method, Phase.COLLECTING, tuple((name, None) for name in THEMES))


async def join(person: SandboxUser, session: Session, language: str, group: str, catalogs: Catalogs) -> None:
    await person.start(session.code)
    await person.reply()
    await person.press(native_name(language))
    await person.reply()
    await person.press(0)
    await person.reply()
    await person.press(catalogs.get(language).text(DEFAULT_GROUPS[group]))
    await person.reply()  # "you are taking part", and the question in the same message


async def open_voting(
    coordinator: SandboxUser, standin: StandIn, catalogs: Catalogs, session: Session, told: int
) -> None:
    """Sorting, then prioritising: the vote opens for everyone (`told`: how many), and the coordinator hears so."""
    await coordinator.send(f"/use {session.code}")
    await coordinator.reply()
    await next_phase(coordinator, standin, catalogs)  # sorting
    await next_phase(coordinator, standin, catalogs, told=(Phase.PRIORITISING, told))


async def stored_votes(bot: RunningBot, session: Session) -> list[tuple[str | None, object]]:
    return [(v.group_id, v.payload) for v in await read(bot.config.db, lambda conn: votes.of_session(conn, session.id))]


BALLOTS = {
    # newcomers put language first, professionals work, residents meeting people (see tests/unit/test_results.py)
    "newcomer": (
        ("ar", ["Taal", "Ontmoeten", "Werk"]),
        ("ti", ["Taal", "Werk", "Ontmoeten"]),
        ("ar", ["Ontmoeten", "Taal", "Zorg"]),
    ),
    "professional": (
        ("nl", ["Werk", "Zorg", "Taal"]),
        ("nl", ["Werk", "Taal", "Zorg"]),
        ("uk", ["Zorg", "Werk", "Ontmoeten"]),
    ),
    "resident": (
        ("uk", ["Ontmoeten", "Zorg", "Taal"]),
        ("nl", ["Ontmoeten", "Taal", "Werk"]),
        ("uk", ["Zorg", "Ontmoeten", "Werk"]),
    ),
}


async def test_three_groups_rank_their_top_three_and_the_coordinator_sees_how_they_differ(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    session = await collecting_session(bot, admin, Method.RANKING)
    people: list[tuple[SandboxUser, str, list[str]]] = []
    for group, ballots in BALLOTS.items():
        for number, (language, ballot) in enumerate(ballots):
            person = add_person(standin, f"{group}{number}", language)
            await join(person, session, language, group, catalogs)
            people.append((person, language, ballot))
    await open_voting(admin, standin, catalogs, session, told=len(people))

    for person, language, ballot in people:
        notice, question = await person.replies(2)
        title = "Thuis in Assen" if language == "nl" else say.UNTRANSLATED.with_params(original="Thuis in Assen")
        assert notice.text == catalogs.get(language).render(say.NOTICE_PRIORITISING.with_params(title=title))
        assert sorted(question.button_labels()) == sorted(THEMES)
        assert question.text is not None and (question.text.startswith(RLM) == (language == "ar"))
        for theme in ballot:
            await person.press(theme, question)
            await standin.wait_until(lambda t=theme, q=question: t not in q.button_labels())
        confirm = catalogs.get(language).text(Msg("prioritise_ranking.top.rank.confirm", "Confirm"))
        await person.press(confirm, question)
        await person.reply()  # thank you

    theme_ids = {name: str(i) for i, name in enumerate(THEMES, 1)}
    expected = sorted((g, [theme_ids[t] for t in b]) for g, bs in BALLOTS.items() for _, b in bs)
    assert sorted((g, p) for g, p in await stored_votes(bot, session)) == expected

    await admin.send("/results")
    text, picture = await admin.replies(2)
    nl = catalogs.get("nl")
    found = ex.SessionResults(
        replace(session, phase=Phase.PRIORITISING),
        (),
        {},
        compute(Method.RANKING, [Vote(str(i), g, p) for i, (g, p) in enumerate(expected)], list(theme_ids.values())),
    )
    names = {"1": "Taal", "2": "Werk", "3": "Ontmoeten", "4": "Zorg"}
    order = {r.group: [names[t] for t in r.order] for r in (found.results.overall, *found.results.groups)}
    assert order == {
        "all": ["Ontmoeten", "Taal", "Werk", "Zorg"],  # Ontmoeten 6+1+8=15, Taal 8+3+3=14, Werk 3+8+2=13, Zorg 1+6+5=12
        "newcomer": ["Taal", "Ontmoeten", "Werk", "Zorg"],
        "professional": ["Werk", "Zorg", "Taal", "Ontmoeten"],
        "resident": ["Ontmoeten", "Zorg", "Taal", "Werk"],
    }
    professionals, residents, newcomers = (nl.text(DEFAULT_GROUPS[g]) for g in ("professional", "resident", "newcomer"))
    body = text.content()
    for theme, rank_a, group_a, rank_b, group_b in (
        ("Werk", 1, professionals, 4, residents),
        ("Ontmoeten", 1, residents, 4, professionals),
        ("Taal", 1, newcomers, 3, professionals),
    ):
        params = {"theme": theme, "rank_a": rank_a, "group_a": group_a, "rank_b": rank_b, "group_b": group_b}
        assert nl.text(ex.DIFFERENCE.with_params(**params)) in body
    for group_a, group_b, tau, band in (
        (newcomers, professionals, -0.33, -1),
        (newcomers, residents, 0, 0),
        (professionals, residents, -0.67, -2),
    ):
        said = ex.AGREEMENT.with_params(group_a=group_a, group_b=group_b, tau=tau, meaning=ex.AGREEMENT_WORDS[band])
        assert nl.text(said) in body, "the agreement in words, with the figure beside it"
    # Every place shows the score behind it: everyone's order with its points (Ontmoeten 15, Taal 14, ...).
    points = [nl.text(ex.SCORES[Method.RANKING].with_params(score=n)) for n in (15, 14, 13, 12)]
    for place, (theme, score) in enumerate(zip(("Ontmoeten", "Taal", "Werk", "Zorg"), points, strict=True), 1):
        assert f"{place}. {theme} · {score}" in body
    assert nl.text(ex.SCORE_LEGEND[Method.RANKING]) in body
    image = Image.open(io.BytesIO(admin.standin.world.files[picture.media["photo"][0]["file_id"]].data))
    assert image.format == "PNG" and image.size[0] >= 600

    # Closing: everyone hears the outcome in their own language, with how their group differed, under the title as
    # translated into their language where it was (Arabic here; the others read it as written).
    arabic = "في بيتنا في آسن"
    await write(bot.config.db, lambda conn: translations.put(conn, session.id, "title", "ar", arabic))
    await next_phase(admin, standin, catalogs, told=(Phase.CLOSED, len(people)))
    for person, language, _ in people:
        outcome = await person.reply()
        title = arabic if language == "ar" else "Thuis in Assen"
        assert outcome.content().startswith(
            catalogs.get(language).render(rv.FOR_YOU.with_params(title=title)).split("\n")[0]
        )
        assert "1. Ontmoeten" in outcome.content()
    newcomer_outcome = people[0][0].inbox[-1].content()
    # newcomers: Ontmoeten 2nd (everyone 1st) and Taal 1st (everyone 2nd) differ by one place each; of equal gaps
    # the group hears of its own headline, the theme it put first
    assert catalogs.get("ar").text(rv.YOUR_GROUP_DIFFERS.with_params(theme="Taal", mine=1, all=2)) in newcomer_outcome
    # Old vote buttons now say voting is closed.
    answer = await people[0][0].answer(await people[0][0].press_data("top:1", people[0][0].inbox[-3]))
    assert answer["text"] == catalogs.get("ar").text(VOTING_CLOSED)


async def test_dots_are_spread_and_voting_again_replaces_the_earlier_vote(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    session = await collecting_session(bot, admin, Method.DOTS)
    olena = add_person(standin, "Olena", "uk")
    await join(olena, session, "uk", "resident", catalogs)
    await open_voting(admin, standin, catalogs, session, told=1)
    await olena.reply()
    question = await olena.reply()
    for theme in ("Taal", "Taal", "Taal", "Werk", "Zorg"):
        before = question.edits
        await olena.press(next(label for label in question.button_labels() if label.endswith(theme)), question)
        await standin.wait_until(lambda b=before: question.edits > b)
    assert "●●● Taal" in question.button_labels()
    confirm = catalogs.get("uk").text(Msg("prioritise_dots.spread.dots.confirm", "Confirm"))
    await olena.press(confirm, question)
    await olena.reply()
    assert await stored_votes(bot, session) == [("resident", {"1": 3, "2": 1, "4": 1})]

    await olena.send("/vote")
    again = await olena.reply()
    for theme in ("Zorg",) * 5:
        before = again.edits
        await olena.press(next(label for label in again.button_labels() if label.endswith(theme)), again)
        await standin.wait_until(lambda b=before: again.edits > b)
    await olena.press(confirm, again)
    await olena.reply()
    assert await stored_votes(bot, session) == [("resident", {"4": 5})], "one vote per person: the new one"


async def test_pairwise_choices_are_kept_even_when_stopping_early(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    session = await collecting_session(bot, admin, Method.PAIRWISE)
    dawit = add_person(standin, "Dawit", "ti")
    await join(dawit, session, "ti", "newcomer", catalogs)
    await open_voting(admin, standin, catalogs, session, told=1)
    await dawit.reply()
    first = await dawit.reply()
    shown = [first.button_labels()[:2]]
    await dawit.press(0, first)  # the left one wins
    second = await dawit.reply()
    shown.append(second.button_labels()[:2])
    await dawit.press(2, second)  # both / can't say
    third = await dawit.reply()
    await dawit.press(3, third)  # stop
    await dawit.reply()
    ((group, duels),) = await stored_votes(bot, session)
    assert group == "newcomer" and [d[2] for d in duels] == ["won", "tie"]
    names = {"1": "Taal", "2": "Werk", "3": "Ontmoeten", "4": "Zorg"}
    assert [names[duels[0][0]], names[duels[0][1]]] == shown[0]
    assert sorted(names[t] for t in duels[1][:2]) == sorted(shown[1])
