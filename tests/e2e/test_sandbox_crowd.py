"""A new user fills the sandbox's demo session with a crowd and sees how the groups differ: a real process, driven
through a pseudo-terminal, the crowd's people acting through the stand-in."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pexpect

from bot.app.action_texts import AGENDA
from bot.app.results import DIFFERENCES, ORDER_OF, TITLE
from bot.cli import DEMO_TITLE
from bot.domain import DEFAULT_GROUPS, PROGRESS_NAMES, Progress
from bot.i18n import Catalogs
from bot.sandbox.crowd import AGENDA as AGENDA_OF_CROWD
from tests.e2e.test_terminal_chat import LOG_LINE, shown, spawn

CROWD_TAKES = 120  # seconds the crowd may take here (it takes about 20 on two cores; a minute is the promise)


def test_a_new_user_fills_the_demo_session_with_a_crowd_and_sees_the_group_comparison(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    en = catalogs.get("en")  # Alex, the sandbox's admin, has an English Telegram app
    child = spawn(tmp_path, "run")
    try:
        child.expect(r"-- the web pages are at (http://127\.0\.0\.1:\d+)")
        pages = child.match.group(1)
        child.expect(r"type !crowd to fill the demo session")
        child.expect_exact("!crowd [CODE]")  # in the help
        child.sendline("!crowd")
        child.expect(r"-- crowd: 30 people joined, with 60 ideas", timeout=CROWD_TAKES)
        child.expect(r"-- crowd: 30 people voted", timeout=CROWD_TAKES)
        child.expect(r"-- crowd: the session is closed and everyone has heard the results", timeout=CROWD_TAKES)
        child.expect(r"-- crowd: 2 actions were agreed months ago, and their owners have answered check-ins since")
        child.expect_exact("-- crowd: type @alex and then /results to see how the groups differ, and /agenda")
        child.sendline("@alex")
        child.expect("you are Alex")
        child.sendline("/results")
        child.expect_exact(en.text(TITLE.with_params(title=DEMO_TITLE, count=30)))
        child.expect(r"\[bot → Alex\] \[photo [^\]]* → (\S+)\]")
        summary, chart = child.before, tmp_path / child.match.group(1)
        child.sendline("/agenda")
        child.expect_exact(en.text(AGENDA.with_params(title=DEMO_TITLE)))
        child.expect(r"\[bot → Alex\] \[photo [^\]]* → (\S+)\]")  # the agenda chart, after the text
        agenda, agenda_chart = child.before, tmp_path / child.match.group(1)
        child.sendline("/projector")
        child.expect(re.escape(pages) + r"/projector/\S+")
        with urllib.request.urlopen(child.match.group(0), timeout=10) as page:  # the sandbox serves its pages
            shown_in_room = page.read().decode()
        child.sendline("!crowd")
        child.expect("-- crowd: stopped: .* no longer collects ideas")  # a closed session takes no crowd
        child.sendline("!quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    groups = {en.text(DEFAULT_GROUPS[g]): g for g in ("newcomer", "professional", "resident")}
    counted = {
        groups[name]: int(count)
        for name, count in re.findall(r"^\u2068?(.+?)\u2069? \((\d+) voted\):", summary, re.MULTILINE)
        if name in groups
    }
    assert sum(1 for voters in counted.values() if voters >= 3) >= 2, counted
    first = {}  # each group's number 1, from the line under its heading
    for group, voters in counted.items():
        heading = en.text(ORDER_OF.with_params(group=en.text(DEFAULT_GROUPS[group]), count=voters))
        first[group] = summary.split(heading)[1].split()[1:3]
    assert first["newcomer"] == ["🗣️", "Language"], "newcomers put language first"
    assert first["professional"] == first["resident"] == ["🙋", "Own"], "the others their own responsibility"
    assert en.text(DIFFERENCES) in summary
    assert chart.read_bytes().startswith(b"\x89PNG"), "the group comparison chart arrives"
    for _theme, title, _owner, answers in AGENDA_OF_CROWD:
        assert title in agenda, "each action the crowd agreed on is on the agenda"
        assert str(answers[-1].get("note", "")) in agenda, "with its owner's latest words, months into its year"
    assert en.text(PROGRESS_NAMES[Progress.ON_TRACK]) in agenda
    assert agenda_chart.read_bytes().startswith(b"\x89PNG"), "and the chart of the months behind it"
    assert "Own responsibility" in shown_in_room and 'class="standing"' in shown_in_room, "the room sees the result"
    assert not LOG_LINE.search(shown(child)), "all the while, the bot's log stays out of the chat"
