"""The execution tree: executions a block starts sit under it in the executions table; space
folds and unfolds them; the parent counts how many of them have ended (marked when one failed),
and its details tab says it in words. Driven with a real parent that starts three nested
executions over the IPC channel."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from sidetui.core import ExecutionStatus
from sidetui.tui.app import SidetuiApp
from tests.helpers import write_block
from tests.tui.pilot_support import (
    AppFactory,
    click_row,
    driving,
    launch,
    pane,
    shown,
    table,
    wait_until,
)

# Runs `quick`, then `crash`, then `waiter` (which runs until the file `release` exists), one
# after the other; then ends.
FANOUT = """
from sidetui.block import on_invocation, start_action_block

@on_invocation
def main(params, context):
    for name in ("quick", "crash", "waiter"):
        start_action_block(name, {"release": RELEASE})
    return {"started": 3}
"""
WAITER = """
import json, os, time
params = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])
if "running" in params:
    open(params["running"], "w").close()
release = params["release"]
while not os.path.exists(release):
    time.sleep(0.05)
"""

# Runs `quick` and `crash`, starts `waiter` without waiting for it, and ends once it runs: a
# parent that has ended with a child still running.
DISPATCH = """
import os, threading, time
from sidetui.block import on_invocation, start_action_block

@on_invocation
def main(params, context):
    for name in ("quick", "crash"):
        start_action_block(name, {})
    waiter = lambda: start_action_block("waiter", {"release": RELEASE, "running": RUNNING})
    threading.Thread(target=waiter, daemon=True).start()
    while not os.path.exists(RUNNING):
        time.sleep(0.02)
    return {"left": "waiter"}
"""


def family_project(root: Path) -> Path:
    """A project with the `fanout` parent and its three children; `release` ends the last one."""
    project = root / "family"
    folder = project / "actionblocks"
    fanout = FANOUT.replace("RELEASE", repr(str(root / "release")))
    write_block(folder, "fanout", fanout, {"entryPoint": "main.py"})
    write_block(folder, "quick", "print('quick')", {"entryPoint": "main.py"})
    write_block(folder, "crash", "raise SystemExit(3)", {"entryPoint": "main.py"})
    write_block(folder, "waiter", WAITER, {"entryPoint": "main.py"})
    return project


def name_cell(app: SidetuiApp, execution_id: str) -> Text:
    cell = table(app).get_cell(execution_id, "name")
    assert isinstance(cell, Text)
    return cell


async def test_children_sit_under_their_parent_fold_away_and_are_counted(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(project=family_project(tmp_path))
    async with driving(app) as pilot:
        parent = await launch(pilot, app, "fanout")
        parent_id = parent.side_execution_id
        executions = table(app)

        def children() -> list[str]:
            return [r.side_execution_id for r in app.manager.records if r.parent_execution_id]

        def waiter_runs() -> bool:
            return any(
                r.action_block == "waiter" and r.status is ExecutionStatus.RUNNING
                for r in app.manager.records
            )

        await wait_until(pilot, lambda: waiter_runs() and len(executions._rows) == 4, "3 children")
        quick, crash, waiter = sorted(
            children(), key=lambda i: app.manager.get_record(i).start_time
        )
        assert executions._rows == [parent_id, waiter, crash, quick]  # newest first, under it
        await wait_until(
            pilot, lambda: name_cell(app, parent_id).plain.startswith("▾ 2/3 fanout"), "2/3 ended"
        )
        count = next(span for span in name_cell(app, parent_id).spans if span.start == 2)
        assert count.style != "dim", "a failed child marks the count"
        assert name_cell(app, crash).plain.startswith("└ crash")

        executions.focus()
        executions.move_cursor(row=0)
        await pilot.press("space")
        await wait_until(pilot, lambda: executions._rows == [parent_id], "the children folded")
        assert name_cell(app, parent_id).plain.startswith("▸ 2/3")

        (tmp_path / "release").write_text("go")
        await wait_until(
            pilot, lambda: name_cell(app, parent_id).plain.startswith("▸ 3/3"), "3/3 ended"
        )
        await pilot.press("space")
        await wait_until(pilot, lambda: len(executions._rows) == 4, "the children unfolded")

        executions.move_cursor(row=executions._rows.index(quick))
        await pilot.press("space")  # on a child: its parent folds, and is selected
        await wait_until(pilot, lambda: executions._rows == [parent_id], "folded from a child")
        assert executions.selected_id == parent_id


def children_row(app: SidetuiApp) -> str:
    """The `children` row of the details tab, as drawn ("" when it has none)."""
    details = shown(pane(app).query_one("#execution-details-body", Static), width=200)
    rows = [line.split(None, 1) for line in details.splitlines()]
    return next((row[1].strip() for row in rows if row[:1] == ["children"]), "")


async def test_a_parents_details_say_how_many_of_its_children_ended_and_keep_counting(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The parent has ended, so nothing but its children's endings brings its details up to
    date."""
    project = family_project(tmp_path)
    release, running = repr(str(tmp_path / "release")), repr(str(tmp_path / "running"))
    dispatch = DISPATCH.replace("RELEASE", release).replace("RUNNING", running)
    write_block(project / "actionblocks", "dispatch", dispatch, {"entryPoint": "main.py"})
    app = make_app(project=project)
    async with driving(app) as pilot:
        parent = await launch(pilot, app, "dispatch")
        await wait_until(pilot, lambda: parent.status.is_final, "the parent's end")
        assert parent.status is ExecutionStatus.COMPLETED, parent.error
        waiter = next(r for r in app.manager.records if r.action_block == "waiter")
        assert not waiter.status.is_final
        await click_row(pilot, app, parent.side_execution_id)
        await pilot.press("6")  # the details tab
        await wait_until(
            pilot, lambda: children_row(app) == "2 of 3 ended · 1 failed", "2 of 3 ended"
        )

        (tmp_path / "release").write_text("go")
        await wait_until(
            pilot, lambda: children_row(app) == "3 of 3 ended · 1 failed", "3 of 3 ended"
        )
        assert name_cell(app, parent.side_execution_id).plain.startswith(
            "▾ 3/3 "
        )  # the table agrees
        await click_row(pilot, app, waiter.side_execution_id)
        assert children_row(app) == ""  # it started nothing
