"""Snapshot tests: every screen and dialog at a fixed terminal size, made deterministic.

The app is built with `deterministic=True` (ids, pids, clock times, durations, CPU and memory are
masked) on a temporary copy of the samples, so no temporary path appears either. Each test drives
the app with keys and clicks in `run_before`, waits until executions have settled and the screen
shows it, and turns off every blinking cursor.

Update with `.venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update` (serially), then look
at every changed SVG as a picture before committing it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sidetui.core import EngineConfig
from sidetui.core.entries import Entry
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.main import MainScreen
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane
from tests.helpers import needs_node, write_block
from tests.tui.conftest import AppFactory

SIZE = (120, 36)
SMALL = (80, 24)
WAIT_S = 30

# A block that prints a few fixed lines and then waits: running, but a stable picture.
STEADY = """\
import sys
import time

for step in ("fetching the index", "parsing 3 files", "waiting for the next batch"):
    print(f"\\x1b[32m✔\\x1b[0m {step}", flush=True)
print("\\x1b[33mwarning:\\x1b[0m the next batch is late", file=sys.stderr, flush=True)
time.sleep(120)
"""


# -- driving the app ---------------------------------------------------------------------------


def main_of(pilot: Pilot[None]) -> MainScreen:
    app = pilot.app
    assert isinstance(app, SidetuiApp) and app.main is not None
    return app.main


def app_of(pilot: Pilot[None]) -> SidetuiApp:
    app = pilot.app
    assert isinstance(app, SidetuiApp)
    return app


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def ready(pilot: Pilot[None]) -> MainScreen:
    """The engine is open and the catalog filled."""
    app = app_of(pilot)
    await asyncio.wait_for(app.engine_ready.wait(), WAIT_S)
    main = main_of(pilot)
    await until(pilot, lambda: main.query_one(CatalogTree).highlighted_entry is not None, "catalog")
    await pilot.pause()
    return main


async def highlight(pilot: Pilot[None], name: str, where: str | None = None) -> Entry:
    """Move the catalog cursor with the arrow keys to the entry `name` (in folder `where`)."""
    tree = main_of(pilot).query_one(CatalogTree)
    tree.focus()
    lines = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
    target = next(
        (
            i
            for i, node in enumerate(lines)
            if node is not None
            and node.data is not None
            and node.data.name == name
            and where in (None, node.data.path.name)
        ),
        None,
    )
    assert target is not None, f"{name} is not in the catalog"
    while tree.cursor_line != target:
        await pilot.press("down" if tree.cursor_line < target else "up")
    await pilot.pause()
    entry = tree.highlighted_entry
    assert entry is not None
    return entry


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def replace_value(pilot: Pilot[None], selector: str, text: str) -> None:
    """Click an input, erase what it holds and type `text`."""
    await pilot.click(selector)
    field = pilot.app.screen.query_one(selector, Input)
    await pilot.press("end", *["backspace"] * len(field.value))
    await type_text(pilot, text)


def no_blinking(pilot: Pilot[None]) -> None:
    """Every input and editor of the screen on top shows a steady cursor."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


async def open_launch(pilot: Pilot[None], name: str) -> None:
    await highlight(pilot, name)
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.screen is not main_of(pilot), "the launch dialog")
    no_blinking(pilot)
    await pilot.pause()


async def start(pilot: Pilot[None]) -> str:
    """Press ctrl+s in an open dialog; the id of the execution it started."""
    app = app_of(pilot)
    before = {r.side_execution_id for r in app.manager.records}

    def started() -> str | None:
        fresh = [r for r in app.manager.records if r.side_execution_id not in before]
        return fresh[0].side_execution_id if fresh else None

    await pilot.press("ctrl+s")
    await until(pilot, lambda: started() is not None, "the execution to start")
    execution_id = started()
    assert execution_id is not None
    return execution_id


async def launch(pilot: Pilot[None], name: str) -> str:
    """Launch `name` with its defaults and wait until it has settled and the screen shows it."""
    await open_launch(pilot, name)
    execution_id = await start(pilot)
    await settled(pilot, execution_id)
    return execution_id


async def settled(pilot: Pilot[None], execution_id: str) -> None:
    """The execution is over, its output complete, and the table and pane show it."""
    app = app_of(pilot)
    record = await asyncio.wait_for(app.manager.wait_until_settled(execution_id), WAIT_S)
    main = main_of(pilot)
    table = main.query_one(ExecutionsTable)
    pane = main.query_one(OutputPane)

    def shown() -> bool:
        status = str(table.get_cell(execution_id, "status"))
        return (
            status.endswith(record.status.value)
            and table.selected_id == execution_id
            and pane.record is record
        )

    await until(pilot, shown, f"{execution_id} shown as {record.status.value}")
    # Click the execution's row, as a person would to look at it. Besides, focusing the table
    # repaints it: Textual 8.2.8's DataTable widens a column (after `update_cell(...,
    # update_width=True)`) on idle without dropping the lines it has already rendered, so a
    # frame painted in between can leave "✔ complet" on screen until the table is restyled.
    row = table.get_row_index(execution_id)
    await pilot.click(ExecutionsTable, offset=(2, 1 + row))
    await until(pilot, lambda: table.has_focus and table.selected_id == execution_id, "focus")
    await pilot.pause(0.2)
    await pilot.pause()


async def show_tab(pilot: Pilot[None], tab: str) -> None:
    await pilot.click(f"#tab-{tab}")
    pane = main_of(pilot).query_one(OutputPane)
    await until(pilot, lambda: pane.tab == tab, f"the {tab} tab")
    await pilot.pause()


# -- projects ----------------------------------------------------------------------------------


def add_catalog_troubles(project: Path, config: EngineConfig) -> None:
    """A broken block, a conflicting one (two `colors` in the project) and a shadowed one (a
    global `hello-python`, hidden by the project's)."""
    write_block(project, "broken-block", manifest={"entryPoint": "missing.js"})
    write_block(
        project,
        "colors-again",
        main_py="print('another colors')\n",
        manifest={"name": "colors", "description": "A second block named colors."},
    )
    write_block(
        config.global_dir / "actionblocks",
        "hello-python",
        main_py="print('the global hello')\n",
        manifest={"description": "A global hello-python, shadowed by the project's."},
    )


def add_steady(project: Path) -> None:
    write_block(
        project,
        "steady",
        main_py=STEADY,
        manifest={"description": "Prints three lines, then waits (for the quit dialog)."},
    )


# -- the tests ---------------------------------------------------------------------------------


def test_catalog_and_details(make_app: AppFactory, snap_compare) -> None:
    """The catalog by kind, and the highlighted block's details: inputs and README."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await highlight(pilot, "hello-python")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_catalog_broken_shadowed_conflict(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig, snap_compare
) -> None:
    """Broken, conflicting and shadowed entries are marked; the broken one explains itself."""
    add_catalog_troubles(samples_project, engine_config)

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await highlight(pilot, "broken-block")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_catalog_conflict_details(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig, snap_compare
) -> None:
    """A conflicting entry's details name the other block of its name."""
    add_catalog_troubles(samples_project, engine_config)

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await highlight(pilot, "colors", where="colors-again")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_filter_narrows_the_catalog(make_app: AppFactory, snap_compare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        main = await ready(pilot)
        await pilot.click("#filter")
        no_blinking(pilot)
        await type_text(pilot, "py")
        await until(
            pilot, lambda: main.query_one(CatalogTree).last_line < 10, "the filtered catalog"
        )

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_launch_dialog_typed_inputs(make_app: AppFactory, snap_compare) -> None:
    """A form from the declared inputs: typed fields, required marked, defaults filled."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await open_launch(pilot, "typed-inputs")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_launch_dialog_bad_values(make_app: AppFactory, snap_compare) -> None:
    """ctrl+s with values that are not numbers: each field explains in place, nothing starts."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await open_launch(pilot, "typed-inputs")
        screen = pilot.app.screen
        await replace_value(pilot, "#in-title", "Release notes")
        await replace_value(pilot, "#in-count", "-")
        await replace_value(pilot, "#in-ratio", "1e")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(screen.query_one("#err-ratio").display), "the errors")
        no_blinking(pilot)
        await pilot.pause()
        assert not app_of(pilot).manager.records

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_launch_dialog_required_and_json_errors(make_app: AppFactory, snap_compare) -> None:
    """ctrl+s with the required title missing and JSON of the wrong types: each field explains
    (the ones below the fold too), nothing starts."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await open_launch(pilot, "typed-inputs")
        screen = pilot.app.screen
        screen.query_one("#in-tags", TextArea).text = '{"not": "a list"}'
        screen.query_one("#in-options", TextArea).text = "[1, 2]"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(screen.query_one("#err-title").display), "the errors")
        no_blinking(pilot)
        await pilot.pause()
        assert not app_of(pilot).manager.records

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@needs_node
def test_completed_execution_colours(make_app: AppFactory, snap_compare) -> None:
    """A completed execution's stdout: ANSI colours rendered, brackets not read as markup."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await launch(pilot, "colors")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@needs_node
def test_merged_tab_marks_stderr(make_app: AppFactory, snap_compare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await launch(pilot, "colors")
        await show_tab(pilot, "merged")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_failed_execution_result(make_app: AppFactory, snap_compare) -> None:
    """`fails` ended failed: its result tab shows the error code and message."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await launch(pilot, "fails")
        await show_tab(pilot, "result")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_execution_details_tab(make_app: AppFactory, snap_compare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await launch(pilot, "hello-python")
        await show_tab(pilot, "details")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_inline_code_dialog(make_app: AppFactory, snap_compare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        main = await ready(pilot)
        await pilot.press("i")
        await until(pilot, lambda: pilot.app.screen is not main, "the inline-code dialog")
        no_blinking(pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_quit_asks_with_a_running_execution(
    make_app: AppFactory, samples_project: Path, snap_compare
) -> None:
    """`q` with an execution still running asks first."""
    add_steady(samples_project)

    async def run_before(pilot: Pilot[None]) -> None:
        main = await ready(pilot)
        await open_launch(pilot, "steady")
        execution_id = await start(pilot)
        record = app_of(pilot).manager.get_record(execution_id)
        assert record is not None
        table = main.query_one(ExecutionsTable)
        pane = main.query_one(OutputPane)
        await until(
            pilot,
            lambda: (
                pane.view.line_count == 3
                and str(table.get_cell(execution_id, "status")).endswith("running")
                # memory is shown as "-" until the first sample of the tree, then masked as "-M"
                and str(table.get_cell(execution_id, "mem")) == "-M"
            ),
            "the steady picture",
        )
        await pilot.press("q")
        await until(pilot, lambda: pilot.app.screen is not main, "the quit dialog")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_command_palette_launch(make_app: AppFactory, snap_compare) -> None:
    """ctrl+p and `launch`: a `Launch <name>` command for every catalog entry."""

    async def run_before(pilot: Pilot[None]) -> None:
        main = await ready(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: pilot.app.screen is not main, "the command palette")
        no_blinking(pilot)
        await type_text(pilot, "launch")
        palette = pilot.app.screen
        await until(
            pilot,
            lambda: (
                palette.query_one("CommandList").option_count >= 10
                and not palette.has_class("-busy")
                and not getattr(palette, "_show_busy", False)
            ),
            "the palette's hits",
        )
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_small_terminal(make_app: AppFactory, snap_compare) -> None:
    """80x24: two executions (the failed one's badge out of the cursor row), the completed
    one's output and the catalog."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await launch(pilot, "fails")
        await launch(pilot, "hello-python")

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)
