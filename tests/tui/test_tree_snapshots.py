"""Snapshots of the execution tree (a parent running with three children: one completed, one
failed, one running) and of a running execution's details with its resource graphs.

Built with `deterministic=True` (ids, pids, times, CPU and memory masked); the graphs are drawn
from fixed samples, with the engine's own sampling slowed past the test's length. Update with
`pytest tests/tui/test_tree_snapshots.py --snapshot-update`, then look at the pictures.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from textual.pilot import Pilot

from sidetui.core import EngineConfig, ExecutionStatus
from sidetui.core.records.execution_record import UsageSample
from tests.helpers import write_block
from tests.tui.pilot_support import (
    SIZE,
    AppFactory,
    click_row,
    launch,
    show_tab,
    started,
    table,
    wait_for_output,
    wait_until,
)
from tests.tui.test_tree import family_project

MIB = 1024 * 1024
STEADY = """
import time
print("crunching", flush=True)
time.sleep(120)
"""


def fixed_samples(start: float) -> list[UsageSample]:
    """Two minutes at one sample a second: CPU in waves, memory climbing then freed."""
    return [
        UsageSample(
            start + i,
            40 + 35 * math.sin(i / 9),
            int((30 + min(i, 80) * 0.6 - max(0, i - 95) * 1.5) * MIB),
        )
        for i in range(120)
    ]


def test_a_parent_and_its_children(make_app: AppFactory, snap_compare, tmp_path: Path) -> None:
    app = make_app(project=family_project(tmp_path))

    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot, app)
        parent = await launch(pilot, app, "fanout")

        def three_children_one_running() -> bool:
            statuses = sorted(r.status.value for r in app.manager.records if r.parent_execution_id)
            return statuses == ["completed", "failed", "running"]

        await wait_until(pilot, three_children_one_running, "the children")
        await wait_until(pilot, lambda: len(table(app)._rows) == 4, "four rows")
        await click_row(pilot, app, parent.side_execution_id)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        (tmp_path / "release").write_text("go")


def test_the_details_of_a_running_execution_graph_its_resources(
    make_app: AppFactory, engine_config: EngineConfig, snap_compare, tmp_path: Path
) -> None:
    engine_config.tree_sample_ms = 600_000  # no sample of its own during the test
    project = tmp_path / "steady-project"
    write_block(project / "actionblocks", "steady", STEADY, {"entryPoint": "main.py"})
    app = make_app(project=project)

    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot, app)
        record = await launch(pilot, app, "steady")
        await wait_for_output(pilot, record, "crunching")
        assert record.status is ExecutionStatus.RUNNING
        record.usage_history.clear()
        record.usage_history.extend(fixed_samples(time.time() - 120))
        record.peak_memory = max(sample.memory_rss for sample in record.usage_history)
        await click_row(pilot, app, record.side_execution_id)
        await show_tab(pilot, app, "details")
        await pilot.pause(1.2)  # a tick of the details has passed: they hold still

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
