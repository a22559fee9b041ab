"""Quitting: at once when nothing runs; with live executions a dialog asks first, `n` or
`escape` stays, `y` stops everything and quits, and nothing is left running."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot

from sidetui.core import ExecutionRecord
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.confirm_quit import ConfirmQuitScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import pids_alive
from tests.tui.pilot_support import (
    DEADLINE_S,
    SIZE,
    AppFactory,
    settled,
    started,
    wait_for_output,
    wait_until,
)


async def running_countdown(pilot: Pilot[None], app: SidetuiApp) -> ExecutionRecord:
    response = await app.manager.start_with_action_block("countdown", {"seconds": 60})
    record = app.manager.get_record(response.data["sideExecutionId"])
    assert record is not None
    await wait_for_output(pilot, record, "s left")
    return record


async def exited(app: SidetuiApp) -> None:
    """Until the app has been asked to exit (the screen may be gone: no Pilot here)."""
    async with asyncio.timeout(DEADLINE_S):
        while app.return_code is None:
            await asyncio.sleep(0.05)


async def test_q_with_nothing_running_quits_at_once(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("q")
        await exited(app)
    assert app.return_code == 0
    assert not app.is_running


async def test_q_with_a_finished_execution_quits_at_once(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        response = await app.manager.start_with_action_block("hello-python", {})
        await settled(app, pilot, response.data["sideExecutionId"])
        await pilot.press("q")
        await exited(app)
    assert app.return_code == 0


async def test_n_and_escape_stay_with_everything_running(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        record = await running_countdown(pilot, app)

        for answer in ("n", "escape"):
            await pilot.press("q")
            await wait_until(
                pilot, lambda: isinstance(app.screen, ConfirmQuitScreen), "the question"
            )
            await pilot.press(answer)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert app.is_running
            assert app.return_code is None
            assert record.status.value == "running"
            assert record.pid is not None
            assert pids_alive([record.pid]) == [record.pid]

        await pilot.press("s")
        await settled(app, pilot, record.side_execution_id)


async def test_q_then_y_stops_everything_and_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        first = await running_countdown(pilot, app)
        second = await running_countdown(pilot, app)

        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen), "the question")
        assert app.screen.running == 2
        await pilot.press("y")
        await exited(app)
        # Stopped by the answer, before the app ended (not by its teardown).
        assert [first.status.value, second.status.value] == ["stopped", "stopped"]
    assert app.return_code == 0
    assert pids_alive([first.pid or 0, second.pid or 0]) == []


async def test_ctrl_q_asks_too(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        record = await running_countdown(pilot, app)

        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen), "the question")
        await pilot.press("y")
        await exited(app)
        assert record.status.value == "stopped"
    assert pids_alive([record.pid or 0]) == []
