"""A launched block's first line: on screen while the block still runs, without waiting for the
repaint interval that coalesces a flood of output; the dialog closes with the block started."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidetui.tui import adapter
from tests.helpers import write_block
from tests.tui.pilot_support import (
    AppFactory,
    driving,
    open_dialog,
    pane,
    screen_lines,
    start,
    status_cell,
    view,
    wait_until,
)

SPEAKS_THEN_WAITS = "import time\ntime.sleep(1)\nprint('first words', flush=True)\ntime.sleep(99)\n"


async def test_the_first_line_shows_at_once_with_the_block_running(
    make_app: AppFactory, samples_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the coalescing interval made a minute long, the first line (printed a second after
    the start, once the pane shows the execution) can only show in time if the first output
    after a quiet spell is painted without waiting for it."""
    monkeypatch.setattr(adapter, "OUTPUT_INTERVAL_S", 60.0)
    write_block(samples_project, "speaks", SPEAKS_THEN_WAITS, {"description": "one line"})
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "speaks")
        record = await start(pilot, app)
        assert app.screen is not dialog  # closed, the block started
        await wait_until(
            pilot,
            lambda: (
                pane(app).record is record and screen_lines(view(app))[0].strip() == "first words"
            ),
            "the first line on screen",
        )
        assert status_cell(app, record).endswith("running")
        await app.manager.stop_all()
