"""A line that arrives in two writes is shown whole once its second half arrives: the view's
render cache never keeps the half it drew first."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_block
from tests.tui.pilot_support import AppFactory, driving, launch, screen_lines, view, wait_until

HALVES = """
    import pathlib, sys, time
    sys.stdout.write("first half"); sys.stdout.flush()
    go = pathlib.Path(__file__).with_name("go")
    while not go.exists():
        time.sleep(0.02)
    sys.stdout.write(" and second half\\n"); sys.stdout.flush()
    time.sleep(60)
"""


async def test_a_line_written_in_two_halves_shows_whole(
    make_app: AppFactory, samples_project: Path
) -> None:
    folder = write_block(samples_project, "halves", HALVES, {"description": "half a line"})
    app = make_app()
    async with driving(app) as pilot:
        record = await launch(pilot, app, "halves")
        output = view(app)
        await wait_until(
            pilot, lambda: "first half" in screen_lines(output)[0], "the first half on screen"
        )
        (folder / "go").touch()
        await wait_until(
            pilot, lambda: record.stdout is not None and record.stdout.lines_total, "the newline"
        )
        await wait_until(
            pilot,
            lambda: "first half and second half" in screen_lines(output)[0],
            "the whole line on screen",
        )
        await app.manager.stop(record.side_execution_id)
