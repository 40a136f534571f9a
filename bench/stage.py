"""The stage: the Bot API stand-in in this process, and the bot under measurement in a process of its own."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from bot.cli import sandbox_token
from bot.sandbox import StandIn
from bot.sandbox.flood import FloodLimit
from bot.storage import Location

ROOT = Path(__file__).resolve().parent.parent
UNLIMITED = {"overall": 1_000_000.0, "per_chat": 1_000_000.0, "burst": 3.0}  # nothing but the bot's own speed


class BotFailed(RuntimeError):
    """The bot process did not start, or did not stop cleanly."""


@dataclass
class BotProcess:
    """A running bot: how long it took to poll, and how much memory it has held at most."""

    process: asyncio.subprocess.Process
    startup: float
    log: Path

    def peak_rss_mb(self) -> float:
        """The most resident memory the process has had (VmHWM), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return kilobytes / 1024

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far (user and system, every thread)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        """Stop as on SIGTERM; it must exit cleanly."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 60)
        if code != 0:
            raise BotFailed(f"the bot exited with {code}:\n{self.log.read_text(encoding='utf-8')[-3000:]}")


class Stage:
    """One stand-in, started and stopped with `async with`; bots are started against it."""

    def __init__(self, workdir: Path, flood: FloodLimit | None = None) -> None:
        self.workdir = workdir
        self.standin = StandIn(sandbox_token(), flood=flood)

    async def __aenter__(self) -> Stage:
        await self.standin.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.standin.stop()

    async def bot(
        self,
        kind: str,
        db: Location | None = None,
        admins: tuple[int, ...] = (),
        rates: dict[str, float] | None = None,
        tick: float = 0.2,
        extra: tuple[str, ...] = (),
    ) -> BotProcess:
        """Start a bot process and return once it asks for updates (the start-up time is measured to there)."""
        rates = rates or UNLIMITED
        log = self.workdir / f"bot-{kind}-{time.monotonic_ns()}.log"
        arguments = [kind, "--token", self.standin.token, "--api-url", self.standin.api_url, "--tick", str(tick)]
        arguments += ["--db", str(db or ""), "--admins", ",".join(map(str, admins))]
        for name, value in rates.items():
            arguments += [f"--{name.replace('_', '-')}", str(value)]
        self.standin.polling.clear()
        started = time.perf_counter()
        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.botproc", *arguments, *extra,
                cwd=ROOT, stdout=sink, stderr=sink, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
        polling = asyncio.create_task(self.standin.polling.wait())
        exited = asyncio.create_task(process.wait())
        await asyncio.wait({polling, exited}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        startup = time.perf_counter() - started
        if not polling.done():
            polling.cancel()
            exited.cancel()
            if process.returncode is None:
                process.kill()
            raise BotFailed(f"the {kind} bot did not start polling:\n{log.read_text(encoding='utf-8')[-3000:]}")
        exited.cancel()
        return BotProcess(process, startup, log)
