"""Snapshot tests: every screen and dialog at a fixed terminal size, made deterministic.

The app is built with `deterministic=True` (ids, pids, clock times, durations, CPU and memory are
masked) on a temporary copy of the samples, so no temporary path appears either. Each test gives
`matches_snapshot` its `drive(pilot, app)`: the keys and clicks, with the drivers of
`tests.tui.pilot_support`, that follow the start; they wait until executions have settled and the
screen shows it, and turn off every blinking cursor.

Update with `.venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update` (serially), then look
at every changed SVG as a picture before committing it.
"""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sidetui.core import EngineConfig, ExecutionRecord
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.confirm import ConfirmScreen
from sidetui.tui.screens.help import HelpScreen
from sidetui.tui.screens.inline_code import InlineCodeScreen
from sidetui.tui.screens.new_block import NewBlockScreen
from sidetui.tui.widgets.executions import ExecutionsTable
from tests.helpers import needs_node, write_block
from tests.tui.pilot_support import (
    Drive,
    Snapshot,
    catalog,
    click_row,
    highlight,
    launch,
    open_dialog,
    open_screen,
    pane,
    replace_value,
    run_to_end,
    settled,
    show_tab,
    start_block,
    steady_cursors,
    until_running,
    until_shown,
    wait_until,
)

SMALL = (80, 24)
WIDE = (220, 60)

# A block that prints a few fixed lines and then waits: running, but a stable picture.
STEADY = """\
import sys
import time

for step in ("fetching the index", "parsing 3 files", "waiting for the next batch"):
    print(f"\\x1b[32m✔\\x1b[0m {step}", flush=True)
print("\\x1b[33mwarning:\\x1b[0m the next batch is late", file=sys.stderr, flush=True)
time.sleep(120)
"""

# Both streams in turn, each line written only once the app has read the one before (the test
# leaves a cue file for it). Lines written to both pipes while the loop is busy can be read in
# either order: epoll is level-triggered, and a pipe read before stays ahead in its ready list.
# Pauses of 400 ms between the lines were not enough once in CI, when the loop stalled longer.
INTERLEAVED = """\
import pathlib
import sys
import time

here = pathlib.Path(__file__).parent

def say(step, text, stream):
    print(text, file=stream, flush=True)
    while step < 5 and not (here / f"read-{step}").exists():
        time.sleep(0.01)

say(1, "\x1b[1mbuild\x1b[0m 42 pages", sys.stdout)
say(2, "\x1b[33mwarning:\x1b[0m hero.png is 2.4 MB", sys.stderr)
say(3, "upload 57 files", sys.stdout)
say(4, "\x1b[31merror:\x1b[0m cdn purge timed out, retrying", sys.stderr)
say(5, "\x1b[32m✔\x1b[0m deployed", sys.stdout)
"""


# -- driving the app ---------------------------------------------------------------------------


async def run_and_look(pilot: Pilot[None], app: SidetuiApp, name: str) -> None:
    """Launch `name` with its defaults; once it has ended and the screen shows it, click its row."""
    record = await run_to_end(pilot, app, name)
    await until_shown(pilot, app, record)
    await click_row(pilot, app, record.side_execution_id)


def asking_while_steady_runs(key: str) -> Drive:
    """Launch `steady`; once it runs, press `key` and wait for the question it asks."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        record = await launch(pilot, app, "steady")
        await until_running(pilot, app, record, lines=3)
        await open_screen(pilot, app, key, ConfirmScreen)

    return drive


# -- projects ----------------------------------------------------------------------------------


def add_catalog_troubles(project: Path, config: EngineConfig) -> None:
    """A broken block, a conflicting one (two `colors` in the project) and a shadowed one (a
    global `hello-python`, hidden by the project's)."""
    write_block(project, "broken-block", manifest={"entryPoint": "missing.js"})
    write_block(
        project,
        "colors-again",
        main_py="print('another colors')\n",
        manifest={"name": "colors", "description": "A second block named colors."},
    )
    write_block(
        config.global_dir / "actionblocks",
        "hello-python",
        main_py="print('the global hello')\n",
        manifest={"description": "A global hello-python, shadowed by the project's."},
    )


def add_steady(project: Path) -> None:
    write_block(
        project,
        "steady",
        main_py=STEADY,
        manifest={"description": "Prints three lines, then waits (for the quit dialog)."},
    )


# -- the tests ---------------------------------------------------------------------------------


def test_catalog_and_details(matches_snapshot: Snapshot) -> None:
    """The catalog by kind, and the highlighted block's details: inputs and README."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await highlight(pilot, app, "hello-python")

    assert matches_snapshot(drive)


def test_catalog_broken_shadowed_conflict(
    matches_snapshot: Snapshot, samples_project: Path, engine_config: EngineConfig
) -> None:
    """Broken, conflicting and shadowed entries are marked; the broken one explains itself."""
    add_catalog_troubles(samples_project, engine_config)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await highlight(pilot, app, "broken-block")

    assert matches_snapshot(drive)


def test_catalog_conflict_details(
    matches_snapshot: Snapshot, samples_project: Path, engine_config: EngineConfig
) -> None:
    """A conflicting entry's details name the other block of its name."""
    add_catalog_troubles(samples_project, engine_config)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await highlight(pilot, app, "colors", folder="colors-again")

    assert matches_snapshot(drive)


def test_filter_narrows_the_catalog(matches_snapshot: Snapshot) -> None:
    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await pilot.click("#filter")
        steady_cursors(app)
        await pilot.press(*"py")
        await wait_until(pilot, lambda: catalog(app).last_line < 10, "the filtered catalog")

    assert matches_snapshot(drive)


def test_launch_dialog_typed_inputs(matches_snapshot: Snapshot) -> None:
    """A form from the declared inputs: typed fields, required marked, defaults filled."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await open_dialog(pilot, app, "typed-inputs")

    assert matches_snapshot(drive)


def test_launch_dialog_bad_values(matches_snapshot: Snapshot) -> None:
    """ctrl+s with values that are not numbers: each field explains in place, nothing starts."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        dialog = await open_dialog(pilot, app, "typed-inputs")
        await replace_value(pilot, app, "#in-title", "Release notes")
        await replace_value(pilot, app, "#in-count", "-")
        await replace_value(pilot, app, "#in-ratio", "1e")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.query_one("#err-ratio").display, "the errors")
        steady_cursors(app)
        await pilot.pause()
        assert not app.manager.records

    assert matches_snapshot(drive)


def test_launch_dialog_required_and_json_errors(matches_snapshot: Snapshot) -> None:
    """ctrl+s with the required title missing and JSON of the wrong types: each field explains
    (the ones below the fold too), nothing starts."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        dialog = await open_dialog(pilot, app, "typed-inputs")
        dialog.query_one("#in-tags", Input).value = '{"not": "a list"}'
        dialog.query_one("#in-options", TextArea).text = "[1, 2]"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.query_one("#err-title").display, "the errors")
        steady_cursors(app)
        await pilot.pause()
        assert not app.manager.records

    assert matches_snapshot(drive)


@needs_node
def test_completed_execution_colours(matches_snapshot: Snapshot) -> None:
    """A completed execution's stdout: ANSI colours rendered, brackets not read as markup."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "colors")

    assert matches_snapshot(drive)


def test_merged_tab_marks_stderr(matches_snapshot: Snapshot, samples_project: Path) -> None:
    """The merged tab: both streams in the order written, stderr lines marked."""
    write_block(
        samples_project,
        "interleaved",
        main_py=INTERLEAVED,
        manifest={"description": "Writes stdout and stderr in turn."},
    )

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        record = await launch(pilot, app, "interleaved")
        folder = Path(record.action_block_path or "")
        for step in range(1, 5):  # the next line once the app has read this one
            await wait_until(pilot, lambda step=step: lines_read(record) >= step, f"line {step}")
            (folder / f"read-{step}").touch()
        await settled(pilot, app, record.side_execution_id)
        await until_shown(pilot, app, record)
        await click_row(pilot, app, record.side_execution_id)
        await show_tab(pilot, app, "merged")

    assert matches_snapshot(drive)


def lines_read(record: ExecutionRecord) -> int:
    return sum(s.lines_total for s in (record.stdout, record.stderr) if s is not None)


def test_failed_execution_result(matches_snapshot: Snapshot) -> None:
    """`fails` ended failed: its result tab shows the error code and message."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "fails")
        await show_tab(pilot, app, "result")

    assert matches_snapshot(drive)


def test_execution_details_tab(matches_snapshot: Snapshot) -> None:
    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "hello-python")
        await show_tab(pilot, app, "details")

    assert matches_snapshot(drive)


def test_inline_code_dialog(matches_snapshot: Snapshot) -> None:
    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await open_screen(pilot, app, "i", InlineCodeScreen)

    assert matches_snapshot(drive)


def test_quit_asks_with_a_running_execution(
    matches_snapshot: Snapshot, samples_project: Path
) -> None:
    """`q` with an execution still running asks first."""
    add_steady(samples_project)

    assert matches_snapshot(asking_while_steady_runs("q"))


def test_command_palette_launch(matches_snapshot: Snapshot) -> None:
    """ctrl+p and `launch`: a `Launch <name>` command for every catalog entry."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        palette = await open_screen(pilot, app, "ctrl+p", CommandPalette)
        await pilot.press(*"launch")
        await wait_until(
            pilot,
            lambda: (
                palette.query_one(CommandList).option_count >= 10
                and not palette.has_class("-busy")
                and not getattr(palette, "_show_busy", False)
            ),
            "the palette's hits",
        )
        await pilot.pause(0.3)

    assert matches_snapshot(drive)


def test_small_terminal(matches_snapshot: Snapshot) -> None:
    """80x24: two executions (the failed one's badge out of the cursor row), the completed
    one's output and the catalog."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "fails")
        await run_and_look(pilot, app, "hello-python")

    assert matches_snapshot(drive, size=SMALL)


def test_wide_terminal(matches_snapshot: Snapshot, samples_project: Path) -> None:
    """220x60: every column, names as wide as they need, the rest for each outcome."""
    add_steady(samples_project)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "fails")
        counted = await run_to_end(pilot, app, "python-helper", {"text": "to be or not to be"})
        await until_shown(pilot, app, counted)
        record = await launch(pilot, app, "steady")
        await until_running(pilot, app, record, lines=3)
        await click_row(pilot, app, record.side_execution_id)

    assert matches_snapshot(drive, size=WIDE)


def test_small_terminal_with_output_focused(matches_snapshot: Snapshot) -> None:
    """80x24 with the focus in the output: its border lit, the footer's keys for it, whole."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "hello-python")
        await pilot.press("enter")  # from the executions, to the output
        await pilot.pause()

    assert matches_snapshot(drive, size=SMALL)


def test_help_screen(matches_snapshot: Snapshot) -> None:
    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await open_screen(pilot, app, "question_mark", HelpScreen)

    assert matches_snapshot(drive)


def test_help_screen_small(matches_snapshot: Snapshot) -> None:
    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await open_screen(pilot, app, "question_mark", HelpScreen)

    assert matches_snapshot(drive, size=SMALL)


def test_new_block_dialog(matches_snapshot: Snapshot) -> None:
    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await open_screen(pilot, app, "a", NewBlockScreen)
        await pilot.press(*"greet")
        steady_cursors(app)
        await pilot.pause()

    assert matches_snapshot(drive, size=SMALL)


def test_stop_all_asks(matches_snapshot: Snapshot, samples_project: Path) -> None:
    add_steady(samples_project)

    assert matches_snapshot(asking_while_steady_runs("S"))


def test_empty_project(matches_snapshot: Snapshot, tmp_path: Path) -> None:
    """A project without blocks says what to do, and offers to create one."""
    empty = tmp_path / "empty"
    empty.mkdir()

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await pilot.pause()

    assert matches_snapshot(drive, project=empty)


# -- output views: the merged stream, split panes, timestamps, the filter -------------------------

FIRST_AND_THIRD = """\
import time
print("\\x1b[1mbuild\\x1b[0m 42 pages", flush=True)
time.sleep(0.8)
print("\\x1b[32m✔\\x1b[0m build done", flush=True)
"""
SECOND = """\
import sys, time
time.sleep(0.4)
print("\\x1b[33mwarning:\\x1b[0m the cache is cold", file=sys.stderr, flush=True)
"""


def add_pair(project: Path) -> None:
    """Two blocks whose lines interleave: the site's first and third, the cache's second."""
    write_block(project, "site", FIRST_AND_THIRD, {"description": "Builds; says so twice."})
    write_block(project, "cache", SECOND, {"description": "Warns once, in between."})


async def run_pair(pilot: Pilot[None], app: SidetuiApp) -> None:
    """Both blocks started together, as an agent would; once both have settled."""
    records = [await start_block(app, name, {}) for name in ("site", "cache")]
    for record in records:
        await settled(pilot, app, record.side_execution_id)
        await until_listed(pilot, app, record)


async def until_listed(pilot: Pilot[None], app: SidetuiApp, record: ExecutionRecord) -> None:
    executions = app.main.query_one(ExecutionsTable) if app.main else None
    await wait_until(
        pilot,
        lambda: (
            executions is not None
            and str(executions.get_cell(record.side_execution_id, "status")).endswith("completed")
        ),
        "the table to show it completed",
    )


def test_all_output_in_one_stream(matches_snapshot: Snapshot, samples_project: Path) -> None:
    """`m`: both executions' lines in the order they arrived, each labelled, stderr marked."""
    add_pair(samples_project)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_pair(pilot, app)
        await pilot.press("m")
        app.clear_notifications()  # the one saying that the other execution ended
        await pilot.pause()

    assert matches_snapshot(drive)


def test_split_panes_side_by_side(matches_snapshot: Snapshot, samples_project: Path) -> None:
    """`p` pins the selected execution; another selected shows beside it."""
    add_steady(samples_project)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        record = await launch(pilot, app, "steady")
        await until_running(pilot, app, record, lines=3)
        await click_row(pilot, app, record.side_execution_id)
        await pilot.press("p")
        await run_and_look(pilot, app, "colors")

    assert matches_snapshot(drive, size=WIDE)


def test_timestamps_since_the_start(matches_snapshot: Snapshot) -> None:
    """`t` twice: each line's time since the start (masked here), before its text."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "colors")
        await pilot.press("t", "t")
        await pilot.pause()

    assert matches_snapshot(drive)


def filtered(app: SidetuiApp) -> bool:
    line_filter = pane(app).line_filter
    return line_filter is not None and line_filter.scan.done


def test_filter_shows_only_matching_lines(matches_snapshot: Snapshot) -> None:
    """`&`: only the lines that match, the filter box open, the status line counting."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "colors")
        await pilot.click("#output")
        await pilot.press("ampersand", *"on")
        await wait_until(pilot, lambda: filtered(app), "the filter to scan the log")
        steady_cursors(app)
        await pilot.pause()

    assert matches_snapshot(drive)
