"""The bot as an operator runs it: `python -m bot run` in a process of its own, against the stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from bot.sandbox import StandIn
from bot.storage import Location
from tests.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """The bot in its own process; it can be killed (SIGKILL: no cleanup) and started again."""

    def __init__(
        self,
        standin: StandIn,
        db: Location,
        admins: tuple[int, ...] = (),
        log: Path | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.standin = standin
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("INSPRAAK_")},
            "INSPRAAK_TOKEN": TOKEN,
            "INSPRAAK_API_URL": standin.api_url,
            "INSPRAAK_DB": str(db),
            "INSPRAAK_ADMINS": ",".join(str(a) for a in admins),
            "INSPRAAK_LOG_LEVEL": "DEBUG" if log is not None else "WARNING",
            "PYTHONPATH": str(ROOT),
            **(settings or {}),
        }
        self.log = log
        self._log_file: IO[bytes] | None = None
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, wait: bool = True) -> None:
        """Start the bot; with `wait`, return once it polls for updates."""
        self.standin.polling.clear()
        if self.log is not None and self._log_file is None:
            self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: ASYNC220 (starting, not waiting)
            [sys.executable, "-m", "bot", "run"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file or subprocess.DEVNULL,
        )
        if wait:
            await asyncio.wait_for(self.standin.polling.wait(), 30)

    def kill(self) -> None:
        """SIGKILL: no goodbye, no cleanup, whatever it was doing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> None:
        """Stop as an operator does (SIGTERM), waiting for a clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
