"""Recordings of the bot's own prompts, supplied next to the catalogs: heard in their language (and the languages
that fall back to it), and refused at start when Telegram would not play them as a voice note."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain import Msg, Verbatim
from bot.i18n import Catalogs
from bot.i18n.translator import RecordingUnplayable
from tests.voice_clips import speak

GROUP = Msg("intake.group.say", "Which group do you belong to?")


def test_a_persian_recording_is_heard_by_persian_and_dari_readers_only(tmp_path: Path) -> None:
    folder = tmp_path / "fa" / "voice"
    folder.mkdir(parents=True)
    read_aloud = speak("به کدام گروه تعلق دارید؟", voice="fa")
    (folder / "intake.group.say.ogg").write_bytes(read_aloud)
    catalogs = Catalogs(recordings=tmp_path)
    assert catalogs.get("fa").recording(GROUP) == read_aloud
    assert catalogs.get("fa_AF").recording(GROUP) == read_aloud, "Dari falls back to Persian, as its texts do"
    assert catalogs.get("nl").recording(GROUP) is None
    assert catalogs.get("fa").recording(Msg("intake.consent.say", "Welcome")) is None
    assert catalogs.get("fa").recording(Verbatim("a participant's own words")) is None


def test_a_recording_telegram_would_not_play_as_a_voice_note_stops_the_start_saying_which_file(tmp_path: Path) -> None:
    folder = tmp_path / "ar" / "voice"
    folder.mkdir(parents=True)
    (folder / "intake.group.say.ogg").write_bytes(b"ID3\x04\x00" + b"\x00" * 200)  # an MP3 renamed
    with pytest.raises(RecordingUnplayable, match=r"ar/voice/intake\.group\.say\.ogg is not OGG/Opus"):
        Catalogs(recordings=tmp_path)
