"""TUI first line: from `ctrl+s` in the launch dialog to the frame that shows the child's first
line, against a bare spawn's first line.

The app runs headless (`run_test(size=(120, 36))`) on a temp project with two blocks: `quick`
prints one line and exits at once, `lingers` prints one line and sleeps 2 s. For each sample the
launch dialog is opened (untimed: `enter` on the entry, then the app left to settle), and
`ctrl+s` goes in the way a real key does: from a thread through the driver
(`driver.process_message(events.Key("ctrl+s"))`), `perf_counter()` taken just before. The frame
is the first screen update (`app._display`, wrapped on the instance) made after the output view
rendered a line holding the child's text (`OutputView.render_line`, wrapped on the instance);
the status the executions table showed for it in that frame is recorded with it.

Baseline, in the same process and alternating with the app's samples: the same child spawned
with `asyncio.create_subprocess_exec` (the block's interpreter, stdout a pipe), timed to the
first line read from it. SAMPLES of each per block; medians and spreads.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

from _common import (
    Row,
    block_dir,
    clock,
    engine_config,
    median,
    parse_args,
    print_table,
    temp_project,
)
from textual import events

from sidetui.config import Settings
from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane

SIZE = (120, 36)
MARK = "first line of the child"
BLOCKS = {
    "quick": f'print("{MARK}", flush=True)\n',
    "lingers": f'import time\nprint("{MARK}", flush=True)\ntime.sleep(2)\n',
}


class FrameProbe:
    """Notes when the output view first renders the mark, and the screen update after it."""

    def __init__(self, app: SidetuiApp) -> None:
        self.app = app
        self.drawn: float | None = None
        self.frame: float | None = None
        self.status = ""
        self.framed = asyncio.Event()
        assert app.main is not None
        table = app.main.query_one(ExecutionsTable)
        view = app.main.query_one(OutputPane).view
        render_line, display = view.render_line, app._display

        def watched_render_line(y: int):  # type: ignore[no-untyped-def]
            strip = render_line(y)
            if self.drawn is None and MARK in strip.text:
                self.drawn = clock()
            return strip

        def counted_display(screen, renderable):  # type: ignore[no-untyped-def]
            display(screen, renderable)
            if renderable is not None and self.drawn is not None and self.frame is None:
                self.frame = clock()
                selected = table.selected_id
                if selected is not None and "status" in table.shown_columns:
                    self.status = str(table.get_cell(selected, "status"))
                self.framed.set()

        view.render_line = watched_render_line  # type: ignore[method-assign]
        app._display = counted_display  # type: ignore[method-assign]

    def reset(self) -> None:
        self.drawn = self.frame = None
        self.status = ""
        self.framed.clear()


async def bare_first_line(folder: Path) -> float:
    start = clock()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        cwd=folder,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await process.stdout.readline()
    elapsed = clock() - start
    assert MARK in line.decode()
    process.kill() if process.returncode is None else None
    await process.communicate()
    return elapsed


async def open_dialog(app: SidetuiApp, pilot, name: str, close_first: bool = False) -> None:  # type: ignore[no-untyped-def]
    """`enter` on the block in the catalog; wait until the dialog is up and the app is idle.
    `close_first`: the dialog as it was before, closed with the request and the start made by
    its callback (the order this compares with: the spawn after the closing)."""
    main = app.main
    assert main is not None
    tree = main.query_one(CatalogTree)
    tree.focus()
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data is not None and node.data.name == name:
            tree.cursor_line = line
            if close_first:
                dialog = LaunchScreen(node.data)
                app.push_screen(dialog, main._launch_dialog_closed)
            break
    if not close_first:
        await pilot.press("enter")
    while not isinstance(app.screen, LaunchScreen):  # noqa: ASYNC110 (the app's state, polled)
        await asyncio.sleep(0.01)
    await pilot.pause()
    await asyncio.sleep(0.2)


def press_ctrl_s(app: SidetuiApp, posted: list[float]) -> None:
    driver = app._driver
    assert driver is not None
    posted.append(clock())
    driver.process_message(events.Key("ctrl+s", None))


async def app_sample(  # type: ignore[no-untyped-def]
    app: SidetuiApp, pilot, probe: FrameProbe, name: str, close_first: bool = False
) -> tuple[float, str]:
    await open_dialog(app, pilot, name, close_first)
    probe.reset()
    posted: list[float] = []
    thread = threading.Thread(target=press_ctrl_s, args=(app, posted))
    thread.start()
    await asyncio.wait_for(probe.framed.wait(), 30)
    thread.join()
    assert probe.frame is not None
    elapsed = probe.frame - posted[0]
    await app.manager.stop_all()
    for record in list(app.manager.records):
        await app.manager.wait_until_settled(record.side_execution_id)
    await pilot.pause()
    return elapsed, probe.status


async def session(
    project: Path, config: EngineConfig, samples: int
) -> dict[str, tuple[list[float], list[float], list[str], list[float]]]:
    app = create_app(project, settings=Settings(config), config=config)
    found: dict[str, tuple[list[float], list[float], list[str], list[float]]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.engine_ready.wait(), 30)
        probe = FrameProbe(app)
        for name in BLOCKS:
            folder = block_dir(project.parent, name)
            await bare_first_line(folder)  # warm-ups, not counted
            await app_sample(app, pilot, probe, name)
            bare, ui, statuses, before = [], [], [], []
            for _ in range(samples):
                bare.append(await bare_first_line(folder))
                elapsed, status = await app_sample(app, pilot, probe, name)
                ui.append(elapsed)
                statuses.append(status)
                before.append((await app_sample(app, pilot, probe, name, close_first=True))[0])
            found[name] = (bare, ui, statuses, before)
    return found


async def main() -> None:
    args = parse_args(__doc__ or "")
    samples = 3 if args.quick else 15
    with temp_project(BLOCKS) as root:
        found = await session(root / "project", engine_config(root), samples)
    rows: list[Row] = []
    notes = [
        f"{samples} samples per block, alternating bare spawn / app / app with the dialog closed"
        " before the spawn, after one warm-up of each;"
        " medians; app headless at 120x36, the launch dialog opened with `enter` before each"
        " sample (untimed)"
    ]
    for name, (bare, ui, statuses, before) in found.items():
        ms_ui, ms_bare = [t * 1000 for t in ui], [t * 1000 for t in bare]
        paired = median([u / b for u, b in zip(ui, bare, strict=True)])
        rows.append(
            Row(
                f"ctrl+s -> first line on screen, `{name}`",
                median(ms_ui),
                median(ms_bare),
                "ms",
                ("ratio", "<=", 2.0),
                paired=paired,
            )
        )
        rows.append(
            Row(
                "  the dialog closed first, the spawn after (the order before)",
                median([t * 1000 for t in before]),
                median(ms_bare),
                "ms",
                paired=median([o / b for o, b in zip(before, bare, strict=True)]),
            )
        )
        running = sum("running" in s for s in statuses)
        notes.append(
            f"`{name}`: app {min(ms_ui):.0f}-{max(ms_ui):.0f} ms, bare spawn"
            f" {min(ms_bare):.0f}-{max(ms_bare):.0f} ms; status shown in that frame: `running`"
            f" in {running} of {len(statuses)} ({', '.join(sorted(set(statuses)))})"
        )
    print_table("TUI first line on screen", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
