"""The executions the app did not start: this project's earlier runs (not another project's, until
`h` asks for every project), the newest in sight; the runs of other sidetui processes on the
project while they happen; and a re-run that cannot be, said before anything starts."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from sidetui.core import (
    EngineConfig,
    ExecutionKind,
    ExecutionRecord,
    ExecutionStatus,
    SideExecutionManager,
)
from sidetui.core.history import ORPHANED, HistoryStore
from sidetui.tui.app import SidetuiApp
from sidetui.tui.widgets.executions import ExecutionsTable
from tests.helpers import REPO, write_block
from tests.tui.pilot_support import (
    AppFactory,
    click_row,
    copy_samples,
    driving,
    main,
    pane,
    screen_lines,
    show_tab,
    shown,
    status_cell,
    table,
    view,
    wait_until,
)

QUICK = "print('done')\n"


async def run_in(project: Path, config: EngineConfig, name: str, times: int = 1) -> list[str]:
    """Run the block `name` of `project` `times` times, as another sidetui process on the same
    machine would (its own manager, the same state folder); their ids, oldest first."""
    ids = []
    async with SideExecutionManager(project, config=config) as manager:
        for _ in range(times):
            started = await manager.start_with_action_block(name, {})
            assert started.success, started.message
            ids.append(started.data["sideExecutionId"])
            await manager.wait_until_settled(ids[-1])
    return ids


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_only_this_projects_history_shows_until_h_asks_for_every_project(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig, tmp_path: Path
) -> None:
    other = copy_samples(tmp_path / "other")
    [theirs] = await run_in(other, engine_config, "hello-python")
    [ours] = await run_in(samples_project, engine_config, "fails")

    app = make_app()
    async with driving(app) as pilot:
        executions = table(app)
        await wait_until(pilot, lambda: executions.row_count == 1, "this project's run")
        assert executions.selected_id == ours

        await pilot.press("h")
        await wait_until(pilot, lambda: executions.row_count == 2, "every project's runs")
        assert executions.origins[theirs] == " · other"  # after its name, as far as it fits
        assert str(executions.get_cell(theirs, "name")).startswith("hello-pyth")
        assert app.sub_title.endswith("· all projects")

        await click_row(pilot, app, theirs)
        await pilot.press("r")  # another project's block: not run here
        await pilot.pause()
        assert any(n.startswith("hello-python ran in another project") for n in notes(app))
        assert app.manager.records == []

        await pilot.press("h")
        await wait_until(pilot, lambda: executions.row_count == 1, "this project's again")


async def test_the_newest_of_many_earlier_runs_is_selected_and_in_sight(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    write_block(samples_project, "quick", QUICK, {"description": "prints and ends"})
    ids = await run_in(samples_project, engine_config, "quick", times=20)
    app = make_app()
    async with driving(app) as pilot:
        executions = table(app)
        await wait_until(pilot, lambda: executions.row_count == 20, "the twenty runs")
        assert executions.selected_id == ids[-1]
        assert executions.cursor_row == 0
        assert executions.scroll_y == 0
        assert pane(app).record is not None
        assert pane(app).record.side_execution_id == ids[-1]
        assert screen_lines(view(app))[0].strip() == "done"  # read back from its log


async def test_a_rerun_of_a_block_that_is_gone_says_so_and_starts_nothing(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    write_block(samples_project, "short-lived", QUICK, {"description": "deleted after a run"})
    [earlier] = await run_in(samples_project, engine_config, "short-lived")
    shutil.rmtree(samples_project / "short-lived")
    app = make_app()
    async with driving(app) as pilot:
        await wait_until(pilot, lambda: table(app).selected_id == earlier, "the earlier run")
        await pilot.click("#executions")
        await pilot.press("r")
        await pilot.pause()
        refused = [n for n in notes(app) if n.startswith("Cannot run short-lived again")]
        assert refused, notes(app)
        assert "it is gone from the catalog" in refused[0]
        assert app.manager.records == []


CLI_RUN = [sys.executable, "-m", "sidetui", "run"]


@asynccontextmanager
async def run_elsewhere(config: EngineConfig, project: Path, name: str) -> AsyncIterator[None]:
    """`sidetui run NAME` in another terminal (another process, the same state folder), for the
    length of the block; it must have ended well by then."""
    env = dict(os.environ, SIDETUI_STATE_DIR=str(config.state_dir))
    other = await asyncio.create_subprocess_exec(
        *CLI_RUN, name, "--project", str(project),
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield
    finally:
        await asyncio.wait_for(other.wait(), 30)
    assert other.returncode == 0


async def test_runs_of_another_sidetui_process_show_live_and_end_on_screen(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    """`sidetui run` in another terminal: its execution appears while it runs (its output read
    from its log) and shows how it ended - without restarting the app."""
    write_block(
        samples_project,
        "slow",
        "import time\nprint('working', flush=True)\ntime.sleep(2)\nprint('finished')\n",
        {"description": "two seconds"},
    )
    app = make_app()
    async with driving(app) as pilot, run_elsewhere(engine_config, samples_project, "slow"):
        executions = table(app)
        await wait_until(pilot, lambda: executions.row_count == 1, "the other run")
        [execution_id] = executions._rows
        record = executions.selected_record
        assert record is not None
        assert status_cell(app, record) == "● running"
        await click_row(pilot, app, execution_id)
        await wait_until(
            pilot, lambda: "working" in [s.strip() for s in screen_lines(view(app))], "output"
        )
        await pilot.press("s")  # it is not this app's to stop
        await pilot.pause()
        assert any("Another sidetui process" in n for n in notes(app))
        await wait_until(
            pilot, lambda: status_cell(app, executions.selected_record).endswith("completed"),
            "its end",
        )  # fmt: skip
        await wait_until(
            pilot, lambda: "finished" in [s.strip() for s in screen_lines(view(app))], "all"
        )


ABANDONED = """
import sys, time
from pathlib import Path
from sidetui.core.config import EngineConfig
from sidetui.core.history import HistoryStore
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.status import ExecutionStatus

store = HistoryStore(Path(sys.argv[1]), project=Path(sys.argv[2]))
store.open()
record = ExecutionRecord("side_1_abandoned", ExecutionKind.ACTION_BLOCK, "hello-python", {}, None)
record.status = ExecutionStatus.RUNNING
store.save(record)  # as a manager does once its execution runs; then the process is gone
"""


async def test_a_run_whose_process_ended_before_it_shows_stopped_and_why(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    engine_config.state_dir.mkdir(parents=True, exist_ok=True)
    database = engine_config.state_dir / "history.sqlite3"
    writer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", textwrap.dedent(ABANDONED), str(database), str(samples_project),
        cwd=REPO,
    )  # fmt: skip
    assert await asyncio.wait_for(writer.wait(), 30) == 0
    app = make_app()
    async with driving(app) as pilot:
        await wait_until(pilot, lambda: table(app).row_count == 1, "the abandoned run")
        record = table(app).selected_record
        assert record is not None
        assert status_cell(app, record) == "■ stopped"
        await show_tab(pilot, app, "result")
        assert ORPHANED in shown(main(app).query_one("#result-body"), width=200)


def store_runs(config: EngineConfig, project: Path, count: int) -> list[str]:
    """`count` settled runs of `hello-python` in the history, as managers write them; every
    second one starts at the same time as the one before (pages must not lose or repeat those).
    Their ids, newest first."""
    store = HistoryStore.of(config, project)
    assert store is not None
    store.open()
    runs = []
    for i in range(count):
        record = ExecutionRecord(
            f"side_{i:04d}", ExecutionKind.ACTION_BLOCK, "hello-python", {}, None
        )
        record.action_block_path = str(project / "actionblocks" / "hello-python")
        record.status = ExecutionStatus.COMPLETED
        record.start_time = 1_700_000_000.0 + i // 2
        record.end_time = record.start_time + 1
        store.save(record)
        runs.append((record.start_time, record.side_execution_id))
    store.close()
    return [execution_id for _, execution_id in sorted(runs, reverse=True)]


async def test_a_long_history_opens_on_its_newest_page_and_pages_on_at_its_end(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    """Each page is there by the next press of a held key."""
    newest_first = store_runs(engine_config, samples_project, 250)
    app = make_app()
    async with driving(app) as pilot:
        executions = table(app)
        await wait_until(pilot, lambda: executions.row_count == 100, "the first page")
        assert executions.selected_id == newest_first[0]
        executions.focus()
        await pilot.pause()
        for _ in range(2):  # as a terminal sends a held key: the second before the first is drawn
            app.post_message(events.Key("ctrl+end", None))
        await wait_until(pilot, lambda: executions.cursor_row == 199, "the second page's end")
        assert executions.row_count == 250  # the last row: the next page came under it
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert executions.row_count == 250  # nothing older: no page more
        assert executions._rows == newest_first
        assert executions.selected_id == newest_first[249]


def counted_reads(history: HistoryStore) -> list[tuple[str, int]]:
    """From now on, each read of the history: ("page", runs) for a page after another, ("poll",
    runs) for the newest page that the once-a-second look reads after another process wrote."""
    reads: list[tuple[str, int]] = []
    past = history.past

    def counted(*args: Any, **kwargs: Any) -> Any:
        found = past(*args, **kwargs)
        after = args[3] if len(args) > 3 else kwargs.get("after")
        reads.append(("poll" if after is None else "page", len(found)))
        return found

    history.past = counted  # type: ignore[method-assign]
    return reads


@asynccontextmanager
async def on_first_page(
    app: SidetuiApp,
) -> AsyncIterator[tuple[Pilot[None], ExecutionsTable, list[tuple[str, int]]]]:
    """The app with the history's first page shown and the table focused; its reads counted."""
    async with driving(app) as pilot:
        executions = table(app)
        await wait_until(pilot, lambda: executions.row_count == 100, "the first page")
        assert app.manager.history is not None
        reads = counted_reads(app.manager.history)
        executions.focus()
        yield pilot, executions, reads


async def test_the_next_page_is_read_ahead_once_a_page_shows_and_taken_at_the_next_press(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    """A held `ctrl+end` does not wait for the database: the page after the one shown is read
    while nothing else waits, and the next press takes it - no page lost or shown twice."""
    newest_first = store_runs(engine_config, samples_project, 350)
    async with on_first_page(make_app()) as (pilot, executions, reads):
        await pilot.press("ctrl+end")  # the second page, read at the press
        await wait_until(pilot, lambda: len(reads) == 2, "the third page read ahead")
        assert reads == [("page", 100), ("page", 100)]
        assert executions.row_count == 200
        await pilot.press("ctrl+end")  # the third page, from what was read ahead
        await wait_until(pilot, lambda: executions.row_count == 300, "the third page shown")
        await wait_until(pilot, lambda: len(reads) == 3, "the fourth page read ahead")
        assert reads[2] == ("page", 50)  # no read at the press (that would be 100 once more)
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: executions.row_count == 350, "the last page shown")
        await wait_until(pilot, lambda: len(reads) == 4, "the look past the last page")
        assert reads == [("page", 100), ("page", 100), ("page", 50), ("page", 0)]
        assert executions._rows == newest_first


async def test_a_page_read_ahead_is_read_again_once_another_process_wrote(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    """What another sidetui process writes may change a page read ahead (a run it ended): such
    a page is dropped, and the press reads its page afresh."""
    store_runs(engine_config, samples_project, 250)
    async with on_first_page(make_app()) as (pilot, executions, reads):
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: len(reads) == 2, "the third page read ahead")
        other = HistoryStore.of(engine_config, samples_project)  # another process's connection
        assert other is not None
        other.open()
        record = ExecutionRecord("side_9999", ExecutionKind.ACTION_BLOCK, "hello-python", {}, None)
        record.status, record.start_time = ExecutionStatus.COMPLETED, 1_800_000_000.0
        other.save(record)
        other.close()
        await wait_until(pilot, lambda: executions.row_count == 201, "the other process's run")
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: executions.row_count == 251, "the last page shown")
        assert reads[:4] == [("page", 100), ("page", 50), ("poll", 100), ("page", 50)]
