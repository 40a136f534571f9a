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
    assert "apt-get" not in plan and "'.[dev]'" in plan and "pytest" in plan
