"""Watch and rerun in the app: w on an execution watches its block; an edit in the block's folder
stops the run in progress (its whole tree) and runs it again with the same params, selected and
marked; noise does not count; w again stops watching."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from sidetui.core import ExecutionStatus
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.help import HelpScreen
from sidetui.tui.widgets.execution_cells import WATCHED
from tests.helpers import pids_alive, write_block
from tests.tui.pilot_support import (
    AppFactory,
    click_row,
    driving,
    launch,
    open_screen,
    settled,
    shown,
    table,
    wait_for_output,
    wait_until,
)

LONG_RUN = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(f"{open('version.txt').read().strip()} {child.pid}", flush=True)  # one write
time.sleep(60)
"""
QUIET_S = 1.0  # longer than the debounce (300 ms): a rerun would have started


def marked(app: SidetuiApp, execution_id: str) -> bool:
    return str(table(app).get_cell(execution_id, "name")).startswith(WATCHED)


async def test_an_edit_reruns_the_watched_block_and_w_again_stops_watching(
    make_app: AppFactory, tmp_path: Path
) -> None:
    project = tmp_path / "watched"
    folder = write_block(project / "actionblocks", "edited", LONG_RUN, {"entryPoint": "main.py"})
    (folder / "version.txt").write_text("v1")
    app = make_app(project=project)
    async with driving(app) as pilot:
        first = await launch(pilot, app, "edited")
        await wait_for_output(pilot, first, "v1")
        grandchild = int(first.output.split()[1])
        await click_row(pilot, app, first.side_execution_id)

        await pilot.press("w")
        await wait_until(pilot, lambda: marked(app, first.side_execution_id), "the mark")
        assert any(n.message.startswith("Watching edited") for n in app._notifications)

        (folder / "node_modules").mkdir()
        (folder / "node_modules" / "dep.js").write_text("noise")
        await pilot.pause(QUIET_S)
        assert len(app.manager.records) == 1, "noise must not rerun it"

        (folder / "version.txt").write_text("v2")
        await wait_until(pilot, lambda: len(app.manager.records) == 2, "a rerun")
        second = next(r for r in app.manager.records if r is not first)
        await wait_for_output(pilot, second, "v2")
        assert second.params == first.params
        assert first.status is ExecutionStatus.STOPPED
        assert pids_alive([grandchild]) == [], "the first run's whole tree stopped first"
        await wait_until(
            pilot, lambda: table(app).selected_id == second.side_execution_id, "the rerun selected"
        )
        assert marked(app, second.side_execution_id)

        await pilot.press("w")
        await wait_until(pilot, lambda: not marked(app, second.side_execution_id), "no mark")
        (folder / "version.txt").write_text("v3")
        await pilot.pause(QUIET_S)
        assert len(app.manager.records) == 2, "no rerun once unwatched"

        await pilot.press("s")
        await settled(pilot, app, second.side_execution_id)


async def test_the_help_lists_the_watch_and_fold_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        help_screen = await open_screen(pilot, app, "question_mark", HelpScreen)
        text = "\n".join(shown(static, width=140) for static in help_screen.query(Static))
        watch = next(line for line in text.splitlines() if line.rstrip().endswith(" watch"))
        assert watch.startswith("w ") and "an edit in its folder" in watch
        fold = next(line for line in text.splitlines() if line.rstrip().endswith("fold_children"))
        assert fold.startswith("space ") and "fold or unfold" in fold
