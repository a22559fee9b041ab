"""TUI on a big project: first frame and catalog on 10,000 blocks, and holding `down` in it.

The project has BLOCKS generated blocks (`discovery.py`'s: `actionblock.yml` with 2 inputs,
`main.py`, `README.md`). Start-up: `tui_startup.py`'s driver (a fresh `python -c` process per
sample, bytecode cached, `perf_counter()` its first statement) on this project: to the app's
first frame, to `engine_ready`, and to the first frame after the catalog tree drew an entry.
Baseline: the minimal Textual app (`App` composing one `Static`) to its first frame.

Scrolling, in this process: the app on the same project, the catalog focused on its first entry;
a thread posts `down` through the driver (`driver.process_message(events.Key("down"))`, as the
terminal's input thread does) every SPACING seconds, a held key's repeat rate; latency is from
just before the post to the first screen update (`app._display`, wrapped on the instance) made
after the tree's `cursor_line` changed (a watcher). Baseline: the same presses on a bare Textual
`Tree` holding the same names, one leaf each, in a group node.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from _common import Row, engine_config, median, p95, parse_args, print_table, temp_project
from discovery import write_generated
from textual.app import App, ComposeResult
from textual.widgets import Tree
from tui_keys import HeldKey
from tui_startup import APP, MINIMAL, sample

from sidetui.config import Settings
from sidetui.tui.factory import create_app
from sidetui.tui.widgets.catalog import CatalogTree

SIZE = (120, 36)
SPACING = 0.033  # ~30 repeats a second, a held key


class TreeApp(App[None]):
    """The baseline: Textual's own Tree with the same names."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("catalog")
        tree.show_root = False
        group = tree.root.add("ActionBlocks", expand=True)
        for name in self.names:
            group.add_leaf(name)
        yield tree


async def hold_down(
    app: App[Any], pilot: Any, tree: Tree[Any], presses: int
) -> tuple[list[float], int]:
    """`down` held in `tree` from its first entry: (latencies in ms, presses that moved none)."""
    tree.focus()
    tree.cursor_line = 1
    await pilot.pause()
    await asyncio.sleep(0.5)
    held = HeldKey(app, tree, "cursor_line", "down", SPACING)
    latencies = await held.hold(presses)
    return latencies, presses - len(held.moved)


async def scroll_app(root: Path, presses: int) -> tuple[list[float], int]:
    config = engine_config(root)
    app = create_app(root / "project", settings=Settings(config), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.engine_ready.wait(), 120)
        assert app.main is not None
        return await hold_down(app, pilot, app.main.query_one(CatalogTree), presses)


async def scroll_baseline(names: list[str], presses: int) -> tuple[list[float], int]:
    app = TreeApp(names)
    async with app.run_test(size=SIZE) as pilot:
        return await hold_down(app, pilot, app.query_one(Tree), presses)


async def main() -> None:
    args = parse_args(__doc__ or "")
    blocks, rounds, presses = (2_000, 1, 60) if args.quick else (10_000, 3, 300)
    with temp_project() as root:
        parent = root / "project" / "actionblocks"
        names = [f"block-{i:05d}" for i in range(blocks)]
        for index, name in enumerate(names):
            write_generated(parent, name, index)
        env = _cached_bytecode_env(root)
        sample(MINIMAL, root, env)  # warm-ups: fill the bytecode cache
        sample(APP.format(root=str(root)), root, env)
        minimal: list[dict[str, float]] = []
        app: list[dict[str, float]] = []
        for _ in range(rounds):
            minimal.append(sample(MINIMAL, root, env))
            app.append(sample(APP.format(root=str(root)), root, env))
        shutil.rmtree(root / "state", ignore_errors=True)
        base_lat, base_missed = await scroll_baseline(names, presses)
        app_lat, app_missed = await scroll_app(root, presses)

    def ms(runs: list[dict[str, float]], end: str) -> list[float]:
        return [(run[end] - run["t0"]) * 1000 for run in runs]

    first, base = ms(app, "first_frame"), ms(minimal, "frame")
    filled = ms(app, "frame")
    rows = [
        Row(f"start -> first frame, {blocks:,} blocks", median(first), median(base), "ms",
            ("value", "<", 1500.0)),
        Row("  start -> engine_ready (discovery done)", median(ms(app, "ready")), median(base),
            "ms"),
        Row("  start -> first frame with the catalog filled", median(filled), median(base), "ms"),
        Row("hold `down` in the catalog: key -> frame, p50", median(app_lat), median(base_lat),
            "ms"),
        Row("hold `down` in the catalog: key -> frame, p95", p95(app_lat), p95(base_lat), "ms",
            ("value", "<", 50.0)),
        Row("  max", max(app_lat), max(base_lat), "ms"),
    ]  # fmt: skip
    notes = [
        f"{blocks:,} generated blocks, {int(app[0]['entries']):,} catalog entries; start-up:"
        f" {rounds} rounds alternating minimal app / sidetui, fresh processes, medians; first"
        " frames per run: "
        + ", ".join(f"{t:.0f}" for t in first)
        + " ms; catalog filled: "
        + ", ".join(f"{t:.0f}" for t in filled)
        + " ms",
        f"scrolling: {presses} presses of `down` {SPACING * 1000:.0f} ms apart posted through"
        f" the driver; presses that moved no cursor: app {app_missed}, baseline {base_missed};"
        f" baseline: Textual's Tree with the same {blocks:,} names",
    ]
    print_table(f"TUI on {blocks:,} blocks", rows, notes)


def _cached_bytecode_env(root: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return env


if __name__ == "__main__":
    asyncio.run(main())
