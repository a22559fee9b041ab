"""Driving the app with Pilot, for the behaviour tests, the snapshot tests and the screenshot
script alike: build it on a copy of the samples, start it, move the catalog cursor, fill and submit
the launch dialog, wait for the engine and read what the screen shows. Every driver takes
`(pilot, app, ...)`. Blocks that the tests write into their project."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from io import StringIO
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from sidetui.core import ExecutionRecord
from sidetui.core.catalog.entries import Entry
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.details import EntryDetails
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane
from sidetui.tui.widgets.output_view import OutputView
from tests.helpers import SAMPLES

AppFactory = Callable[..., SidetuiApp]  # the `make_app` fixture
Drive = Callable[[Pilot[None], SidetuiApp], Awaitable[None]]  # keys and clicks after the start
Snapshot = Callable[..., bool]  # the `matches_snapshot` fixture
ScreenT = TypeVar("ScreenT", bound=Screen[Any])
DEADLINE_S = 30.0  # generous: these wait on real processes, never a measure of speed
SIZE = (120, 36)

TICKER = """
    import time
    for i in range(1_000_000):
        print(f"tick {i}", flush=True)
        time.sleep(0.02)
"""
STUBBORN = """
    import signal, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("ignoring SIGTERM", flush=True)
    while True:
        time.sleep(0.1)
"""
HAYSTACK = """
    for i in range(300):
        print(f"needle-{i}" if i in (20, 120, 220) else f"hay {i}")
"""
ECHO_PARAMS = """
    import json, os
    print("params:", json.dumps(json.loads(os.environ["SIDE_EXECUTION_PARAMS"]), sort_keys=True))
"""


# -- building ----------------------------------------------------------------------------------


def copy_samples(project: Path) -> Path:
    """The bundled samples copied to `project`: nothing writes into committed folders."""
    shutil.copytree(SAMPLES, project, ignore=shutil.ignore_patterns("node_modules"))
    return project


# -- waiting -----------------------------------------------------------------------------------


async def started(pilot: Pilot[None], app: SidetuiApp) -> None:
    """The engine is open and the catalog shows what it found, its cursor on an entry (or, in a
    project without blocks, on the offer to create one)."""
    await asyncio.wait_for(app.engine_ready.wait(), DEADLINE_S)
    tree = catalog(app)
    await wait_until(
        pilot, lambda: tree.highlighted_entry is not None or tree.project_is_empty, "the catalog"
    )
    await pilot.pause()


@asynccontextmanager
async def driving(app: SidetuiApp) -> AsyncIterator[Pilot[None]]:
    """The app run under Pilot at `SIZE`, once it has `started`."""
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        yield pilot


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds, within a generous deadline."""
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE_S
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.05)


async def settled(pilot: Pilot[None], app: SidetuiApp, execution_id: str) -> ExecutionRecord:
    """The record once nothing of it runs any more, and the screen has caught up."""
    try:
        record = await asyncio.wait_for(app.manager.wait_until_settled(execution_id), DEADLINE_S)
    except TimeoutError:
        status = app.manager.get_record(execution_id)
        raise AssertionError(
            f"{execution_id} did not settle within {DEADLINE_S} s"
            f" (status: {status.status.value if status else 'unknown'})"
        ) from None
    await pilot.pause()
    await pilot.pause()
    return record


async def wait_for_output(
    pilot: Pilot[None], record: ExecutionRecord, text: str, stream: str = "stdout"
) -> None:
    await wait_until(
        pilot,
        lambda: text in (record.output if stream == "stdout" else record.error_output),
        f"{text!r} on {stream}",
    )


async def until_shown(pilot: Pilot[None], app: SidetuiApp, record: ExecutionRecord) -> None:
    """Until the table shows `record` selected, with the status it ended with, and the pane
    shows its output."""
    execution_id = record.side_execution_id
    await wait_until(
        pilot,
        lambda: (
            status_cell(app, record).endswith(record.status.value)
            and table(app).selected_id == execution_id
            and pane(app).record is record
        ),
        f"{execution_id} shown as {record.status.value}",
    )


async def until_running(
    pilot: Pilot[None], app: SidetuiApp, record: ExecutionRecord, lines: int
) -> None:
    """Until the pane shows `lines` lines of `record`, still running, and the table (where it
    has a memory column) its first memory sample, masked or staged: a picture that holds still."""
    execution_id = record.side_execution_id
    await wait_until(
        pilot,
        lambda: (
            getattr(pane(app).record, "side_execution_id", None) == execution_id
            and pane(app).view.line_count == lines
            and status_cell(app, record).endswith("running")
            and (
                "mem" not in table(app).shown_columns
                or str(table(app).get_cell(execution_id, "mem")) != "-"
            )
        ),
        f"{lines} lines of {execution_id}, running",
    )


# -- the parts of the screen -------------------------------------------------------------------


def catalog(app: SidetuiApp) -> CatalogTree:
    return main(app).query_one("#catalog", CatalogTree)


def details(app: SidetuiApp) -> EntryDetails:
    return main(app).query_one("#details", EntryDetails)


def details_text(app: SidetuiApp) -> str:
    """What the catalog's details pane shows now (it may lag a cursor that has not rested)."""
    return shown(details(app)._body, width=200)


async def details_at_rest(pilot: Pilot[None], app: SidetuiApp) -> str:
    """What the details show once they caught up with the catalog cursor."""
    await wait_until(pilot, lambda: details(app).settled, "the details to catch up")
    await pilot.pause()
    return details_text(app)


def table(app: SidetuiApp) -> ExecutionsTable:
    return main(app).query_one("#executions", ExecutionsTable)


def pane(app: SidetuiApp) -> OutputPane:
    return main(app).query_one("#pane", OutputPane)


def view(app: SidetuiApp) -> OutputView:
    return main(app).query_one("#output", OutputView)


def main(app: SidetuiApp) -> Any:
    assert app.main is not None
    return app.main


def catalog_names(app: SidetuiApp) -> list[str]:
    tree = catalog(app)
    nodes = (tree.get_node_at_line(line) for line in range(tree.last_line + 1))
    return [node.data.name for node in nodes if node is not None and node.data is not None]


def status_cell(app: SidetuiApp, record: ExecutionRecord) -> str:
    return str(table(app).get_cell(record.side_execution_id, "status"))


def screen_lines(output: OutputView) -> list[str]:
    """The output view's lines as they are drawn now."""
    return [output.render_line(y).text for y in range(output.size.height)]


def shown(widget: Static, width: int = 100) -> str:
    """The text a Static (or Label) shows, markup and styles aside."""
    console = Console(file=StringIO(), width=width, record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def field_value(dialog: LaunchScreen, field: str) -> str:
    return dialog.query_one(f"#in-{field}", Input).value


# -- acting ------------------------------------------------------------------------------------


def steady_cursors(app: SidetuiApp) -> None:
    """Every input and editor of the screen on top shows a steady cursor (no blinking)."""
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


async def highlight(
    pilot: Pilot[None], app: SidetuiApp, name: str, folder: str | None = None
) -> Entry:
    """Put the catalog cursor on the entry `name` (the one in `folder`, where two share a name) as
    the arrow keys would, and focus the tree; that entry, its details shown."""
    tree = catalog(app)
    tree.focus()
    lines = [
        line
        for line in range(tree.last_line + 1)
        if (node := tree.get_node_at_line(line)) is not None
        and node.data is not None
        and node.data.name == name
        and folder in (None, node.data.path.name)
    ]
    assert lines, f"{name} is not in the catalog: {catalog_names(app)}"
    tree.cursor_line = lines[0]
    await pilot.pause()
    await details_at_rest(pilot, app)
    entry = tree.highlighted_entry
    assert entry is not None
    assert entry.name == name
    return entry


async def enter_on(pilot: Pilot[None], app: SidetuiApp, name: str) -> None:
    """`enter` on the catalog entry `name`, and let the app answer."""
    await highlight(pilot, app, name)
    await pilot.press("enter")
    await pilot.pause()


async def open_screen(
    pilot: Pilot[None], app: SidetuiApp, key: str, kind: type[ScreenT]
) -> ScreenT:
    """Press `key` and wait for the screen of `kind` it opens, its cursors steady; that screen."""
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, kind), f"the {kind.__name__}")
    steady_cursors(app)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


async def open_dialog(pilot: Pilot[None], app: SidetuiApp, name: str) -> LaunchScreen:
    """`enter` on the catalog entry `name`: its launch dialog."""
    await highlight(pilot, app, name)
    return await open_screen(pilot, app, "enter", LaunchScreen)


async def type_into(pilot: Pilot[None], widget: Widget, text: str) -> None:
    """Replace what a field holds by typing `text` into it."""
    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        await pilot.press("f7", "delete")  # select all, then delete it
    else:
        await pilot.press("home", "ctrl+k")
    if text:
        await pilot.press(*text)


async def replace_value(pilot: Pilot[None], app: SidetuiApp, selector: str, text: str) -> None:
    """Click the input `selector`, as a person would, erase what it holds and type `text`."""
    await pilot.click(selector)
    field = app.screen.query_one(selector, Input)
    await pilot.press("end", *["backspace"] * len(field.value), *text)


async def start(pilot: Pilot[None], app: SidetuiApp, key: str = "ctrl+s") -> ExecutionRecord:
    """Press `key` (ctrl+s: in an open dialog or editor; r: run the selected one again); the
    execution it started (not one that execution started in turn)."""
    before = {r.side_execution_id for r in app.manager.records}

    def fresh() -> list[ExecutionRecord]:
        return [
            r
            for r in app.manager.records
            if r.side_execution_id not in before and r.parent_execution_id is None
        ]

    await pilot.press(key)
    await wait_until(pilot, fresh, f"an execution started by {key}")
    await pilot.pause()
    return fresh()[0]


async def run(pilot: Pilot[None], app: SidetuiApp, key: str = "ctrl+s") -> ExecutionRecord:
    """Press `key` as `start` does; the execution it started, once settled."""
    record = await start(pilot, app, key)
    return await settled(pilot, app, record.side_execution_id)


async def launch(
    pilot: Pilot[None], app: SidetuiApp, name: str, fields: dict[str, str] | None = None
) -> ExecutionRecord:
    """Launch `name` from the catalog through its dialog, fields typed in; its new record."""
    dialog = await open_dialog(pilot, app, name)
    for field, text in (fields or {}).items():
        await type_into(pilot, dialog.query_one(f"#in-{field}"), text)
    return await start(pilot, app)


async def run_to_end(
    pilot: Pilot[None], app: SidetuiApp, name: str, fields: dict[str, str] | None = None
) -> ExecutionRecord:
    """`launch`, then the record once it has settled."""
    record = await launch(pilot, app, name, fields)
    return await settled(pilot, app, record.side_execution_id)


async def start_block(app: SidetuiApp, name: str, params: dict[str, object]) -> ExecutionRecord:
    """Start `name` as an agent would (not through the app's dialog)."""
    response = await app.manager.start_with_action_block(name, params)
    assert response.success, response.message
    record = app.manager.get_record(response.data["sideExecutionId"])
    assert record is not None
    return record


async def running_countdown(pilot: Pilot[None], app: SidetuiApp) -> ExecutionRecord:
    """A minute's countdown started as an agent would, once it has printed."""
    record = await start_block(app, "countdown", {"seconds": 60})
    await wait_for_output(pilot, record, "s left")
    return record


async def click_row(pilot: Pilot[None], app: SidetuiApp, execution_id: str) -> None:
    """Click the execution's row, as a person would to look at it, and wait for the focus."""
    # Besides, focusing the table repaints it: Textual 8.2.8's DataTable widens a column (after
    # `update_cell(..., update_width=True)`) on idle without dropping the lines it has already
    # rendered, so a frame painted in between can leave "✔ complet" on screen until the table
    # is restyled.
    executions = table(app)
    row = executions.get_row_index(execution_id)
    await pilot.click(ExecutionsTable, offset=(2, 1 + row))
    await wait_until(
        pilot,
        lambda: executions.has_focus and executions.selected_id == execution_id,
        "the focus on the row",
    )
    await pilot.pause(0.2)
    await pilot.pause()


async def show_tab(pilot: Pilot[None], app: SidetuiApp, tab: str) -> None:
    """Click the output pane's tab `tab`, and wait until the pane shows it."""
    await pilot.click(f"#tab-{tab}")
    await wait_until(pilot, lambda: pane(app).tab == tab, f"the {tab} tab")
    await pilot.pause()


async def wheel_up(pilot: Pilot[None], widget: Widget, notches: int = 3) -> None:
    """Turn the mouse wheel up over `widget` (Pilot has no wheel; this is the event it sends)."""
    for _ in range(notches):
        widget.post_message(events.MouseScrollUp(widget, 1, 1, 0, -1, 0, False, False, False))
    await pilot.pause()
