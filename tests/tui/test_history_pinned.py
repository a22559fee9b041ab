"""A run of another sidetui process pinned in the second pane follows it there as in the first:
its log read as it grows, and how it ended, while the first pane shows another execution."""

from __future__ import annotations

from pathlib import Path

from sidetui.core import EngineConfig, ExecutionStatus
from sidetui.tui.app import SidetuiApp
from sidetui.tui.widgets.output_pane import OutputPane
from tests.helpers import write_block
from tests.tui.pilot_support import (
    AppFactory,
    click_row,
    driving,
    main,
    pane,
    run_to_end,
    screen_lines,
    table,
    wait_until,
)
from tests.tui.test_history import run_elsewhere

# Prints a line, another once the file `more` exists, and the last once `done` does.
STEPS = """
import os, time

def after(name):
    while not os.path.exists(os.path.join(FOLDER, name)):
        time.sleep(0.05)

print("working", flush=True)
after("more")
print("halfway", flush=True)
after("done")
print("finished", flush=True)
"""


def lines_of(side: OutputPane) -> list[str]:
    return [line.strip() for line in screen_lines(side.view)]


def pinned(app: SidetuiApp) -> OutputPane:
    return main(app).query_one("#pinned", OutputPane)


async def test_a_pinned_run_of_another_process_shows_its_new_lines_and_its_end(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig, tmp_path: Path
) -> None:
    steps = STEPS.replace("FOLDER", repr(str(tmp_path)))
    write_block(samples_project, "steps", steps, {"description": "waits on files"})
    app = make_app()
    async with driving(app) as pilot, run_elsewhere(engine_config, samples_project, "steps"):
        try:
            executions = table(app)
            await wait_until(pilot, lambda: executions.row_count == 1, "the other run")
            [execution_id] = executions._rows
            await click_row(pilot, app, execution_id)
            await pilot.press("p")
            side = pinned(app)
            await wait_until(pilot, lambda: "working" in lines_of(side), "its first line, pinned")

            hello = await run_to_end(pilot, app, "hello-python")
            await click_row(pilot, app, hello.side_execution_id)
            assert pane(app).record is hello  # the first pane looks elsewhere
            assert side.record is not None and side.record.side_execution_id == execution_id

            (tmp_path / "more").write_text("go")
            await wait_until(pilot, lambda: "halfway" in lines_of(side), "a line printed since")
            (tmp_path / "done").write_text("go")
            await wait_until(
                pilot,
                lambda: side.record is not None and side.record.status is ExecutionStatus.COMPLETED,
                "its end, in the pinned pane",
            )
            await wait_until(pilot, lambda: "finished" in lines_of(side), "its last line")
        finally:
            (tmp_path / "done").write_text("go")  # the other run ends whatever happened
