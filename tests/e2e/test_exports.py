"""Coordinators and researchers get the data out: tables and a report, with no one's Telegram identity in them."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from PIL import Image

from bot.cli import main
from bot.domain import Session
from bot.domain.results import Method
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import Conn, themes
from bot.storage import ideas as idea_store
from tests.e2e.conftest import RunningBot
from tests.e2e.test_prioritising import collecting_session, join, open_voting
from tests.store import write

IDEAS = {
    "Amal": ("ar", "newcomer", ["دروس اللغة مع الجيران", "<b>عمل</b> & تدريب"]),
    "Dawit": ("ti", "newcomer", ["ቋንቋ ምምሃር", "ስራሕ"]),
    "Sanne": ("nl", "professional", ["Taalcafé op zaterdag", "koop goedkope horloges"]),
}


async def prepare(
    bot: RunningBot, standin: StandIn, admin: SandboxUser, catalogs: Catalogs
) -> tuple[Session, dict[str, SandboxUser]]:
    session = await collecting_session(bot, admin, Method.RANKING)
    people = {}
    for name, (language, group, ideas) in IDEAS.items():
        person = add_person(standin, name, language, username=f"{name.lower()}_tg")
        await join(person, session, language, group, catalogs)
        for idea in ideas:
            await person.send(idea)
            await person.reply()
        people[name] = person
    await people["Sanne"].voice(duration=9)
    await people["Sanne"].reply()

    def sort(conn: Conn) -> None:  # what a coordinator does with /sort, done in the store to keep the test short
        cards = {c.text or "voice": c.id for c in idea_store.for_export(conn, session.id)}
        named = {t.name: t.id for t in themes.of_session(conn, session.id)}
        for text, theme in (
            ("دروس اللغة مع الجيران", "Taal"),
            ("ቋንቋ ምምሃር", "Taal"),
            ("ስራሕ", "Werk"),
            ("<b>عمل</b> & تدريب", "Werk"),
            ("voice", "Ontmoeten"),
        ):
            idea_store.sort_into(conn, session.id, cards[text], named[theme])
        idea_store.merge(conn, session.id, cards["Taalcafé op zaterdag"], cards["دروس اللغة مع الجيران"])
        idea_store.hide(conn, session.id, cards["koop goedkope horloges"], "reclame")
        written = "Een buurthuis dat ook 's avonds open is"
        idea_store.annotate(conn, session.id, cards["voice"], "transcription", written)

    await write(bot.config.db, sort)
    await open_voting(admin, standin, catalogs, session, told=len(people))
    for person, ballot in (
        (people["Amal"], ["Taal", "Werk", "Zorg"]),
        (people["Dawit"], ["Taal", "Ontmoeten", "Werk"]),
        (people["Sanne"], ["Werk", "Zorg", "Taal"]),
    ):
        await person.reply()
        question = await person.reply()
        for theme in ballot:
            await person.press(theme, question)
            await standin.wait_until(lambda t=theme, q=question: t not in q.button_labels())
        confirm = next(
            label for label in question.button_labels() if label not in ("Taal", "Werk", "Ontmoeten", "Zorg")
        )
        await person.press(confirm, question)
        await person.reply()
    return session, people


def forbidden_identifiers(people: dict[str, SandboxUser]) -> list[str]:
    """What must never appear in an export: Telegram ids, usernames and first names."""
    found = []
    for name, person in people.items():
        found += [str(person.id), f"{name.lower()}_tg", name]
    return found


async def test_export_sends_tables_and_a_report_with_every_visible_idea_and_no_telegram_identity(
    bot: RunningBot, standin: StandIn, admin: SandboxUser, catalogs: Catalogs
) -> None:
    session, people = await prepare(bot, standin, admin, catalogs)
    admin._read = len(admin.inbox)
    await admin.send("/export")
    await standin.wait_until(lambda: sum(1 for m in admin.inbox if "document" in m.media) >= 3, timeout=15)
    sent = {
        m.media["document"]["file_name"]: standin.world.files[m.media["document"]["file_id"]].data
        for m in admin.inbox
        if "document" in m.media
    }
    code = session.code
    assert set(sent) == {f"{code}.xlsx", f"{code}-report.html", f"{code}.zip"}, "three files, not nine"
    with zipfile.ZipFile(io.BytesIO(sent[f"{code}.zip"])) as packed:
        files = {name: packed.read(name) for name in packed.namelist()}
    assert set(files) == {
        f"{code}-ideas.csv",
        f"{code}-votes.csv",
        f"{code}-results.csv",
        f"{code}-actions.csv",
        f"{code}-checkins.csv",
        f"{code}.xlsx",
        f"{code}-report.html",
        f"{code}-report.md",
        f"{code}-chart.png",
    }
    assert files[f"{code}-report.html"] == sent[f"{code}-report.html"]

    workbook = openpyxl.load_workbook(io.BytesIO(files[f"{code}.xlsx"]))
    assert workbook.sheetnames == ["ideas", "votes", "results", "actions", "checkins"]
    ideas = workbook["ideas"]
    assert ideas.freeze_panes == "A2"
    rows = [
        dict(zip([c.value for c in ideas[1]], [c.value for c in row], strict=True))
        for row in ideas.iter_rows(min_row=2)
    ]
    texts = {r["text"] for r in rows}
    assert "koop goedkope horloges" not in texts, "hidden ideas stay out of exports"
    assert {"دروس اللغة مع الجيران", "<b>عمل</b> & تدريب", "ቋንቋ ምምሃር", "ስራሕ", "Taalcafé op zaterdag"} <= texts
    by_text = {r["text"]: r for r in rows}
    assert (
        by_text["Taalcafé op zaterdag"]["status"] == "duplicate" and by_text["Taalcafé op zaterdag"]["theme"] == "Taal"
    )
    voice = next(r for r in rows if r["kind"] == "voice")
    assert voice["written_down"] == "Een buurthuis dat ook 's avonds open is" and voice["voice_seconds"] == 9
    assert all(r["participant"].startswith("P-") for r in rows)
    votes = [[c.value for c in row] for row in workbook["votes"].iter_rows(min_row=2)]
    assert sorted(v[3] for v in votes) == ["Taal > Ontmoeten > Werk", "Taal > Werk > Zorg", "Werk > Zorg > Taal"]
    results = [[c.value for c in row] for row in workbook["results"].iter_rows(min_row=2)]
    assert results[0][:4] == ["Iedereen", 3, 1, "Taal"]
    assert {v[1] for v in votes} == {"Nieuwkomer", "Professional"}, "groups by their names"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d", str(v[5])) for v in votes), (
        "local times with their offset"
    )

    ideas_csv = files[f"{code}-ideas.csv"].decode("utf-8")
    assert ideas_csv.startswith("\ufeff") and len(list(csv.reader(io.StringIO(ideas_csv[1:])))) == len(rows) + 1

    report = files[f"{code}-report.html"].decode("utf-8")
    assert "&lt;b&gt;عمل&lt;/b&gt; &amp; تدريب" in report, "markup in ideas is shown, never interpreted"
    for text in (
        "دروس اللغة مع الجيران",
        "ቋንቋ ምምሃር",
        "ስራሕ",
        "Taalcafé op zaterdag",
        "Een buurthuis dat ook 's avonds open is",
    ):
        assert text.replace("'", "&#39;") in report
    assert "horloges" not in report and "data:image/png;base64," in report
    markdown = files[f"{code}-report.md"].decode("utf-8")
    assert not set("\u2068\u2069\u200f") & set(report + markdown), "no stray direction marks in the documents"
    assert "ቋንቋ ምምሃር" in markdown and "horloges" not in markdown
    assert Image.open(io.BytesIO(files[f"{code}-chart.png"])).format == "PNG"
    for data in files.values():
        text = data.decode("utf-8", errors="ignore")
        for identifier in forbidden_identifiers(people):
            assert identifier not in text


async def test_the_command_line_exports_the_same_report(
    bot: RunningBot, standin: StandIn, admin: SandboxUser, catalogs: Catalogs, tmp_path: Path
) -> None:
    session, _ = await prepare(bot, standin, admin, catalogs)
    out = tmp_path / "out"
    db = ["--db", str(bot.config.db)]

    async def run(*args: str) -> int:
        return await asyncio.to_thread(main, [*db, *args])  # the command runs its own event loop

    assert await run("export", session.code, "--format", "html", "--out", str(out / "report.html")) == 0
    assert "ቋንቋ ምምሃር" in (out / "report.html").read_text(encoding="utf-8")
    assert await run("export", session.code, "--format", "csv", "--out", str(out)) == 0
    assert sorted(p.name for p in out.glob("*.csv")) == [
        f"{session.code}-{n}.csv" for n in ("actions", "checkins", "ideas", "results", "votes")
    ]
    assert await run("export", session.code, "--format", "md", "--out", str(out / "verslag.md")) == 0
    assert (out / "verslag.md").is_file(), "a file named as asked, not a folder"
    assert f"{session.code}-chart.png" in (out / "verslag.md").read_text(encoding="utf-8")
    assert Image.open(out / f"{session.code}-chart.png").format == "PNG", "the chart it links to, beside it"
    assert await run("export", session.code, "--format", "png", "--out", str(out / "grafiek.png")) == 0
    assert Image.open(out / "grafiek.png").format == "PNG"
    assert await run("export", "ZZZZZZ", "--out", str(out)) == 2
