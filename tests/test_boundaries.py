"""Project-wide promises: the engine stays UI-free, the code stays lint- and type-clean."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO


def test_the_engine_never_loads_textual_or_rich() -> None:
    probe = (
        "import sys, sidetui.core, sidetui.core.manager, sidetui.commands.run_block; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ruff_finds_nothing() -> None:
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "."], cwd=REPO, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [*ruff, "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_the_engine_type_checks() -> None:
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "sidetui/core"], cwd=REPO, capture_output=True, text=True
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_no_module_of_sidetui_is_over_300_lines() -> None:
    """One concept per module: past 300 lines a module holds more than one (split it by concept)."""
    long = {
        str(path.relative_to(REPO)): lines
        for path in (REPO / "sidetui").rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > 300
    }
    assert long == {}
