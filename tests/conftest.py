"""Shared fixtures: compiled catalogs and a fake but well-formed bot token; and, when the suite runs against
PostgreSQL, the tests that open a database."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogs
from tests.databases import ENGINE, db_for

DATABASE_FIXTURES = {"bot", "web_bot"}  # each runs the bot on a database from db_for


def _opens_a_database(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    uses = set(getattr(item, "fixturenames", ()))
    return bool(DATABASE_FIXTURES & uses) or (module is not None and vars(module).get("db_for") is db_for)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against PostgreSQL, run the tests whose database db_for gives; the rest never open one, and ran on SQLite."""
    if ENGINE == "sqlite":
        return
    kept = [item for item in items if _opens_a_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


TOKEN = "123456789:AAHsandboxTOKENforTESTSonly_abcdefghij"


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    """All shipped translations, loaded once."""
    return Catalogs()
