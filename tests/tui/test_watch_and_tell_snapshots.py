"""Snapshots of the output tools not pictured elsewhere: long lines wrapped (`W`), the messages
tab, a watched block run again after an edit (`w`), and the notice of an execution that ended
while another was selected. Built as `test_snapshots.py` builds its pictures; update with
`pytest tests/tui/test_watch_and_tell_snapshots.py --snapshot-update`, then look at them."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from sidetui.core import ExecutionStatus
from sidetui.tui.app import SidetuiApp
from tests.helpers import needs_node, write_block
from tests.tui.pilot_support import (
    Snapshot,
    click_row,
    launch,
    pane,
    settled,
    show_tab,
    table,
    until_running,
    wait_until,
)
from tests.tui.test_snapshots import add_steady, run_and_look

LONG_LINES = """\
print("short line")
print("a long line: " + " ".join(f"word{n}" for n in range(40)) + " (end)")
print("another short line")
"""

# Talks to sidetui as a codeboltjs block does, over Node's IPC channel: two chat messages (one
# with a payload and an escape sequence, which never reaches the terminal) and a notification.
MESSAGES = """\
let sent = 0;
const send = (message) => process.send({ ...message, requestId: String(++sent) });
process.on("message", (m) => {
  if (!m || m.type !== "actionBlockInvocation") return;
  send({ type: "sendMessage", message: "Reading the \\u001b[31mthree\\u001b[0m files" });
  send({ type: "notificationEvent", message: "half way there", eventType: "progress" });
  send({ type: "sendMessage", message: "Done", payload: { files: 3, words: 1234 } });
  process.send({ type: "actionBlockComplete", sideExecutionId: m.sideExecutionId });
});
"""

FAILS_ON_CUE = """\
import pathlib, sys, time
cue = pathlib.Path(__file__).with_name("go")
while not cue.exists():
    time.sleep(0.05)
print("the cue came: giving up", file=sys.stderr, flush=True)
sys.exit(3)
"""


def test_long_lines_wrapped(matches_snapshot: Snapshot, samples_project: Path) -> None:
    """`W`: a long line wraps at the pane's width, its rows under its one line number."""
    write_block(samples_project, "long-lines", LONG_LINES, {"description": "One long line."})

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "long-lines")
        await pilot.press("W")
        await pilot.pause()

    assert matches_snapshot(drive)


@needs_node
def test_the_messages_tab(matches_snapshot: Snapshot, samples_project: Path) -> None:
    """`4`: what the block told its user, one line each, the payload below."""
    folder = write_block(samples_project, "messenger", manifest={"entryPoint": "index.js"})
    (folder / "index.js").write_text(MESSAGES)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "messenger")
        await show_tab(pilot, app, "messages")

    assert matches_snapshot(drive)


def test_a_watched_block_run_again_after_an_edit(
    matches_snapshot: Snapshot, samples_project: Path
) -> None:
    """`w`, then an edit in the block's folder: a second run, both marked `⟳`."""

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        await run_and_look(pilot, app, "colors")
        await pilot.press("w")
        first = app.manager.records[-1]
        readme = Path(first.action_block_path or "") / "README.md"
        readme.write_text(readme.read_text() + "\nEdited.\n")
        await wait_until(pilot, lambda: table(app).row_count == 2, "the second run")
        rerun = next(r for r in app.manager.records if r is not first)
        await settled(pilot, app, rerun.side_execution_id)
        await wait_until(pilot, lambda: pane(app).record is rerun, "the rerun on screen")
        app.clear_notifications()  # "Watching colors", "colors: README.md changed"
        await pilot.pause()

    assert matches_snapshot(drive)


def test_an_end_out_of_sight_is_announced(
    matches_snapshot: Snapshot, samples_project: Path
) -> None:
    """A launched execution fails while another is selected: a notice with its status word."""
    write_block(samples_project, "cued", FAILS_ON_CUE, {"description": "Fails on a cue."})
    add_steady(samples_project)

    async def drive(pilot: Pilot[None], app: SidetuiApp) -> None:
        cued = await launch(pilot, app, "cued")
        steady = await launch(pilot, app, "steady")
        await until_running(pilot, app, steady, lines=3)
        await click_row(pilot, app, steady.side_execution_id)
        (Path(cued.action_block_path or "") / "go").touch()
        record = await settled(pilot, app, cued.side_execution_id)
        assert record.status is ExecutionStatus.FAILED
        await wait_until(pilot, lambda: app._notifications, "the notice")

    assert matches_snapshot(drive)
