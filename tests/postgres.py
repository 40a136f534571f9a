"""A throwaway PostgreSQL server for the tests, handing out a fresh database to each that asks."""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

USER = "inspraak"
INSTALL = "run 'make postgresql', or 'sudo apt-get install postgresql' (Debian), 'brew install postgresql' (macOS)"
_TOOLS = ("initdb", "pg_ctl", "postgres")
_VERSIONED = ("usr/lib/postgresql/*/bin", "opt/homebrew/opt/postgresql@*/bin", "usr/local/opt/postgresql@*/bin")


def _holds_tools(folder: Path) -> bool:
    """Whether `folder` has all of initdb, pg_ctl and postgres."""
    return all((folder / tool).is_file() for tool in _TOOLS)


def _version(folder: Path) -> tuple[int, ...]:
    """The version a versioned folder's path names (postgresql/15/bin, postgresql@16/bin), for picking the highest."""
    return tuple(int(n) for n in re.findall(r"\d+", str(folder)))


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when PostgreSQL is not installed."""
    if chosen := os.environ.get("INSPRAAK_PG_BINDIR"):
        return Path(chosen)
    if pg_config := shutil.which("pg_config"):
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and _holds_tools(folder := Path(done.stdout.strip())):
            return folder
    if (initdb := shutil.which("initdb")) and _holds_tools(folder := Path(initdb).resolve().parent):
        return folder
    for pattern in _VERSIONED:  # Debian's, then Homebrew's (Apple silicon, Intel); the highest version of each
        found = sorted((p for p in Path("/").glob(pattern) if _holds_tools(p)), key=_version)
        if found:
            return found[-1]
    return None


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """One PostgreSQL server in a temporary folder, listening on 127.0.0.1, trusting everyone; gone after stop()."""

    def __init__(self) -> None:
        self.port = 0
        self._dir: Path | None = None
        self._bindir: Path | None = None
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of the server's tools, as the postgres user when we are root (PostgreSQL refuses to run as root)."""
        assert self._bindir and self._dir
        command = [str(self._bindir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, cwd=self._dir, capture_output=True, text=True, check=False)

    def start(self) -> None:
        """Create the cluster and start the server; raise RuntimeError saying why (and how to install) if it can't."""
        self._bindir = find_bindir()
        if self._bindir is None or not _holds_tools(self._bindir):
            where = f" in {self._bindir}" if self._bindir else ""
            raise RuntimeError(f"PostgreSQL is needed for the tests and was not found{where}: {INSTALL}.")
        self._dir = Path(tempfile.mkdtemp(prefix="inspraak-pg-"))
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self._dir, "postgres")
        self.port = _free_port()
        data, log = str(self._dir / "data"), self._dir / "log"
        options = f"-k {self._dir} -h 127.0.0.1 -p {self.port} -c fsync=off -c synchronous_commit=off"
        options += " -c full_page_writes=off -c max_connections=300"
        for tool, *args in (
            ("initdb", "-D", data, "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C"),
            ("pg_ctl", "-D", data, "-o", options, "-w", "-l", str(log), "start"),
        ):
            done = self._run(tool, *args)
            if done.returncode != 0:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:]) if log.exists() else ""
                self.stop()
                raise RuntimeError(
                    f"could not start PostgreSQL: {tool} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n"
                    f"server log:\n{tail}\nIf PostgreSQL is missing or broken, {INSTALL}."
                )

    def stop(self) -> None:
        """Stop the server at once and remove its folder; does nothing the second time."""
        if self._dir is None:
            return
        if (self._dir / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self._dir / "data"), "-m", "immediate")
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None

    @property
    def folder(self) -> Path | None:
        """Where the server keeps its data and its log, while it runs."""
        return self._dir

    def url(self, dbname: str) -> str:
        """The URL of database `dbname` on this server."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def fresh(self, prefix: str = "t") -> str:
        """Create a new, empty database with a name of our own making, and return its URL."""
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", prefix):
            raise ValueError(f"a database name prefix is a short lower-case identifier, not {prefix!r}")
        name = f"{prefix}{next(self._names)}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)


_shared: Server | None = None
_shared_lock = threading.Lock()


def shared() -> Server:
    """This test process's one server, started the first time it is asked for and stopped when the process ends."""
    global _shared
    with _shared_lock:
        if _shared is None:
            server = Server()
            server.start()
            atexit.register(server.stop)
            _shared = server
        return _shared
