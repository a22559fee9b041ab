"""The output pane: search with n / N, follow, copy (all or the selection), child output that is
never read as markup nor lets an escape sequence through, the merged view, the result tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Input, Label, Tabs

from sidetui.core import ExecutionRecord
from sidetui.tui.app import SidetuiApp
from sidetui.tui.widgets.output_view import STDERR_MARK, OutputView
from tests.helpers import needs_node, write_block
from tests.tui.pilot_support import (
    HAYSTACK,
    TICKER,
    AppFactory,
    click_row,
    driving,
    launch,
    main,
    pane,
    run_to_end,
    screen_lines,
    settled,
    show_tab,
    shown,
    until_shown,
    view,
    wait_until,
    wheel_up,
)


def status_line(app: SidetuiApp) -> str:
    return shown(main(app).query_one("#output-status", Label), width=200).strip()


def visible(app: SidetuiApp) -> list[str]:
    return [line.strip() for line in screen_lines(view(app))]


@pytest.fixture
def haystack(samples_project: Path) -> None:
    """A block that prints 300 lines, three of them needles, in the project."""
    write_block(samples_project, "haystack", HAYSTACK, {"description": "300 lines"})


@pytest.fixture
def ticker(samples_project: Path) -> None:
    """A block that prints a line every 20 ms until it is stopped, in the project."""
    write_block(samples_project, "ticker", TICKER, {"description": "a line every 20 ms"})


async def ticking(pilot: Pilot[None], app: SidetuiApp) -> tuple[ExecutionRecord, OutputView]:
    """Launch the ticker; once it has printed two screens of lines, its record and the view."""
    record = await launch(pilot, app, "ticker")
    output = view(app)
    await wait_until(pilot, lambda: output.line_count > 2 * output.size.height, "a screenful")
    return record, output


@pytest.mark.usefixtures("haystack")
async def test_search_jumps_between_matches_with_enter_n_and_capital_n(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "haystack")
        assert view(app).line_count == 300
        search = main(app).query_one("#search", Input)
        assert not search.display

        await pilot.click("#output")
        await pilot.press("slash")
        assert search.display
        assert app.focused is search
        await pilot.press(*"needle", "enter")
        assert "1/3 matches for 'needle'" in status_line(app)
        assert "needle-20" in visible(app)
        assert not view(app).following

        await pilot.press("enter")  # in the bar, enter goes to the next match
        assert "2/3 matches for 'needle'" in status_line(app)
        assert "needle-120" in visible(app)

        await pilot.press("escape")
        assert not search.display
        assert app.focused is not search  # back where it was: n / N are keys again

        await pilot.press("n")
        assert "3/3 matches" in status_line(app)
        assert "needle-220" in visible(app)
        await pilot.press("n")  # past the last: back to the first
        assert "1/3 matches" in status_line(app)
        assert "needle-20" in visible(app)
        await pilot.press("N")  # before the first: the last
        assert "3/3 matches" in status_line(app)
        assert "needle-220" in visible(app)
        await pilot.press("N")
        assert "2/3 matches" in status_line(app)
        assert "needle-120" in visible(app)


CRASH = """
    print("starting")
    raise RuntimeError("the disk is full")
"""

DENSE = """
    for i in range(80):
        if i == 30:
            print("57.5 s left · 57 again")  # two matches on one line
        elif i in (31, 33):
            print(f"57.{i % 2 * 5} s left")
        else:
            print("hay")
"""


def current_match(app: SidetuiApp) -> tuple[int, int] | None:
    return view(app).finder.current


async def test_n_and_capital_n_step_from_the_current_match_through_every_one(
    make_app: AppFactory, samples_project: Path
) -> None:
    """Matches closer together than half a screen, two on one line: `n` visits each in order
    and wraps, `N` goes back one at a time; the status line counts what is highlighted."""
    write_block(samples_project, "dense", DENSE, {"description": "close matches"})
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "dense")
        await pilot.click("#output")
        await pilot.press("slash", *"57", "enter", "escape")
        assert "1/4 matches for '57'" in status_line(app)
        assert current_match(app) == (30, 0)
        steps = []
        for key in ("n", "n", "n", "n", "N", "N", "N", "N", "N"):
            await pilot.press(key)
            steps.append((status_line(app).split(" · ")[0], current_match(app)))
        assert steps == [
            ("2/4 matches for '57'", (30, 14)),
            ("3/4 matches for '57'", (31, 0)),
            ("4/4 matches for '57'", (33, 0)),
            ("1/4 matches for '57'", (30, 0)),  # past the last: the first
            ("4/4 matches for '57'", (33, 0)),  # before the first: the last
            ("3/4 matches for '57'", (31, 0)),
            ("2/4 matches for '57'", (30, 14)),
            ("1/4 matches for '57'", (30, 0)),
            ("4/4 matches for '57'", (33, 0)),
        ]


@pytest.mark.usefixtures("ticker")
async def test_n_keeps_stepping_one_match_at_a_time_while_output_arrives(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record, output = await ticking(pilot, app)
        await pilot.click("#output")
        await pilot.press("slash", *"tick", "enter", "escape")  # every line matches once
        visited = [output.finder.current]
        numbers = [output.finder.position()[0]]
        for _ in range(6):
            await pilot.press("n")
            visited.append(output.finder.current)
            numbers.append(output.finder.position()[0])
            assert f"{numbers[-1]}/" in status_line(app)
        first_line = visited[0][0]
        assert visited == [(first_line + step, 0) for step in range(7)]
        assert numbers == list(range(numbers[0], numbers[0] + 7))
        await app.manager.stop(record.side_execution_id)
        await settled(pilot, app, record.side_execution_id)


@pytest.mark.usefixtures("haystack")
async def test_search_without_match_says_so(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "haystack")
        await pilot.click("#output")
        await pilot.press("slash", *"pin", "enter")
        assert "no match for 'pin'" in status_line(app)


Colours = tuple[object, object]


def on_screen(style: Style | None) -> Colours:
    """(foreground, background) as the terminal shows them: `reverse` swaps the two."""
    if style is None:
        return None, None
    colours = (style.color, style.bgcolor)
    return (colours[1], colours[0]) if style.reverse else colours


def drawn_colours(app: SidetuiApp, term: str) -> list[Colours]:
    """How the drawn segments that show exactly `term` look on screen."""
    return [
        on_screen(segment.style)
        for y in range(view(app).size.height)
        for segment in view(app).render_line(y)
        if segment.text == term
    ]


@pytest.mark.usefixtures("haystack")
async def test_search_highlights_the_matches(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "haystack")
        plain = on_screen(next(iter(view(app).render_line(0))).style)
        await pilot.click("#output")
        await pilot.press("slash", *"needle", "enter")
        matches = drawn_colours(app, "needle")
        assert matches, "the match is drawn as a segment of its own"
        assert all(colours != plain for colours in matches)


@pytest.mark.usefixtures("haystack")
async def test_a_highlighted_match_stays_readable(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "haystack")
        await pilot.click("#output")
        await pilot.press("slash", *"needle", "enter")
        matches = drawn_colours(app, "needle")
        assert matches
        assert all(foreground != background for foreground, background in matches)


@pytest.mark.usefixtures("ticker")
async def test_f_toggles_follow_and_scrolling_up_stays_put(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record, output = await ticking(pilot, app)
        assert output.following
        assert output.scroll_y == output.max_scroll_y
        assert "following" in status_line(app)

        await pilot.press("f")
        assert not output.following
        assert "paused (f: follow)" in status_line(app)
        held = output.scroll_y
        count = output.line_count
        await wait_until(pilot, lambda: output.line_count > count + 10, "more output")
        assert output.scroll_y == held

        await pilot.press("f")
        assert output.following
        assert output.scroll_y == output.max_scroll_y
        count = output.line_count
        await wait_until(pilot, lambda: output.line_count > count + 10, "more output")
        assert output.following
        assert output.scroll_y == output.max_scroll_y  # still at the end as it grows

        await wheel_up(pilot, output)
        assert not output.following
        held = output.scroll_y
        assert held < output.max_scroll_y
        first_line = screen_lines(output)[0]
        count = output.line_count
        await wait_until(pilot, lambda: output.line_count > count + 10, "more output")
        assert not output.following
        assert output.scroll_y == held
        assert screen_lines(output)[0] == first_line

        await pilot.press("s")
        await settled(pilot, app, record.side_execution_id)


@pytest.mark.usefixtures("haystack")
async def test_the_status_line_says_paused_once_scrolled_up(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "haystack")
        assert "following" in status_line(app)

        await wheel_up(pilot, view(app))
        assert not view(app).following
        assert "paused (f: follow)" in status_line(app)


@pytest.mark.usefixtures("ticker")
async def test_end_key_resumes_following_while_output_flows(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record, output = await ticking(pilot, app)
        await wheel_up(pilot, output)
        assert not output.following

        output.focus()
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        count = output.line_count
        await wait_until(pilot, lambda: output.line_count > count + 25, "more output")
        try:
            assert output.following
            assert output.scroll_y == output.max_scroll_y
        finally:
            await app.manager.stop(record.side_execution_id)


@pytest.mark.usefixtures("ticker")
async def test_page_up_while_following_stops_following_even_as_output_lands(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record, output = await ticking(pilot, app)
        await pilot.press("f", "f")  # following, at the end
        assert output.following
        await pilot.press("s")
        await settled(pilot, app, record.side_execution_id)

        output.focus()
        # The key's action, then an output batch landing before the next animation frame:
        # what happens now and then with a real key press while a child prints.
        output.action_page_up()
        pane(app).refresh_output()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

        assert not output.following
        assert output.scroll_y < output.max_scroll_y


async def test_c_copies_the_output(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await run_to_end(pilot, app, "hello-python", {"sentence": "one two"})

        await pilot.press("c")
        assert app.clipboard == "2 words in: 'one two'\n  1  one\n  2  two"
        assert app.clipboard == record.output.rstrip("\n")


async def test_c_copies_the_selection_when_there_is_one(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "hello-python", {"sentence": "one two"})
        output = view(app)
        left = output.content_region.x - output.region.x  # offsets count from the border
        assert screen_lines(output)[1][5:8] == "one"

        await pilot.mouse_down(output, offset=(left + 5, 1))
        await pilot.hover(output, offset=(left + 8, 2))
        await pilot.mouse_up(output, offset=(left + 8, 2))
        await pilot.pause()
        await pilot.press("c")

        assert app.clipboard == "one\n  2  two"  # from under the press to under the release


async def test_c_with_nothing_to_copy_says_so(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ""
        assert any(n.message == "Nothing to copy." for n in app._notifications)


UNSAFE = r"""
    import sys
    out = sys.stdout
    out.write("[bold red]not markup[/]\n")
    out.write("\x1b[2J\x1b[Hafter clear\n")
    out.write("\x1b]0;evil title\x07titled\n")
    out.write("\x1b[?1049hsecond buffer\x1b[?1049l\n")
    out.write("bell\x07 and \x1b[31mred\x1b[0m\n")
    out.write("[link=https://example.com]click[/link] :warning:\n")
"""


async def test_child_output_is_never_markup_and_no_escape_survives(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "unsafe", UNSAFE, {"description": "prints markup, escapes"})
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "unsafe")

        strips = [view(app).render_line(y) for y in range(6)]
        assert [strip.text.rstrip() for strip in strips] == [
            "[bold red]not markup[/]",
            "after clear",
            "titled",
            "second buffer",
            "bell and red",
            "[link=https://example.com]click[/link] :warning:",
        ]
        drawn = "".join(segment.text for strip in strips for segment in strip)
        assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in drawn)
        red = next(s for s in strips[4] if s.text == "red")
        assert red.style is not None
        assert red.style.color is not None  # colours (SGR) are kept
        assert all(segment.style is None or not segment.style.link for s in strips for segment in s)

        await pilot.press("c")
        assert "\x1b" not in app.clipboard
        assert app.clipboard.startswith("[bold red]not markup[/]\nafter clear\ntitled")


@needs_node
async def test_merged_view_marks_stderr_lines(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "colors")
        main(app).query_one("#output-tabs", Tabs).active = "tab-merged"
        await pilot.pause()
        assert pane(app).tab == "merged"

        lines = screen_lines(view(app))
        marked = [line for line in lines if line.startswith(STDERR_MARK)]
        assert len(marked) == 1
        assert "warning: this line is on stderr" in marked[0]
        assert any(line.startswith(" ") and "red on stdout" in line for line in lines), (
            "stdout lines are not marked"
        )


async def test_the_result_tab_shows_the_error_of_a_failed_execution(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await run_to_end(pilot, app, "fails")
        assert record.status.value == "failed"
        main(app).query_one("#output-tabs", Tabs).active = "tab-result"
        await pilot.pause()

        text = shown(main(app).query_one("#result-body"))
        assert record.error is not None
        assert record.error.code.value in text
        assert "database 'orders' does not exist" in text


@pytest.mark.usefixtures("haystack")
async def test_search_counts_do_not_follow_to_another_execution(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "haystack")
        await pilot.click("#output")
        await pilot.press("slash", *"needle", "enter", "escape")
        assert "1/3 matches for 'needle'" in status_line(app)

        await run_to_end(pilot, app, "hello-python")
        assert pane(app).record is app.manager.records[0]
        assert "1/3 matches" not in status_line(app)


async def test_a_finished_execution_that_printed_nothing_says_so(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "silent", "pass\n", {"description": "prints nothing"})
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "silent")
        assert visible(app)[0] == "It printed nothing on stdout."
        await show_tab(pilot, app, "stderr")
        assert visible(app)[0] == "It printed nothing on stderr."


async def test_an_execution_opens_on_the_tab_that_explains_its_end(
    make_app: AppFactory, samples_project: Path
) -> None:
    """A failure opens its result (the error, and the stderr lines before the one it quotes) -
    when it ends on screen and when it is selected later; others open on the tab chosen last."""
    write_block(samples_project, "crash", CRASH, {"description": "raises"})
    app = make_app()
    async with driving(app) as pilot:
        failed = await run_to_end(pilot, app, "crash")
        await until_shown(pilot, app, failed)
        assert pane(app).tab == "result"
        result = shown(main(app).query_one("#result-body"), width=200)
        assert "PROCESS_CRASHED" in result
        assert "RuntimeError: the disk is full" in result
        said = result.split("its last lines on stderr:")[1]
        assert "raise RuntimeError" in said
        assert "RuntimeError: the disk is full" not in said  # the message quotes it already

        completed = await run_to_end(pilot, app, "hello-python")
        await until_shown(pilot, app, completed)
        assert pane(app).tab == "stdout"  # the tab chosen last, not the one opened for us

        await click_row(pilot, app, failed.side_execution_id)
        assert pane(app).tab == "result"
        await show_tab(pilot, app, "stderr")  # chosen by hand: kept from now on
        await click_row(pilot, app, completed.side_execution_id)
        assert pane(app).tab == "stderr"
