"""The `inspraak` command documents every setting and fails clearly on bad ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import SETTINGS
from bot.domain import Msg
from bot.i18n import Catalogs


def test_help_documents_every_setting_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for setting in SETTINGS:
        assert setting.env in text and "--" + setting.name.replace("_", "-") in text
    for command in ("run", "sandbox", "sandbox-api"):
        assert command in text


def test_a_malformed_token_exits_nonzero_without_echoing_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("INSPRAAK_TOKEN", "12345:definitely-not-valid")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "INSPRAAK_TOKEN is not a valid bot token" in err and "definitely-not-valid" not in err


def test_a_flag_overrides_a_bad_environment_value(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("INSPRAAK_LANGUAGE", "xx")
    assert main(["--language", "zz", "run"]) == 2
    assert "INSPRAAK_LANGUAGE must be one of" in capsys.readouterr().err


def test_flows_check_passes_for_the_shipped_flows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "check"]) == 0
    assert "intake" in capsys.readouterr().out


def test_flows_check_fails_and_names_the_problem_for_a_broken_flow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "broken.yaml").write_text("id: broken\nversion: 1\nstart: a\nnodes:\n  a: {say: 'Hi', next: nowhere}\n")
    assert main(["flows", "check", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "broken.yaml" in err and "node 'a'" in err and "field next" in err and "nowhere" in err


def test_flows_show_prints_a_flow_as_an_arabic_participant_reads_it(
    capsys: pytest.CaptureFixture[str], catalogs: Catalogs
) -> None:
    assert main(["flows", "show", "intake", "--lang", "ar"]) == 0
    out = capsys.readouterr().out
    consent_button = catalogs.get("ar").text(Msg("intake.consent.options.agree", "Yes, I agree"))
    assert consent_button in out and "\u200f" in out


def test_flows_diagram_prints_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "diagram", "intake"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD") and "consent -->|decline| declined" in out


def test_session_create_prints_the_code_and_a_join_link(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["session", "create", "--title", "Assen", "--question", "Wat helpt?", "--groups", "Nieuwkomer,Ambtenaar"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    match = re.search(r"Join code: ([0-9A-Z]{6})\nJoin link: https://t.me/\S+\?start=\1", out)
    assert match is not None, out
    assert (tmp_path / "data" / "inspraak.sqlite3").exists()


def test_session_create_refuses_unknown_languages(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["session", "create", "--title", "A", "--question", "Q", "--languages", "nl,xx"]) == 2
    assert "xx" in capsys.readouterr().err
