"""A real headless Chromium (the system's, which the Makefile installs), driven by Playwright."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
MAC_APP = Path("/Applications/Chromium.app/Contents/MacOS/Chromium")
# Without these, Chromium reaches out to Google's services at start, which a closed network refuses.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"


def chromium() -> str:
    """The Chromium to drive: INSPRAAK_CHROMIUM, else the one on the PATH (or macOS's app)."""
    given = os.environ.get("INSPRAAK_CHROMIUM")
    if given:
        return given
    found = next((path for name in CANDIDATES if (path := shutil.which(name))), None)
    if found is None and sys.platform == "darwin" and MAC_APP.is_file():
        found = str(MAC_APP)
    if found is None:
        raise RuntimeError("no Chromium found: `make test` installs it; or set INSPRAAK_CHROMIUM to its path")
    return found


def artifact(name: str) -> Path:
    """Where a test keeps something to look at afterwards (a screenshot)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
