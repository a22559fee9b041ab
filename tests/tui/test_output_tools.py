"""Timestamps (none, time of day, since the start; for runs from history too), wrap, and the
filter that covers the whole log on disk (substring, regex, case, invert; live lines too)."""

from __future__ import annotations

import re
from pathlib import Path

from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from tests.helpers import write_block
from tests.tui.pilot_support import (
    TICKER,
    AppFactory,
    driving,
    launch,
    main,
    pane,
    run_to_end,
    screen_lines,
    shown,
    view,
    wait_until,
)

MANY = """
    for i in range(3000):
        print(f"needle-{i}" if i in (20, 120, 2220) else f"hay {i}")
"""
LONG_LINE = """
    print("start " + "x" * 300 + " the end")
    print("short")
"""
ABSOLUTE = re.compile(r"^\d\d:\d\d:\d\d\.\d\d\d ")
RELATIVE = re.compile(r"^\+\d\d:\d\d\.\d\d\d ")


def status_line(app: SidetuiApp) -> str:
    return shown(pane(app).query_one(".output-status"), width=200).strip()


def visible(app: SidetuiApp) -> list[str]:
    return [line.rstrip() for line in screen_lines(view(app)) if line.strip()]


async def test_t_cycles_no_times_time_of_day_and_time_since_the_start(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "many", MANY, {"description": "3000 lines"})
    app = make_app(deterministic=False)
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "many")
        assert visible(app)[-1].startswith("hay 2999")
        await pilot.press("t")
        assert all(ABSOLUTE.match(line) for line in visible(app)), visible(app)[-3:]
        assert visible(app)[-1].endswith("hay 2999")
        await pilot.press("t")
        assert all(RELATIVE.match(line) for line in visible(app)), visible(app)[-3:]
        await pilot.press("t")
        assert visible(app)[-1].startswith("hay 2999")


async def test_a_run_from_history_shows_its_lines_times(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    first = make_app(deterministic=False)
    async with driving(first) as pilot:
        record = await run_to_end(pilot, first, "hello-python")
        printed = record.stdout.line_times() if record.stdout else []
    again = make_app(deterministic=False)
    async with driving(again) as pilot:
        await wait_until(pilot, lambda: pane(again).record is not None, "the history")
        assert pane(again).record.from_history
        await pilot.press("t")
        stamps = [line.split()[0] for line in visible(again)]
        assert stamps and all(ABSOLUTE.match(stamp + " ") for stamp in stamps)
        line_time = main(again).presentation.line_time
        assert stamps == [line_time(when, None) for when in printed]  # kept in `<log>.times`


async def test_capital_w_wraps_long_lines_and_unwraps_them(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "long", LONG_LINE, {"description": "one long line"})
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "long")
        assert len(visible(app)) == 2 and "the end" not in "".join(visible(app))
        await pilot.press("W")
        rows = visible(app)
        assert len(rows) > 3 and rows[-1].strip() == "short"
        assert rows[-2].rstrip().endswith("the end")
        await pilot.press("W")
        assert len(visible(app)) == 2


async def test_the_filter_covers_the_whole_log_not_only_the_tail(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    engine_config.tail_lines = 100  # the needles 20 and 120 are long gone from the tail
    write_block(samples_project, "many", MANY, {"description": "3000 lines"})
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "many")
        assert view(app).line_count == 100
        await pilot.click("#output")
        await pilot.press("ampersand", *"needle")
        await wait_until(pilot, lambda: view(app).line_count == 3, "three needles")
        assert [line.strip() for line in view(app).lines] == [
            "needle-20",
            "needle-120",
            "needle-2220",
        ]
        assert "filter 'needle': 3 of 3,000 lines" in status_line(app)

        await pilot.press("ctrl+r", *"-(20|120)$")
        await wait_until(pilot, lambda: view(app).line_count == 2, "the regex's two")
        assert "(regex)" in status_line(app)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: view(app).line_count == 2998, "all but two")
        await pilot.press("ctrl+n", "ctrl+r")
        field = main(app).query_one("#output-filter")
        field.value = "NEEDLE"
        await wait_until(pilot, lambda: view(app).line_count == 3, "any case")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: "case" in status_line(app), "case on")
        await wait_until(pilot, lambda: view(app).line_count == 0, "no NEEDLE")

        await pilot.press("escape")
        await wait_until(pilot, lambda: view(app).line_count == 100, "the tail again")
        assert not field.display and app.focused is view(app)


async def test_the_filter_keeps_matching_lines_as_they_arrive(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "ticker", TICKER, {"description": "a line every 20 ms"})
    app = make_app()
    async with driving(app) as pilot:
        record = await launch(pilot, app, "ticker")
        await wait_until(pilot, lambda: "tick 3" in record.output, "ticks")
        await pilot.click("#output")
        await pilot.press("ampersand", *"7", "enter")
        await wait_until(pilot, lambda: "tick 27" in view(app).lines, "tick 27, live")
        assert all("7" in line for line in view(app).lines)
        assert main(app).query_one("#output-filter").display  # the filter stays in sight
        await app.manager.stop(record.side_execution_id)
