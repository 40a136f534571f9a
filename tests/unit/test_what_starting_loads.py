"""A bot on SQLite that nobody has asked for a suggestion carries neither PostgreSQL's driver nor numpy: memory is
what small deployments run out of first (docs/benchmarks.md, footprint)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STARTING = """
import sys
import bot.cli
from bot.tg import serve
from bot.web import pages
print(" ".join(sorted(name for name in ("numpy", "psycopg", "psycopg_pool") if name in sys.modules)))
"""


def test_starting_on_sqlite_loads_neither_postgresqls_driver_nor_the_suggestion_models_numpy() -> None:
    run = subprocess.run([sys.executable, "-c", STARTING], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == ""


def test_the_first_suggestion_asked_for_loads_what_it_needs() -> None:
    code = "import sys, bot.suggest; bot.suggest.UNSURE_BELOW; print('numpy' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == "True"
