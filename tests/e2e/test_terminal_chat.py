"""Someone without a token tries the bot in a terminal: a real process, driven through a pseudo-terminal."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pexpect

from bot.app import texts
from bot.cli import DEMO_TITLE
from bot.i18n import Catalogs

# A line as the bot's logging writes it: "2026-01-05 10:00:00,123 INFO apscheduler.scheduler: ...".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ", re.MULTILINE)


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    """`python -m bot ARGS` in a pseudo-terminal, in its own folder, without any INSPRAAK_ setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPRAAK_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    child = pexpect.spawn(
        sys.executable, ["-m", "bot", *args], cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30
    )
    child.setwinsize(50, 200)
    child.logfile_read = io.StringIO()  # everything the terminal showed
    return child


def shown(child: pexpect.spawn) -> str:
    """Everything the terminal has shown so far."""
    seen = child.logfile_read
    assert isinstance(seen, io.StringIO)
    return seen.getvalue()


def test_without_a_token_make_run_opens_a_terminal_chat_with_the_bot(tmp_path: Path, catalogs: Catalogs) -> None:
    child = spawn(tmp_path, "run")
    try:
        child.expect("talk to @BotFather")
        child.expect(r"-- the bot logs to (\S+), not into this chat")
        log = tmp_path / child.match.group(1)
        child.expect("the bot is running against the stand-in")
        child.expect(r"type /start ([0-9A-Z]{6}) to join it")
        code = child.match.group(1)
        child.sendline("/start")
        child.expect_exact("[bot → Sanne] " + catalogs.get("nl").render(texts.CHOOSE_LANGUAGE))
        child.expect(r"\[1\] Nederlands")
        child.sendline("#1")
        child.expect(r"\[bot → Sanne\] \(edited\)")
        child.expect_exact("[bot → Sanne] " + catalogs.get("nl").render(texts.WELCOME).splitlines()[0])
        child.sendline("@amal")
        child.expect("you are Amal")
        child.sendline("/start")
        child.expect(r"\[1\] العربية")
        child.sendline("#1")
        child.expect(r"\[bot → Amal\] \u200f")
        child.sendline("!sticker")
        child.expect_exact(catalogs.get("ar").render(texts.NOTHING_TO_DO).splitlines()[0])
        child.sendline("@olena")
        child.sendline(f"/start {code}")
        child.expect(r"\[1\] Українська")
        child.sendline("#1")
        child.expect_exact(DEMO_TITLE)
        child.sendline("!quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "data" / "sandbox.sqlite3").exists(), "the sandbox keeps its own database"
    assert log == tmp_path / "data" / "sandbox.log", "the log is kept beside the sandbox's database"
    assert "Scheduler started" in log.read_text() and "Application.stop() complete" in log.read_text()
    assert not LOG_LINE.search(shown(child)), "scheduler and library lines stay out of the chat"
