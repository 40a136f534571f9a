"""Shared fixtures: compiled catalogs and a fake but well-formed bot token."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogs

TOKEN = "123456789:AAHsandboxTOKENforTESTSonly_abcdefghij"


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    """All shipped translations, loaded once."""
    return Catalogs()
