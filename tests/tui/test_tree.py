"""The execution tree: executions a block starts sit under it in the executions table; space
folds and unfolds them; the parent counts how many of them have ended (marked when one failed).
Driven with a real parent that starts three nested executions over the IPC channel."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from sidetui.core import ExecutionStatus
from sidetui.tui.app import SidetuiApp
from tests.helpers import write_block
from tests.tui.pilot_support import AppFactory, driving, launch, table, wait_until

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
release = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])["release"]
while not os.path.exists(release):
    time.sleep(0.05)
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
