"""Driving the app with Pilot: start it, move the catalog cursor, fill the launch dialog, wait for
the engine and read what the screen shows. Blocks that the tests write into their project."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from io import StringIO
from typing import Any

from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from sidetui.core import ExecutionRecord
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane
from sidetui.tui.widgets.output_view import OutputView

AppFactory = Callable[..., SidetuiApp]  # the `make_app` fixture
DEADLINE_S = 20.0  # generous: these wait on real processes, never a measure of speed
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


async def started(app: SidetuiApp, pilot: Pilot[None]) -> None:
    """The engine is open and the catalog shows what it found."""
    await asyncio.wait_for(app.engine_ready.wait(), DEADLINE_S)
    await pilot.pause()


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds, within a generous deadline."""
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE_S
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.05)


async def settled(app: SidetuiApp, pilot: Pilot[None], execution_id: str) -> ExecutionRecord:
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


def catalog(app: SidetuiApp) -> CatalogTree:
    return main(app).query_one("#catalog", CatalogTree)


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


async def highlight(pilot: Pilot[None], app: SidetuiApp, name: str) -> None:
    """Put the catalog cursor on the entry `name` (as the arrow keys would) and focus the tree."""
    tree = catalog(app)
    tree.focus()
    lines = [
        line
        for line in range(tree.last_line + 1)
        if (node := tree.get_node_at_line(line)) is not None
        and node.data is not None
        and node.data.name == name
    ]
    assert lines, f"{name} is not in the catalog: {catalog_names(app)}"
    tree.cursor_line = lines[0]
    await pilot.pause()
    assert tree.highlighted_entry is not None
    assert tree.highlighted_entry.name == name


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


async def open_dialog(pilot: Pilot[None], app: SidetuiApp, name: str) -> LaunchScreen:
    """`enter` on the catalog entry `name`: its launch dialog."""
    await highlight(pilot, app, name)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, LaunchScreen), "the launch dialog")
    dialog = app.screen
    assert isinstance(dialog, LaunchScreen)
    return dialog


async def launch(
    pilot: Pilot[None], app: SidetuiApp, name: str, fields: dict[str, str] | None = None
) -> ExecutionRecord:
    """Launch `name` from the catalog through its dialog, fields typed in; its new record."""
    before = {r.side_execution_id for r in app.manager.records}
    dialog = await open_dialog(pilot, app, name)
    for field, text in (fields or {}).items():
        await type_into(pilot, dialog.query_one(f"#in-{field}"), text)
    await pilot.press("ctrl+s")
    await wait_until(
        pilot,
        lambda: any(r.side_execution_id not in before for r in app.manager.records),
        f"an execution of {name}",
    )
    await pilot.pause()
    return app.manager.records[0]


async def wait_for_output(
    pilot: Pilot[None], record: ExecutionRecord, text: str, stream: str = "stdout"
) -> None:
    await wait_until(
        pilot,
        lambda: text in (record.output if stream == "stdout" else record.error_output),
        f"{text!r} on {stream}",
    )


async def wheel_up(pilot: Pilot[None], widget: Widget, notches: int = 3) -> None:
    """Turn the mouse wheel up over `widget` (Pilot has no wheel; this is the event it sends)."""
    for _ in range(notches):
        widget.post_message(events.MouseScrollUp(widget, 1, 1, 0, -1, 0, False, False, False))
    await pilot.pause()


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
