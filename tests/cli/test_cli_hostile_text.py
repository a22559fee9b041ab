"""Outside text never reaches the terminal raw from the command line: names, descriptions,
errors and a child's last stderr line, fed the same hostile corpus, come out neutralised."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Ran
from tests.helpers import write_block
from tests.hostile_text import CORPUS, SHOWN_BIDI, forbidden_in

Runner = Callable[..., Ran]

FAILS_LOUDLY = f"""
import sys
print({CORPUS!r}, file=sys.stderr)
sys.exit(3)
"""


def hostile_blocks(project: Path) -> None:
    blocks = project / "actionblocks"
    write_block(
        blocks,
        "loud",
        FAILS_LOUDLY,
        {"entryPoint": "main.py", "description": CORPUS},
        {"README.md": f"# loud\n\n{CORPUS}\n"},
    )
    write_block(blocks, "broken", None, {"name": "broken", "entryPoint": f"{CORPUS}.py"})


def test_list_shows_hostile_descriptions_and_errors_neutralised(cli: Runner, project: Path) -> None:
    hostile_blocks(project)
    ran = cli("list")
    assert ran.returncode == 0, ran
    assert forbidden_in(ran.stdout) == []
    assert SHOWN_BIDI in ran.out
    assert "[bold red]H[/]" in ran.out
    raw = cli("list", "--json").document()  # JSON carries it escaped, as data
    descriptions = {b["name"]: b["description"] for b in raw["data"]["actionBlocks"]}
    assert descriptions["loud"] == CORPUS


def test_run_quotes_a_hostile_last_stderr_line_neutralised(cli: Runner, project: Path) -> None:
    hostile_blocks(project)
    ran = cli("run", "loud")
    assert ran.returncode == 1
    summary = ran.stderr.splitlines()[-1]
    assert summary.startswith(b"sidetui: loud failed")
    assert forbidden_in(summary) == []
    assert SHOWN_BIDI.encode() in summary


def test_a_refusal_quoting_hostile_text_is_neutralised(cli: Runner, project: Path) -> None:
    hostile_blocks(project)
    ran = cli("run", "broken")
    assert ran.returncode == 2
    assert forbidden_in(ran.stderr) == []
    assert "cannot run" in ran.err
    refused = json.loads(cli("run", "broken", "--json").stdout)
    assert CORPUS in refused["error"]["message"]  # the JSON keeps it, escaped


RAISES_HOSTILE = f"""
def execute(params):
    raise ValueError({CORPUS!r})
"""


def test_capability_list_and_run_show_hostile_text_neutralised(cli: Runner, project: Path) -> None:
    manifest = json.dumps({"name": "hostile", "description": CORPUS})
    write_block(
        project / "capabilities" / "power",
        "hostile",
        RAISES_HOSTILE,
        files={"capability.yaml": manifest},
    )
    listed = cli("capability", "list")
    assert listed.returncode == 0, listed
    assert forbidden_in(listed.stdout) == []
    assert SHOWN_BIDI in listed.out

    ran = cli("capability", "run", "hostile")
    assert ran.returncode == 1, ran
    summary = ran.stderr.splitlines()[-1]  # above it, the child's own stderr, passed on as it is
    assert summary.startswith(b"sidetui: power/hostile failed"), ran
    assert forbidden_in(summary) == []
    assert SHOWN_BIDI.encode() in summary
    assert b"[bold red]H[/]" in summary
