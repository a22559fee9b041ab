"""Regenerate the README's screenshots: `.venv/bin/python screenshots/make.py [OUT_DIR]`.

The app is built by the factory on a temporary copy of the bundled samples, with temporary state
and global folders and no settings file, in deterministic mode (ids, pids, clock times, durations,
CPU and memory masked), then driven with Pilot at 120x36:

- catalog.svg  the catalog and the details of the highlighted block
- launch.svg   the launch dialog of typed-inputs with values filled in
- running.svg  a live execution printing coloured progress (a block written for the picture)
- failed.svg   the `fails` block on its result tab, showing its error
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from sidetui.config import Settings  # noqa: E402
from sidetui.core import EngineConfig  # noqa: E402
from sidetui.tui.app import SidetuiApp  # noqa: E402
from sidetui.tui.factory import create_app  # noqa: E402
from sidetui.tui.widgets.catalog import CatalogTree  # noqa: E402
from sidetui.tui.widgets.executions import ExecutionsTable  # noqa: E402
from sidetui.tui.widgets.output_pane import OutputPane  # noqa: E402

SAMPLES = REPO / "actionblocks"
OUT_DIR = REPO / "screenshots"
SIZE = (120, 36)
WAIT_S = 30

# A block for the live picture: coloured progress on both streams, then it keeps running.
DEPLOY_MANIFEST = """\
name: deploy-preview
description: Builds the site and deploys a preview, printing coloured progress.
version: 1.2.0
entryPoint: main.py
metadata:
  inputs:
    - name: branch
      type: string
      default: main
      description: The branch to deploy
"""
DEPLOY_MAIN = '''\
"""Print coloured progress, then wait for health checks (a live execution for the README)."""

import sys
import time

GREEN, YELLOW, CYAN = "\\x1b[32m", "\\x1b[33m", "\\x1b[36m"
BOLD, DIM, RESET = "\\x1b[1m", "\\x1b[2m", "\\x1b[0m"


def say(text, stream=sys.stdout):
    print(text, file=stream, flush=True)


say(f"{BOLD}deploy-preview{RESET} {DIM}branch main{RESET}")
steps = [
    ("install", "312 packages"),
    ("lint", "0 problems"),
    ("test", "148 passed"),
    ("build", "42 pages, 1.8 MB"),
    ("upload", "57 files"),
]
for step, detail in steps:
    say(f"{GREEN}✔{RESET} {step:<8} {DIM}{detail}{RESET}")
    time.sleep(0.1)
    if step == "build":
        say(f"{YELLOW}warning:{RESET} hero.png is 2.4 MB, consider compressing it", sys.stderr)
        time.sleep(0.1)
for percent in (25, 50, 75):
    bar = "█" * (percent // 5) + "░" * (20 - percent // 5)
    say(f"{CYAN}⠿{RESET} health checks {CYAN}{bar}{RESET} {percent}%")
    time.sleep(0.1)
time.sleep(300)
'''


def build_app(workdir: Path) -> SidetuiApp:
    """The app on a copy of the samples (plus the live block), with temporary state."""
    project = workdir / "actionblocks"
    shutil.copytree(SAMPLES, project, ignore=shutil.ignore_patterns("node_modules"))
    deploy = project / "deploy-preview"
    deploy.mkdir()
    (deploy / "actionblock.yml").write_text(DEPLOY_MANIFEST)
    (deploy / "main.py").write_text(DEPLOY_MAIN)
    config = EngineConfig(
        state_dir=workdir / "state",
        global_dir=workdir / "global",
        watch=False,
        stop_grace_ms=1_000,
        result_grace_ms=500,
    )
    return create_app(project, settings=Settings(config), config=config, deterministic=True)


# -- driving -------------------------------------------------------------------------------------


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def highlight(pilot: Pilot[None], app: SidetuiApp, name: str) -> None:
    """Move the catalog cursor with the arrow keys to the entry `name`."""
    assert app.main is not None
    tree = app.main.query_one(CatalogTree)
    tree.focus()
    await until(pilot, lambda: tree.highlighted_entry is not None, "the catalog")
    lines = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
    target = next(
        (i for i, node in enumerate(lines) if node and node.data and node.data.name == name), None
    )
    if target is None:
        raise LookupError(f"{name} is not in the catalog")
    while tree.cursor_line != target:
        await pilot.press("down" if tree.cursor_line < target else "up")
    await pilot.pause()


async def open_launch(pilot: Pilot[None], app: SidetuiApp, name: str) -> None:
    await highlight(pilot, app, name)
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not app.main, "the launch dialog")
    steady_cursors(app)
    await pilot.pause()


async def start(pilot: Pilot[None], app: SidetuiApp) -> str:
    """ctrl+s in the open dialog; the id of what it started."""
    before = {r.side_execution_id for r in app.manager.records}

    def started() -> str | None:
        fresh = [r for r in app.manager.records if r.side_execution_id not in before]
        return fresh[0].side_execution_id if fresh else None

    await pilot.press("ctrl+s")
    await until(pilot, lambda: started() is not None, "the execution to start")
    execution_id = started()
    assert execution_id is not None
    return execution_id


async def replace_value(pilot: Pilot[None], app: SidetuiApp, selector: str, text: str) -> None:
    await pilot.click(selector)
    field = app.screen.query_one(selector, Input)
    await pilot.press("end", *["backspace"] * len(field.value))
    await pilot.press(*("space" if char == " " else char for char in text))


def steady_cursors(app: SidetuiApp) -> None:
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


async def show_tab(pilot: Pilot[None], app: SidetuiApp, tab: str) -> None:
    assert app.main is not None
    pane = app.main.query_one(OutputPane)
    await pilot.click(f"#tab-{tab}")
    await until(pilot, lambda: pane.tab == tab, f"the {tab} tab")
    await pilot.pause()


# -- the pictures ----------------------------------------------------------------------------------


async def take(out_dir: Path, workdir: Path) -> list[Path]:
    app = build_app(workdir)
    saved: list[Path] = []

    def save(name: str) -> None:
        app.save_screenshot(name, str(out_dir))
        saved.append(out_dir / name)

    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.engine_ready.wait(), WAIT_S)
        assert app.main is not None
        table = app.main.query_one(ExecutionsTable)
        pane = app.main.query_one(OutputPane)

        # The catalog and a block's details.
        await highlight(pilot, app, "python-helper")
        save("catalog.svg")

        # The launch dialog with values filled in.
        await open_launch(pilot, app, "typed-inputs")
        await replace_value(pilot, app, "#in-title", "Release notes")
        await replace_value(pilot, app, "#in-count", "2")
        await pilot.click("#in-shout")
        app.screen.query_one("#in-tags", TextArea).text = '["docs", "v1.2"]'
        await pilot.click("#in-title")
        await pilot.press("end")
        steady_cursors(app)
        await pilot.pause()
        save("launch.svg")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "the dialog to close")

        # A failed execution on its result tab.
        await open_launch(pilot, app, "fails")
        failed = await start(pilot, app)
        record = await asyncio.wait_for(app.manager.wait_until_settled(failed), WAIT_S)
        await until(
            pilot,
            lambda: (
                str(table.get_cell(failed, "status")).endswith(record.status.value)
                and pane.record is record
            ),
            "the failed execution on screen",
        )
        await show_tab(pilot, app, "result")
        save("failed.svg")

        # A live execution printing coloured progress, on the merged tab.
        await open_launch(pilot, app, "deploy-preview")
        live = await start(pilot, app)
        await show_tab(pilot, app, "merged")
        await until(
            pilot,
            lambda: (
                pane.record is not None
                and pane.record.side_execution_id == live
                and pane.view.line_count == 10
                and str(table.get_cell(live, "status")).endswith("running")
                and str(table.get_cell(live, "mem")) == "-M"
            ),  # "-" until the first usage sample
            "the live execution on screen",
        )
        await pilot.pause(0.2)
        save("running.svg")
        await app.manager.stop_all()
    return saved


def main(out_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the four screenshots into `out_dir` (default: this folder); their paths."""
    target = Path(out_dir) if out_dir is not None else OUT_DIR
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sidetui-screens-") as workdir:
        saved = asyncio.run(take(target, Path(workdir)))
    for path in saved:  # LF endings, whatever the platform
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    return sorted(saved)


if __name__ == "__main__":
    for name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR"):  # they would change every picture
        os.environ.pop(name, None)
    for written in main(sys.argv[1] if len(sys.argv) > 1 else None):
        print(written)
