"""The `inspraak` command documents every setting and fails clearly on bad ones."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import SETTINGS


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
