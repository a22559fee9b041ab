"""All output in one stream (every execution's lines interleaved as they arrived, labelled, the
blocks' messages marked; or one execution and its children) and a second pane pinned beside the
first, each following on its own."""

from __future__ import annotations

from pathlib import Path

from sidetui.core import ExecutionStatus
from sidetui.tui.app import SidetuiApp
from sidetui.tui.widgets.all_output import AllOutput
from sidetui.tui.widgets.output_pane import OutputPane
from tests.helpers import write_block
from tests.tui.pilot_support import (
    TICKER,
    AppFactory,
    click_row,
    driving,
    main,
    run_to_end,
    screen_lines,
    settled,
    shown,
    start_block,
    wait_until,
    wheel_up,
)

# Three lines from two executions, in an order that only arrival time gives: the first and the
# third from one, the second from the other.
FIRST_AND_THIRD = """
    import time
    print("line one", flush=True)
    time.sleep(0.6)
    print("line three", flush=True)
"""
SECOND = """
    import time
    time.sleep(0.3)
    print("line two", flush=True)
"""


def every(app: SidetuiApp) -> AllOutput:
    return main(app).query_one("#all-output", AllOutput)


def pinned(app: SidetuiApp) -> OutputPane:
    return main(app).query_one("#pinned", OutputPane)


def status_of(panel: AllOutput | OutputPane) -> str:
    return shown(panel.query_one(".output-status"), width=200).strip()


async def test_m_interleaves_every_execution_in_arrival_order_labelled(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "odd", FIRST_AND_THIRD, {"description": "first and third"})
    write_block(samples_project, "even", SECOND, {"description": "second"})
    app = make_app()
    async with driving(app) as pilot:
        odd = await start_block(app, "odd", {})
        even = await start_block(app, "even", {})
        await settled(pilot, app, odd.side_execution_id)
        await settled(pilot, app, even.side_execution_id)

        await pilot.press("m")
        panel = every(app)
        assert panel.display and not main(app).query_one("#pane").display
        lines = [line for line in screen_lines(panel.view) if line.strip()]
        assert [line.split()[0] for line in lines] == ["odd", "even", "odd"]
        assert ["one" in lines[0], "two" in lines[1], "three" in lines[2]] == [True] * 3
        assert "all output: every execution" in status_of(panel)

        await pilot.press("m")  # back to the selected execution's pane
        assert not panel.display and main(app).query_one("#pane").display


async def test_the_stream_follows_pauses_searches_and_marks_messages(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        parent = await run_to_end(pilot, app, "codebolt-style")
        assert parent.status is ExecutionStatus.COMPLETED, parent.error
        await pilot.press("m")
        panel = every(app)
        await wait_until(pilot, lambda: panel.view.line_count > 0, "the stream")
        text = "\n".join(panel.view.lines)
        assert "✉ message" in text and "Writing a note about side executions" in text
        labels = {label for label, _ in panel.feed.labels}
        assert labels == {"codebolt-style", "python-helper"}

        await pilot.press("f")
        assert "paused" in status_of(panel)
        await pilot.press("f")
        assert "following" in status_of(panel)

        await pilot.press("slash", *"note", "enter")
        assert "matches for 'note'" in status_of(panel)


async def test_capital_m_shows_one_execution_and_its_children_only(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        other = await run_to_end(pilot, app, "hello-python")
        parent = await run_to_end(pilot, app, "codebolt-style")
        await click_row(pilot, app, parent.side_execution_id)
        await pilot.press("M")
        panel = every(app)
        await wait_until(pilot, lambda: panel.view.line_count > 0, "the stream")
        assert panel.root is parent
        shown_ids = {r.side_execution_id for r in panel.shown_records()}
        assert parent.side_execution_id in shown_ids and len(shown_ids) == 2
        assert other.side_execution_id not in shown_ids
        assert {label for label, _ in panel.feed.labels} == {"codebolt-style", "python-helper"}
        assert "codebolt-style and its children" in status_of(panel)


async def test_p_pins_an_execution_beside_another_each_following_on_its_own(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "ticker", TICKER, {"description": "a line every 20 ms"})
    app = make_app()
    async with app.run_test(size=(220, 50)) as pilot:
        await wait_until(pilot, lambda: app.engine_ready.is_set(), "the engine")
        ticker = await start_block(app, "ticker", {})
        await wait_until(pilot, lambda: "tick 5" in ticker.output, "ticks")
        await click_row(pilot, app, ticker.side_execution_id)
        await pilot.press("p")
        side = pinned(app)
        assert side.display and side.record is ticker
        hello = await run_to_end(pilot, app, "hello-python")
        await click_row(pilot, app, hello.side_execution_id)
        pane = main(app).query_one("#pane", OutputPane)
        assert pane.record is hello and side.record is ticker
        assert side.region.x >= pane.region.right  # side by side
        assert side.region.y == pane.region.y

        await wait_until(pilot, lambda: side.view.line_count > 2 * side.size.height, "a screenful")
        await wheel_up(pilot, side.view)
        assert not side.view.following and pane.view.following
        before = side.view.scroll_y
        await pilot.pause(0.3)
        assert side.view.scroll_y == before  # paused: it stays put while ticks arrive
        assert "paused" in status_of(side)
        await app.manager.stop(ticker.side_execution_id)


async def test_the_two_panes_stack_when_the_terminal_is_narrow(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:  # 120 columns: the output column is too narrow for two
        hello = await run_to_end(pilot, app, "hello-python")
        await click_row(pilot, app, hello.side_execution_id)
        await pilot.press("p")
        await pilot.pause()
        pane, side = main(app).query_one("#pane"), pinned(app)
        assert side.display
        assert side.region.y >= pane.region.bottom and side.region.x == pane.region.x
        await pilot.press("p")
        assert not side.display


async def test_plus_picks_the_executions_the_stream_shows(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await run_to_end(pilot, app, "hello-python")
        left_out = await run_to_end(pilot, app, "colors")
        last = await run_to_end(pilot, app, "python-helper", {"text": "to be or not"})
        for record in (first, last):
            await click_row(pilot, app, record.side_execution_id)
            await pilot.press("plus")
        panel = every(app)
        assert panel.display
        shown_ids = {r.side_execution_id for r in panel.shown_records()}
        assert shown_ids == {first.side_execution_id, last.side_execution_id}
        assert {label for label, _ in panel.feed.labels} == {"hello-python", "python-helper"}
        assert "2 picked" in status_of(panel)

        await click_row(pilot, app, last.side_execution_id)
        await pilot.press("plus")  # taken out again
        assert {label for label, _ in panel.feed.labels} == {"hello-python"}
        await pilot.press("m", "m")  # closed, then every execution again
        labels = {label for label, _ in panel.feed.labels}
        assert labels == {"hello-python", "colors", "python-helper"}, labels
        assert left_out.side_execution_id in {r.side_execution_id for r in panel.shown_records()}


async def test_labels_and_messages_in_the_stream_never_reach_the_terminal_raw(
    make_app: AppFactory, samples_project: Path
) -> None:
    hostile = "evil\x1b]52;c;aGk=\x07\u202e\nname"
    write_block(samples_project, "hostile", 'print("\\x1b]0;title\\x07plain")\n', {"name": hostile})
    app = make_app()
    async with driving(app) as pilot:
        record = await start_block(app, hostile, {})
        await settled(pilot, app, record.side_execution_id)
        await pilot.press("m")
        panel = every(app)
        await wait_until(pilot, lambda: panel.view.line_count == 1, "the line")
        drawn = [panel.view.render_line(y) for y in range(2)]
        text = "".join(segment.text for strip in drawn for segment in strip)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "plain" in text and "<U+202E>" in text
