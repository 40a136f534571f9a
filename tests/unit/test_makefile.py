"""The two commands work on a machine without apt-get or root: nothing outside the project is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _plan(target: str, tmp_path: Path) -> str:
    """What `make TARGET` would run in a fresh clone, on a PATH that has make and python but no apt-get."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("make", "python3", "sh", "touch"):
        found = shutil.which(tool)
        assert found, tool
        (bare / tool).symlink_to(found)
    outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")  # when the tests themselves run under `make test`
    env = {**{k: v for k, v in os.environ.items() if k not in outer}, "PATH": str(bare)}
    done = subprocess.run(
        ["make", "-n", "-B", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_make_run_on_a_fresh_mac_or_a_machine_without_apt_get_installs_only_what_running_needs(
    tmp_path: Path,
) -> None:
    plan = _plan("run", tmp_path)
    assert "apt-get" not in plan and "sudo" not in plan, "no system package, no root"
    assert "pip install" in plan and "-e ." in plan and "[dev]" not in plan, "runtime dependencies only"
    assert "inspraak" in plan.splitlines()[-1], "and then the bot runs"


def test_make_test_adds_the_development_tools(tmp_path: Path) -> None:
    plan = _plan("test", tmp_path)
    assert "'.[dev]'" in plan and "pytest" in plan
    rest = plan
    for tool in ("chromium", "espeak-ng", "initdb"):
        rest = rest.replace(_system_step(plan, tool), "")
    assert "apt-get" not in rest, "only Chromium, espeak-ng and PostgreSQL may come from the system"


def _system_step(plan: str, tool: str) -> str:
    """The recipe that finds a system tool, or installs it when there is none."""
    start = plan.index(f"command -v {tool}")
    return plan[start : plan.index("fi; }", start) + len("fi; }")]


def _make_system_tool(
    tmp_path: Path, tools: dict[str, str], target: str = "chromium", settings: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`make chromium` (or another system tool's target, with the given VAR=value settings) on a PATH with only make,
    a shell and the given fake tools (name: script)."""
    bare = tmp_path / "bin"
    bare.mkdir(parents=True)
    for tool in ("make", "sh", "id"):
        found = shutil.which(tool)
        assert found, tool
        (bare / tool).symlink_to(found)
    for name, script in tools.items():
        (bare / name).write_text(f"#!/bin/sh\n{script}\n")
        (bare / name).chmod(0o755)
    outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "INSPRAAK_CHROMIUM", "INSPRAAK_PG_BINDIR")
    env = {**{k: v for k, v in os.environ.items() if k not in outer}, "PATH": str(bare)}
    command = ["make", "-s", target, *settings]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_the_web_page_tests_use_the_chromium_already_installed(tmp_path: Path) -> None:
    done = _make_system_tool(tmp_path, {"chromium": "exit 0", "apt-get": "echo APT-GET RAN; exit 1"})
    assert done.returncode == 0 and "APT-GET RAN" not in done.stdout + done.stderr


def test_without_chromium_or_a_way_to_install_it_make_test_says_what_to_do(tmp_path: Path) -> None:
    done = _make_system_tool(tmp_path, {})
    assert done.returncode != 0
    assert "Chromium is needed for the tests" in done.stderr and "INSPRAAK_CHROMIUM" in done.stderr


def test_on_debian_without_chromium_make_test_installs_debians_package(tmp_path: Path) -> None:
    log = tmp_path / "apt.log"
    apt = f'echo "$@" >> {log}'
    done = _make_system_tool(tmp_path, {"apt-get": apt, "sudo": 'shift; "$@"'})
    assert done.returncode == 0, done.stderr
    assert "install -y -qq chromium" in log.read_text()


def test_the_voice_note_tests_use_espeak_ng_already_installed_or_debians_package(tmp_path: Path) -> None:
    found = _make_system_tool(
        tmp_path / "found", {"espeak-ng": "exit 0", "apt-get": "echo APT-GET RAN; exit 1"}, "espeak-ng"
    )
    assert found.returncode == 0 and "APT-GET RAN" not in found.stdout + found.stderr
    log = tmp_path / "apt.log"
    apt = f'echo "$@" >> {log}'
    done = _make_system_tool(tmp_path / "debian", {"apt-get": apt, "sudo": 'shift; "$@"'}, "espeak-ng")
    assert done.returncode == 0, done.stderr
    assert "install -y -qq espeak-ng" in log.read_text()
    missing = _make_system_tool(tmp_path / "bare", {}, "espeak-ng")
    assert missing.returncode != 0 and "espeak-ng is needed for the tests" in missing.stderr


def _initdb(folder: Path) -> Path:
    """A stand-in initdb in `folder`, the way PostgreSQL's packages lay their programs out."""
    folder.mkdir(parents=True)
    (folder / "initdb").write_text("#!/bin/sh\nexit 0\n")
    (folder / "initdb").chmod(0o755)
    return folder


def test_the_database_tests_use_postgresql_already_installed_wherever_the_tests_look_for_it(tmp_path: Path) -> None:
    nowhere = (f"POSTGRESQL_INITDBS={tmp_path}/none/*/bin/initdb",)  # not this machine's own PostgreSQL
    apt = "echo APT-GET RAN; exit 1"
    on_path = _make_system_tool(tmp_path / "path", {"initdb": "exit 0", "apt-get": apt}, "postgresql", nowhere)
    bindir = _initdb(tmp_path / "configured" / "bin")
    by_pg_config = {"pg_config": f'[ "$1" = --bindir ] && echo {bindir}', "apt-get": apt}
    configured = _make_system_tool(tmp_path / "pg_config", by_pg_config, "postgresql", nowhere)
    _initdb(tmp_path / "debian" / "lib" / "postgresql" / "16" / "bin")
    debian = (f"POSTGRESQL_INITDBS={tmp_path}/debian/lib/postgresql/*/bin/initdb",)
    versioned = _make_system_tool(tmp_path / "versioned", {"apt-get": apt}, "postgresql", debian)
    chosen = (*nowhere, f"INSPRAAK_PG_BINDIR={_initdb(tmp_path / 'chosen')}")
    elsewhere = _make_system_tool(tmp_path / "elsewhere", {"apt-get": apt}, "postgresql", chosen)
    for done in (on_path, configured, versioned, elsewhere):
        assert done.returncode == 0 and "APT-GET RAN" not in done.stdout + done.stderr, done.stderr


def test_without_postgresql_make_test_installs_debians_or_homebrews_package_or_says_what_to_do(tmp_path: Path) -> None:
    nowhere = (f"POSTGRESQL_INITDBS={tmp_path}/none/*/bin/initdb",)
    log = tmp_path / "install.log"
    record = f'echo "$@" >> {log}'
    debian = _make_system_tool(tmp_path / "debian", {"apt-get": record, "sudo": 'shift; "$@"'}, "postgresql", nowhere)
    assert debian.returncode == 0, debian.stderr
    assert "install -y -qq postgresql" in log.read_text()
    mac = _make_system_tool(tmp_path / "mac", {"brew": record}, "postgresql", nowhere)
    assert mac.returncode == 0, mac.stderr
    assert "install --quiet postgresql@16" in log.read_text()
    missing = _make_system_tool(tmp_path / "bare", {}, "postgresql", nowhere)
    assert missing.returncode != 0
    assert "PostgreSQL is needed for the tests" in missing.stderr and "INSPRAAK_PG_BINDIR" in missing.stderr
