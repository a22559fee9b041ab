"""Python's collector stays out of the way of held keys: paused while keys come, running again
once they are quiet, given back as it was when the app ends."""

from __future__ import annotations

import asyncio
import gc

from sidetui.tui.collector import QUIET_S, THRESHOLDS
from tests.tui.pilot_support import AppFactory, driving, wait_until


async def test_the_collector_pauses_while_keys_come_and_runs_once_they_are_quiet(
    make_app: AppFactory,
) -> None:
    app = make_app()
    try:
        async with driving(app) as pilot:
            assert gc.get_threshold() == THRESHOLDS
            assert gc.isenabled()
            await pilot.press("down")
            assert not gc.isenabled()
            for _ in range(3):  # keys closer together than the quiet interval: still paused
                await asyncio.sleep(QUIET_S * 0.6)
                await pilot.press("up")
                assert not gc.isenabled()
            await wait_until(pilot, gc.isenabled, "the collector running again")
            await pilot.press("down")
            assert not gc.isenabled()
        assert gc.isenabled()  # the app ended with keys just pressed: given back at its end
    finally:
        gc.enable()
