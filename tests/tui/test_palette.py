"""The command palette (ctrl+p): `Launch <name>` for every entry, `Stop <id>` for every live
execution, `Stop all`, and the screen's actions."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from sidetui.core import ExecutionRecord
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import pids_alive
from tests.tui.pilot_support import (
    SIZE,
    AppFactory,
    settled,
    started,
    table,
    wait_for_output,
    wait_until,
)


def offered(app: SidetuiApp) -> list[str]:
    """The palette's commands as listed now, best first (first line of each)."""
    commands = app.screen.query_one(CommandList)
    return [
        str(commands.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(commands.option_count)
    ]


async def palette(pilot: Pilot[None], app: SidetuiApp, query: str, first: str) -> None:
    """Open the palette, type `query`, and run the best hit once it starts with `first`."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    await wait_until(
        pilot, lambda: offered(app)[:1] and offered(app)[0].startswith(first), f"{first}…"
    )
    await pilot.press("enter")
    await pilot.pause()


async def countdown(pilot: Pilot[None], app: SidetuiApp) -> ExecutionRecord:
    response = await app.manager.start_with_action_block("countdown", {"seconds": 60})
    record = app.manager.get_record(response.data["sideExecutionId"])
    assert record is not None
    await wait_for_output(pilot, record, "s left")
    return record


async def test_launch_name_opens_that_entrys_dialog(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await palette(pilot, app, "launch hello", "Launch hello-")
        await wait_until(pilot, lambda: isinstance(app.screen, LaunchScreen), "the dialog")
        assert app.screen.entry.name == "hello-python"

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.manager.records, "the execution")
        record = await settled(app, pilot, app.manager.records[0].side_execution_id)
        assert record.action_block == "hello-python"


async def test_launch_is_offered_for_capabilities_but_not_executors(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"launch")
        await wait_until(pilot, lambda: "Launch word-count" in offered(app), "capabilities")
        commands = offered(app)
        assert {"Launch pancakes", "Launch commit-message", "Launch countdown"} <= set(commands)
        assert "Launch recipe-runner" not in commands
        await pilot.press("escape")


async def test_stop_id_stops_that_execution(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        record = await countdown(pilot, app)
        shown_id = app.main.presentation.execution_id(record.side_execution_id)
        assert shown_id.endswith("0001")  # ids are masked in the deterministic presentation

        await palette(pilot, app, "stop 0001", f"Stop {shown_id}")
        record = await settled(app, pilot, record.side_execution_id)

        assert isinstance(app.screen, MainScreen)
        assert record.status.value == "stopped"
        assert pids_alive([record.pid or 0]) == []


async def test_stop_all_stops_every_execution(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        first = await countdown(pilot, app)
        second = await countdown(pilot, app)

        await palette(pilot, app, "stop all", "Stop all")
        for record in (first, second):
            await settled(app, pilot, record.side_execution_id)

        assert [first.status.value, second.status.value] == ["stopped", "stopped"]
        assert pids_alive([first.pid or 0, second.pid or 0]) == []


async def test_screen_actions_run_from_the_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        response = await app.manager.start_with_action_block("hello-python", {})
        await settled(app, pilot, response.data["sideExecutionId"])
        assert table(app).row_count == 1

        await palette(pilot, app, "clear fin", "Clear finished")

        assert app.manager.records == []
        assert table(app).row_count == 0
