"""TUI key-press latency: `f` (follow) while 4 executions print as fast as they can.

The app runs headless (`run_test(size=(120, 36))`) on a temp project with one block, `endless`:
a Python child writing 640 KiB chunks of 80-byte lines until it is stopped. Four are launched
through the main screen (`MainScreen.launch`, what the launch dialog ends in); the last one is
selected (stdout tab, following) and the output view has the focus.

A key goes in the way a real one does: from a thread, through the driver
(`driver.process_message(events.Key("f", "f"))`, what the Linux driver's input thread calls for
each key it reads), into the app's message queue, through focus and the screen's bindings, to
`action_follow`. The thread posts PRESSES keys on a fixed schedule, SPACING apart, and records
`perf_counter()` just before each post; a watcher on `OutputView.following` records
`perf_counter()` inside the app when the value flips. Latency = flip - post. Nothing waits for the
app to look idle (`pilot.press` does, and under load that takes seconds: see NOTES.md).
`action_follow` is wrapped on the instance only to record when each action began and ended (the
time a key waited in the queue vs the action itself) and to pair each flip with its press.

Baseline: the same presses in a fresh app session with nothing running.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import Row, clock, engine_config, median, p95, parse_args, print_table, temp_project
from textual import events

from sidetui.config import Settings
from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.screens.main import MainScreen
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane

SIZE = (120, 36)
CHILDREN = 4

ENDLESS = """\
import sys

line = b"x" * 70 + b" line end\\n"  # 80 bytes
chunk = line * 8192  # 640 KiB
out = sys.stdout.buffer
while True:
    out.write(chunk)
"""


@dataclass
class Trace:
    posted: list[float] = field(default_factory=list)  # in the posting thread, before the post
    scheduled: list[float] = field(default_factory=list)  # when the post was due
    began: list[float] = field(default_factory=list)  # action_follow entered
    ended: list[float] = field(default_factory=list)  # action_follow returned
    flips: dict[int, float] = field(default_factory=dict)  # press index -> first flip inside it
    stray: int = 0  # flips of `following` outside an action_follow
    press: int = -1  # index of the action running now, -1 outside

    def latencies(self) -> list[float]:
        return [self.flips[i] - self.posted[i] for i in sorted(self.flips)]


def post_keys(app: SidetuiApp, trace: Trace, presses: int, spacing: float) -> None:
    """In a thread, as a terminal's input thread would: one `f` every `spacing` seconds."""
    driver = app._driver
    assert driver is not None
    start = clock() + 0.05
    for i in range(presses):
        due = start + i * spacing
        if (delay := due - clock()) > 0:
            time.sleep(delay)
        event = events.Key("f", "f")
        trace.scheduled.append(due)
        trace.posted.append(clock())
        driver.process_message(event)


def trace_follow(main: MainScreen, trace: Trace) -> None:
    """Wrap the screen's `action_follow` (on the instance) to record when each one ran."""
    original = main.action_follow

    def traced_follow() -> None:
        trace.press = len(trace.began)
        trace.began.append(clock())
        try:
            original()
        finally:
            trace.ended.append(clock())
            trace.press = -1

    main.action_follow = traced_follow  # type: ignore[method-assign]


async def session(
    project: Path, config: EngineConfig, children: int, presses: int, spacing: float
) -> tuple[Trace, float, float, int]:
    """One app session; (trace, lines/s of all children during the presses, window s, lines)."""
    app = create_app(project, settings=Settings(config), config=config)
    trace = Trace()
    async with app.run_test(size=SIZE):
        await asyncio.wait_for(app.engine_ready.wait(), 30)
        main = app.main
        assert main is not None
        for _ in range(children):
            main.launch(LaunchRequest("block", "endless"))
        pane = main.query_one(OutputPane)
        table = main.query_one(ExecutionsTable)
        deadline = clock() + 30
        while children and (
            len(app.manager.records) < children
            or pane.record is None
            or pane.record.side_execution_id != table.selected_id
            or pane.view.line_count == 0
        ):
            assert clock() < deadline, "the executions did not show up"
            await asyncio.sleep(0.05)
        view = pane.view
        view.focus()
        await asyncio.sleep(1.0)  # let the children and the view reach their pace
        assert view.following and pane.tab == "stdout"

        def flipped(old: bool, new: bool) -> None:
            now = clock()
            if trace.press < 0:
                trace.stray += 1
            else:
                trace.flips.setdefault(trace.press, now)

        main.watch(view, "following", flipped, init=False)
        trace_follow(main, trace)

        def lines_so_far() -> int:
            return sum(r.stdout.lines_total for r in app.manager.records if r.stdout)

        lines_before, start = lines_so_far(), clock()
        poster = threading.Thread(target=post_keys, args=(app, trace, presses, spacing))
        poster.start()
        while poster.is_alive() or len(trace.ended) < presses:
            await asyncio.sleep(0.02)
            if clock() - start > presses * spacing + 60:
                break
        window = clock() - start
        lines = lines_so_far() - lines_before
        poster.join()
        await app.manager.stop_all()
    return trace, lines / window, window, lines


def checked(name: str, trace: Trace, presses: int) -> Trace:
    missing = presses - len(trace.flips)
    assert missing == 0 and trace.stray == 0, f"{name}: {missing} presses without a flip"
    return trace


def ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


async def main() -> None:
    args = parse_args(__doc__ or "")
    presses, spacing = (40, 0.02) if args.quick else (200, 0.02)
    sparse, gap = (10, 0.1) if args.quick else (100, 0.1)  # typing pace: keys do not queue
    with temp_project({"endless": ENDLESS}) as root:
        config = engine_config(root)
        project = root / "project"
        idle, _, _, _ = await session(project, config, 0, presses, spacing)
        busy, speed, window, lines = await session(project, config, CHILDREN, presses, spacing)
        idle_sparse, _, _, _ = await session(project, config, 0, sparse, gap)
        busy_sparse, *_ = await session(project, config, CHILDREN, sparse, gap)
    checked("idle", idle, presses)
    checked("busy", busy, presses)
    checked("idle, sparse", idle_sparse, sparse)
    checked("busy, sparse", busy_sparse, sparse)

    def to_action(trace: Trace) -> list[float]:
        return ms([b - p for b, p in zip(trace.began, trace.posted, strict=True)])

    def in_action(trace: Trace) -> list[float]:
        return ms([e - b for e, b in zip(trace.ended, trace.began, strict=True)])

    def from_due(trace: Trace) -> list[float]:
        return ms([trace.flips[i] - trace.scheduled[i] for i in sorted(trace.flips)])

    lat_idle, lat_busy = ms(idle.latencies()), ms(busy.latencies())
    sparse_idle, sparse_busy = ms(idle_sparse.latencies()), ms(busy_sparse.latencies())
    goal = ("value", "<", 50.0)
    load = f"{CHILDREN} children flooding"
    rows = [
        Row(f"key -> follow flipped, p50, {load}", median(lat_busy), median(lat_idle), "ms"),
        Row(f"key -> follow flipped, p95, {load}", p95(lat_busy), p95(lat_idle), "ms", goal),
        Row(f"key -> follow flipped, max, {load}", max(lat_busy), max(lat_idle), "ms"),
        Row(
            "  of which post -> action_follow entered, p95",
            p95(to_action(busy)),
            p95(to_action(idle)),
            "ms",
        ),
        Row(
            "  of which action_follow itself, p95", p95(in_action(busy)), p95(in_action(idle)), "ms"
        ),
        Row(
            "  from when the key was due (GIL wait included), p95",
            p95(from_due(busy)),
            p95(from_due(idle)),
            "ms",
        ),
        Row(
            f"keys {gap * 1000:.0f} ms apart (typing pace): p50",
            median(sparse_busy),
            median(sparse_idle),
            "ms",
        ),
        Row(
            f"keys {gap * 1000:.0f} ms apart (typing pace): p95",
            p95(sparse_busy),
            p95(sparse_idle),
            "ms",
            goal,
        ),
    ]
    notes = [
        f"{presses} presses of `f`, one every {spacing * 1000:.0f} ms ({sparse} every"
        f" {gap * 1000:.0f} ms for the last two rows, separate sessions), posted from a thread"
        f" through the driver; app headless at {SIZE[0]}x{SIZE[1]}, stdout tab of the last"
        " execution selected and following, the output view focused; baseline: a fresh app"
        " session with nothing running",
        f"meanwhile the {CHILDREN} children got through {lines:,} lines in {window:.2f} s:"
        f" {speed:,.0f} lines/s together (80-byte lines)",
        "latency = perf_counter() in a watcher of OutputView.following - perf_counter() in the"
        " posting thread just before the post; 'from when the key was due' also counts the"
        " posting thread's wake-up and wait for the GIL",
    ]
    print_table("TUI key-press latency", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
