"""TUI start-up: from process start to the first frame with the catalog filled, imports included.

Each sample is a fresh `python -c DRIVER` subprocess (the venv's interpreter, cwd a temp folder).
The driver's first statement records `time.perf_counter()`; then it imports the app
(`sidetui.tui.factory`, timed on its own), builds it with `create_app` on a copy of the bundled
samples (`actionblocks/`, default engine settings but for temp state and global folders), runs
`app.run_test(size=(120, 36))` and records when `app.engine_ready` is set and when the screen
update that first drew the filled catalog was made: `CatalogTree.render_lines` and
`app._display` are wrapped on the instance, and the frame counts once the tree rendered a line
holding an entry's name. It prints the times as JSON and exits.

Baseline: a minimal Textual app (`App` composing one `Static`) to its first frame, same method;
its import time is that of `textual.app.App` and `textual.widgets.Static`. The parent also
records `perf_counter()` just before each spawn (CLOCK_MONOTONIC is shared by processes), which
gives the same figures with the interpreter's own start-up included. ROUNDS rounds alternating
baseline / app; medians. Headless: a real terminal would add writing the frame (a few ms).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from _common import Row, clock, median, parse_args, print_table, temp_project

SAMPLES = Path(__file__).resolve().parent.parent / "actionblocks"

FRAMES = """\
    framed = asyncio.Event()
    display = app._display

    def counted_display(screen, renderable):
        display(screen, renderable)
        if renderable is None:
            return
        now = time.perf_counter()
        if times["first_frame"] is None:
            times["first_frame"] = now
        if times["drawn"] is not None and not framed.is_set():
            times["frame"] = now
            framed.set()

    app._display = counted_display
"""  # the drivers' frame probe: times["frame"] is the first screen update after times["drawn"]

APP = (
    """\
import time
T0 = time.perf_counter()
import sidetui.tui.factory as factory
T_IMPORT = time.perf_counter()
import asyncio, json
from pathlib import Path
from sidetui.config import Settings
from sidetui.core import EngineConfig

ROOT = Path({root!r})


async def main():
    config = EngineConfig(state_dir=ROOT / "state", global_dir=ROOT / "global")
    app = factory.create_app(ROOT / "project", settings=Settings(config), config=config)
    times = {{"t0": T0, "imported": T_IMPORT, "first_frame": None, "drawn": None}}
"""
    + FRAMES
    + """    async with app.run_test(size=(120, 36)):
        tree = app.main.query_one("#catalog")
        render_lines = tree.render_lines

        def watched_render_lines(crop):
            strips = render_lines(crop)
            if times["drawn"] is None:
                names = {{entry.name for entry in app.manager.registry.entries()}}
                if names and any(name in strip.text for strip in strips for name in names):
                    times["drawn"] = time.perf_counter()
            return strips

        tree.render_lines = watched_render_lines
        await asyncio.wait_for(app.engine_ready.wait(), 180)
        times["ready"] = time.perf_counter()
        await asyncio.wait_for(framed.wait(), 180)
        times["entries"] = len(app.manager.registry.entries())
    print(json.dumps(times))


asyncio.run(main())
"""
)

MINIMAL = """\
import time
T0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static
T_IMPORT = time.perf_counter()
import asyncio, json


class Minimal(App):
    def compose(self):
        yield Static("hello")


async def main():
    app = Minimal()
    times = {"t0": T0, "imported": T_IMPORT}
    framed = asyncio.Event()
    display = app._display

    def counted_display(screen, renderable):
        display(screen, renderable)
        if renderable is not None and not framed.is_set():
            times["frame"] = time.perf_counter()
            framed.set()

    app._display = counted_display
    async with app.run_test(size=(120, 36)):
        await asyncio.wait_for(framed.wait(), 30)
    print(json.dumps(times))


asyncio.run(main())
"""


def sample(code: str, cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run the driver; its times (perf_counter values) and `spawn`, the parent's, in seconds."""
    spawn = clock()
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"driver failed:\n{result.stderr}")
    times: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    times["spawn"] = spawn
    return times


def main() -> None:
    args = parse_args(__doc__ or "")
    rounds = 1 if args.quick else 7
    uncached = os.environ.get("PYTHONDONTWRITEBYTECODE") is not None
    with temp_project() as root:
        shutil.rmtree(root / "project")
        shutil.copytree(SAMPLES, root / "project", ignore=shutil.ignore_patterns("node_modules"))
        app_code = APP.format(root=str(root))
        # Bytecode is cached as after an install, in the temp folder (nothing written into the
        # checkout); the warm-up of each fills the cache.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        sample(MINIMAL, root, env)  # warm-ups, not counted
        cold = sample(app_code, root, env)
        minimal: list[dict[str, float]] = []
        app: list[dict[str, float]] = []
        compiling: list[dict[str, float]] = []  # the environment as given, bytecode not written
        for _ in range(rounds):
            minimal.append(sample(MINIMAL, root, env))
            app.append(sample(app_code, root, env))
            if uncached:
                compiling.append(sample(app_code, root))

    def ms(runs: list[dict[str, float]], end: str, start: str = "t0") -> float:
        return median([(run[end] - run[start]) * 1000 for run in runs])

    rows = [
        Row(
            "import (sidetui.tui.factory vs textual App + Static)",
            ms(app, "imported"),
            ms(minimal, "imported"),
            "ms",
        ),
        Row(
            "start -> first frame with the catalog filled",
            ms(app, "frame"),
            ms(minimal, "frame"),
            "ms",
            ("value", "<=", 500.0),
        ),
        Row(
            "  the same from the spawn (interpreter start-up included)",
            ms(app, "frame", "spawn"),
            ms(minimal, "frame", "spawn"),
            "ms",
        ),
        Row(
            "  start -> first frame of the app (catalog still empty)",
            ms(app, "first_frame"),
            ms(minimal, "frame"),
            "ms",
        ),
        Row("  start -> engine_ready set", ms(app, "ready"), ms(minimal, "frame"), "ms"),
    ]
    if compiling:
        rows += [
            Row(
                "  import, sidetui compiled at each start (PYTHONDONTWRITEBYTECODE=1)",
                ms(compiling, "imported"),
                ms(minimal, "imported"),
                "ms",
            ),
            Row(
                "  start -> catalog frame, sidetui compiled at each start",
                ms(compiling, "frame"),
                ms(minimal, "frame"),
                "ms",
            ),
        ]
    notes = [
        f"{rounds} rounds (minimal app, then sidetui), each a fresh `python -c` process, after one"
        " warm-up of each; medians; 'start' is the driver's first statement",
        f"catalog: {int(app[0]['entries'])} entries from the bundled samples; bytecode cached in"
        " the temp folder (PYTHONPYCACHEPREFIX); the first run, compiling every module into the"
        f" empty cache, took {(cold['frame'] - cold['t0']) * 1000:,.0f} ms to the catalog frame",
        "start -> frame with the catalog per run: "
        + ", ".join(f"{(run['frame'] - run['t0']) * 1000:.0f}" for run in app)
        + " ms; minimal app: "
        + ", ".join(f"{(run['frame'] - run['t0']) * 1000:.0f}" for run in minimal)
        + " ms",
    ]
    print_table("TUI start-up", rows, notes)


if __name__ == "__main__":
    main()
