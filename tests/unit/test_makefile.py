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
    rest = plan.replace(_system_step(plan, "chromium"), "").replace(_system_step(plan, "espeak-ng"), "")
    assert "apt-get" not in rest, "only Chromium and espeak-ng may come from the system"


def _system_step(plan: str, tool: str) -> str:
    """The recipe that finds a system tool, or installs it when there is none."""
    start = plan.index(f"command -v {tool}")
    return plan[start : plan.index("fi; }", start) + len("fi; }")]


def _make_system_tool(
    tmp_path: Path, tools: dict[str, str], target: str = "chromium"
) -> subprocess.CompletedProcess[str]:
    """`make chromium` (or another system tool's target) on a PATH with only make, a shell and the given fake tools
    (name: script)."""
    bare = tmp_path / "bin"
    bare.mkdir(parents=True)
    for tool in ("make", "sh", "id"):
        found = shutil.which(tool)
        assert found, tool
        (bare / tool).symlink_to(found)
    for name, script in tools.items():
        (bare / name).write_text(f"#!/bin/sh\n{script}\n")
        (bare / name).chmod(0o755)
    outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "INSPRAAK_CHROMIUM")
    env = {**{k: v for k, v in os.environ.items() if k not in outer}, "PATH": str(bare)}
    return subprocess.run(["make", "-s", target], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


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
