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
    assert "apt-get" not in plan.replace(_chromium_step(plan), ""), "only Chromium may come from the system"


def _chromium_step(plan: str) -> str:
    """The recipe that finds Chromium, or installs it when there is none."""
    start = plan.index("command -v chromium")
    return plan[start : plan.index("fi; }", start) + len("fi; }")]


def _make_chromium(tmp_path: Path, tools: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make chromium` on a PATH with only make, a shell and the given fake tools (name: script)."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("make", "sh", "id"):
        found = shutil.which(tool)
        assert found, tool
        (bare / tool).symlink_to(found)
    for name, script in tools.items():
        (bare / name).write_text(f"#!/bin/sh\n{script}\n")
        (bare / name).chmod(0o755)
    outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "INSPRAAK_CHROMIUM")
    env = {**{k: v for k, v in os.environ.items() if k not in outer}, "PATH": str(bare)}
    return subprocess.run(["make", "-s", "chromium"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_the_web_page_tests_use_the_chromium_already_installed(tmp_path: Path) -> None:
    done = _make_chromium(tmp_path, {"chromium": "exit 0", "apt-get": "echo APT-GET RAN; exit 1"})
    assert done.returncode == 0 and "APT-GET RAN" not in done.stdout + done.stderr


def test_without_chromium_or_a_way_to_install_it_make_test_says_what_to_do(tmp_path: Path) -> None:
    done = _make_chromium(tmp_path, {})
    assert done.returncode != 0
    assert "Chromium is needed for the tests" in done.stderr and "INSPRAAK_CHROMIUM" in done.stderr


def test_on_debian_without_chromium_make_test_installs_debians_package(tmp_path: Path) -> None:
    log = tmp_path / "apt.log"
    apt = f'echo "$@" >> {log}'
    done = _make_chromium(tmp_path, {"apt-get": apt, "sudo": 'shift; "$@"'})
    assert done.returncode == 0, done.stderr
    assert "install -y -qq chromium" in log.read_text()
