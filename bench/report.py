"""The benchmark report: the machine it ran on, and docs/benchmarks.md from the figures."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import telegram

TELEGRAM_RATE = 30  # messages a second Telegram lets a bot send in all


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")), "?"
    )
    memory = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ptb": telegram.__version__,
        "sqlite": sqlite3.sqlite_version,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def _lines(path: str) -> list[str]:
    file = Path(path)
    return file.read_text(encoding="utf-8").splitlines() if file.exists() else []


def render(results: dict[str, Any]) -> str:
    """docs/benchmarks.md."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["n"] = lambda value, digits=0: f"{value:,.{digits}f}"
    environment.filters["spread"] = _spread
    environment.filters["duration"] = _duration
    template = environment.get_template("benchmarks.md.j2")
    return template.render(r=results, telegram_rate=TELEGRAM_RATE)


def _spread(figure: dict[str, Any], digits: int = 0) -> str:
    """ "median (min–max)" of a figure's runs."""
    if len(figure["runs"]) == 1:
        return f"{figure['median']:,.{digits}f}"
    return f"{figure['median']:,.{digits}f} ({figure['min']:,.{digits}f}–{figure['max']:,.{digits}f})"


def _duration(seconds: float) -> str:
    """Seconds as people say them: 33 s, 5.6 min, 1.2 h."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
