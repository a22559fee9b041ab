"""The command palette (ctrl+p): `Launch <name>` for every entry, `Stop <id>` for every live
execution, `Stop all`, and the screen's actions."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.confirm import ConfirmScreen
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import pids_alive
from tests.tui.pilot_support import (
    AppFactory,
    driving,
    open_screen,
    run,
    running_countdown,
    settled,
    start_block,
    table,
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
    await open_screen(pilot, app, "ctrl+p", CommandPalette)
    await pilot.press(*query)
    await wait_until(
        pilot, lambda: offered(app)[:1] and offered(app)[0].startswith(first), f"{first}…"
    )
    await pilot.press("enter")
    await pilot.pause()


async def test_launch_name_opens_that_entrys_dialog(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await palette(pilot, app, "launch hello", "Launch hello-")
        await wait_until(pilot, lambda: isinstance(app.screen, LaunchScreen), "the dialog")
        assert app.screen.entry.name == "hello-python"

        record = await run(pilot, app)
        assert record.action_block == "hello-python"


async def test_launch_is_offered_for_capabilities_but_not_executors(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await open_screen(pilot, app, "ctrl+p", CommandPalette)
        await pilot.press(*"launch")
        await wait_until(pilot, lambda: "Launch word-count" in offered(app), "capabilities")
        commands = offered(app)
        assert {"Launch pancakes", "Launch commit-message", "Launch countdown"} <= set(commands)
        assert "Launch recipe-runner" not in commands
        await pilot.press("escape")


async def test_stop_id_stops_that_execution(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await running_countdown(pilot, app)
        shown_id = app.main.presentation.execution_id(record.side_execution_id)
        assert shown_id.endswith("0001")  # ids are masked in the deterministic presentation

        await palette(pilot, app, "stop 0001", f"Stop {shown_id}")
        record = await settled(pilot, app, record.side_execution_id)

        assert isinstance(app.screen, MainScreen)
        assert record.status.value == "stopped"
        assert pids_alive([record.pid or 0]) == []


async def test_stop_all_stops_every_execution(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await running_countdown(pilot, app)
        second = await running_countdown(pilot, app)

        await palette(pilot, app, "stop all", "Stop all")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        for record in (first, second):
            await settled(pilot, app, record.side_execution_id)

        assert [first.status.value, second.status.value] == ["stopped", "stopped"]
        assert pids_alive([first.pid or 0, second.pid or 0]) == []


async def test_screen_actions_run_from_the_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        done = await start_block(app, "hello-python", {})
        await settled(pilot, app, done.side_execution_id)
        assert table(app).row_count == 1

        await palette(pilot, app, "clear fin", "Clear finished")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await pilot.pause()

        assert app.manager.records == []
        assert table(app).row_count == 0
