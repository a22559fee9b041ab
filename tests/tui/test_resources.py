"""Resources over time: the details of a running execution graph its whole tree's CPU and memory
(sparklines) and give its peak memory, which stays once it has ended and comes back from the
history."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from sidetui.core import EngineConfig, ExecutionStatus, SideExecutionManager
from sidetui.core.history import HistoryStore
from sidetui.tui.widgets.resource_graphs import GRAPH_WIDTH
from tests.helpers import write_block
from tests.tui.pilot_support import (
    AppFactory,
    click_row,
    driving,
    launch,
    pane,
    settled,
    show_tab,
    shown,
    wait_until,
)

MIB = 1024 * 1024
# Holds 64 MiB itself (allocated once it runs) and 16 MiB in a child of its own (the whole tree
# counts), burns CPU, and runs until stopped.
HOG = """
import subprocess, sys, time
holder = subprocess.Popen([sys.executable, "-c",
    "import time; held = b'x' * (16 * 1024 * 1024); time.sleep(60)"])
print("holding", flush=True)
time.sleep(0.3)
held = b"x" * (64 * 1024 * 1024)
end = time.time() + 60
while time.time() < end:
    sum(range(10000))
"""
SPARK = set("▁▂▃▄▅▆▇█")


def hog_project(root: Path) -> Path:
    project = root / "hog-project"
    write_block(project / "actionblocks", "hog", HOG, {"entryPoint": "main.py"})
    return project


def details_text(app) -> str:  # type: ignore[no-untyped-def]
    return shown(pane(app).query_one("#execution-details-body", Static), width=110)


def row(text: str, label: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(label + " ")), "")


async def test_a_running_execution_graphs_cpu_and_memory_and_keeps_its_peak(
    make_app: AppFactory, engine_config: EngineConfig, tmp_path: Path
) -> None:
    engine_config.tree_sample_ms = 100
    app = make_app(project=hog_project(tmp_path), deterministic=False)
    async with driving(app) as pilot:
        record = await launch(pilot, app, "hog")
        await click_row(pilot, app, record.side_execution_id)
        await show_tab(pilot, app, "details")

        def graphed() -> bool:
            text = details_text(app)
            bars = [c for c in row(text, "memory") if c in SPARK]
            return record.peak_memory > 64 * MIB and len(bars) >= 3

        try:
            await wait_until(pilot, graphed, "the graphs, refreshed as samples come")
        except AssertionError:
            samples = len(record.usage_history)
            raise AssertionError(
                f"peak {record.peak_memory}, {samples} samples, {record.status.value}, "
                f"tab {pane(app).tab}:\n{details_text(app)}"
            ) from None
        text = details_text(app)
        for label in ("cpu", "memory"):
            bars = [c for c in row(text, label) if c in SPARK]
            assert 2 <= len(bars) <= GRAPH_WIDTH, row(text, label)
        assert " now · last " in row(text, "cpu")
        assert row(text, "peak memory").split()[-1].endswith("M"), text

        await pilot.press("s")  # stop it: the graphs go, the peak stays
        ended = await settled(pilot, app, record.side_execution_id)
        assert ended.status is ExecutionStatus.STOPPED
        await wait_until(pilot, lambda: not row(details_text(app), "cpu"), "no graphs once ended")
        peak = row(details_text(app), "peak memory")
        assert float(peak.split()[-1].rstrip("M")) >= 64, peak


async def test_peak_memory_round_trips_through_the_history(
    engine_config: EngineConfig, tmp_path: Path
) -> None:
    engine_config.tree_sample_ms = 100
    project = hog_project(tmp_path)
    async with SideExecutionManager(project, config=engine_config) as manager:
        started = await manager.start_with_action_block("hog", {}, 3_000)
        assert started.data is not None, started.message
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
    assert record.status is ExecutionStatus.TIMEOUT
    assert record.peak_memory > 64 * MIB
    store = HistoryStore.of(engine_config, project)
    assert store is not None
    store.open()
    try:
        stored = store.get(record.side_execution_id)
    finally:
        store.close()
    assert stored is not None and stored.from_history
    assert stored.peak_memory == record.peak_memory
