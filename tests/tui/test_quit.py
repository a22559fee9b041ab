"""Quitting: at once when nothing runs; with live executions a dialog asks first, `n` or
`escape` stays, `y` stops everything and quits, and nothing is left running."""

from __future__ import annotations

import asyncio

from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.confirm import ConfirmScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import pids_alive
from tests.tui.pilot_support import (
    DEADLINE_S,
    AppFactory,
    driving,
    open_screen,
    running_countdown,
    settled,
    start_block,
)


async def exited(app: SidetuiApp) -> None:
    """Until the app has been asked to exit (the screen may be gone: no Pilot here)."""
    async with asyncio.timeout(DEADLINE_S):
        while app.return_code is None:
            await asyncio.sleep(0.05)


async def test_q_with_nothing_running_quits_at_once(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await pilot.press("q")
        await exited(app)
    assert app.return_code == 0
    assert not app.is_running


async def test_q_with_a_finished_execution_quits_at_once(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        done = await start_block(app, "hello-python", {})
        await settled(pilot, app, done.side_execution_id)
        await pilot.press("q")
        await exited(app)
    assert app.return_code == 0


async def test_n_and_escape_stay_with_everything_running(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await running_countdown(pilot, app)

        for answer in ("n", "escape"):
            await open_screen(pilot, app, "q", ConfirmScreen)
            await pilot.press(answer)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert app.is_running
            assert app.return_code is None
            assert record.status.value == "running"
            assert record.pid is not None
            assert pids_alive([record.pid]) == [record.pid]

        await pilot.press("s")
        await settled(pilot, app, record.side_execution_id)


async def test_q_then_y_stops_everything_and_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await running_countdown(pilot, app)
        second = await running_countdown(pilot, app)

        question = await open_screen(pilot, app, "q", ConfirmScreen)
        assert question.headline == "2 executions are still running."
        await pilot.press("y")
        await exited(app)
        # Stopped by the answer, before the app ended (not by its teardown).
        assert [first.status.value, second.status.value] == ["stopped", "stopped"]
    assert app.return_code == 0
    assert pids_alive([first.pid or 0, second.pid or 0]) == []


async def test_ctrl_q_asks_too(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await running_countdown(pilot, app)

        await open_screen(pilot, app, "ctrl+q", ConfirmScreen)
        await pilot.press("y")
        await exited(app)
        assert record.status.value == "stopped"
    assert pids_alive([record.pid or 0]) == []
