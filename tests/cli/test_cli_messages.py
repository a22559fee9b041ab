"""`sidetui run` shows what a block tells its user, marked and made safe, and hands a thread's
messages to the block from a file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Ran
from tests.helpers import write_block

Runner = Callable[..., Ran]

SAYS = """
from sidetui.block import notify, on_invocation, send_message

@on_invocation
def main(params, context):
    send_message("first \\x1b]52;c;aGk=\\x07line\\nsecond line", {"step": 1})
    notify("planning", "planner")
    return {"history": [m["content"] for m in context["messages"]]}
"""


def test_run_prints_each_message_marked_and_neutralised_on_stderr(
    cli: Runner, project: Path
) -> None:
    write_block(project / "actionblocks", "says", SAYS, {"entryPoint": "main.py"})
    ran = cli("run", "says")
    assert ran.returncode == 0, ran
    lines = [line for line in ran.err.splitlines() if line.startswith("[sidetui ")]
    assert lines == [
        '[sidetui message] first line ↵ second line {"step": 1}',
        "[sidetui notification planner] planning",
    ]
    assert "\x1b" not in ran.err and "\x07" not in ran.err
    assert ran.out == ""  # messages never mix with the block's stdout


def test_run_json_has_the_messages_and_thread_messages_reach_the_block(
    cli: Runner, project: Path, tmp_path: Path
) -> None:
    write_block(project / "actionblocks", "says", SAYS, {"entryPoint": "main.py"})
    thread = tmp_path / "thread.json"
    thread.write_text(json.dumps([{"role": "user", "content": "hello"}, {"content": "again"}]))
    ran = cli("run", "says", "--json", "--thread-messages", str(thread))
    assert ran.returncode == 0, ran
    data = ran.document()["data"]
    assert data["result"] == {"history": ["hello", "again"]}
    assert [(m["kind"], m["text"]) for m in data["messages"]] == [
        ("message", "first \x1b]52;c;aGk=\x07line\nsecond line"),  # kept raw in the record
        ("notification", "planning"),
    ]
    assert data["messages"][1]["eventType"] == "planner"
    assert ran.err == ""


def test_a_bad_thread_messages_file_is_refused_before_anything_runs(
    cli: Runner, project: Path, tmp_path: Path
) -> None:
    write_block(project / "actionblocks", "says", SAYS, {"entryPoint": "main.py"})
    thread = tmp_path / "thread.json"
    thread.write_text('{"not": "a list"}')
    ran = cli("run", "says", "--thread-messages", str(thread))
    assert ran.returncode == 2, ran
    assert "--thread-messages must hold a JSON array" in ran.err
    missing = cli("run", "says", "--thread-messages", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2, missing
    assert "cannot read --thread-messages" in missing.err
