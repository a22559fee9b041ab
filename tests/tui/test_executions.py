"""The executions table and what acts on it: stop (twice: kill), stop all, re-run, clear finished,
notifications when an execution ends out of sight, and keys rebound from the configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.confirm import ConfirmScreen
from tests.helpers import pids_alive, write_block
from tests.tui.pilot_support import (
    STUBBORN,
    AppFactory,
    driving,
    launch,
    main,
    open_dialog,
    open_screen,
    pane,
    run,
    run_to_end,
    settled,
    show_tab,
    shown,
    start_block,
    status_cell,
    table,
    wait_for_output,
    wait_until,
)


def notifications(app: SidetuiApp) -> list[tuple[str, str]]:
    return [(n.message, n.severity) for n in app._notifications]


async def test_s_stops_the_selected_execution_and_its_process(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await launch(pilot, app, "countdown")
        await wait_for_output(pilot, record, "s left")
        assert record.pid is not None
        assert pids_alive([record.pid]) == [record.pid]
        assert table(app).selected_id == record.side_execution_id

        await pilot.press("s")
        record = await settled(pilot, app, record.side_execution_id)

        assert record.status.value == "stopped"
        assert "received SIGTERM" in record.output  # it was asked politely first
        assert pids_alive([record.pid]) == []
        assert status_cell(app, record) == "■ stopped"


async def test_a_second_s_while_stopping_kills_at_once(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    engine_config.stop_grace_ms = 120_000  # far beyond the test's deadline
    write_block(samples_project, "stubborn", STUBBORN, {"description": "ignores SIGTERM"})
    app = make_app()
    async with driving(app) as pilot:
        record = await launch(pilot, app, "stubborn")
        await wait_for_output(pilot, record, "ignoring SIGTERM")

        await pilot.press("s")
        await wait_until(pilot, lambda: record.status.value == "stopping", "stopping")
        await pilot.pause(0.3)
        assert record.status.value == "stopping"  # SIGTERM alone does not end it
        assert status_cell(app, record) == "◐ stopping"

        await pilot.press("s")
        record = await settled(pilot, app, record.side_execution_id)  # long before the grace

        assert record.status.value == "stopped"
        assert record.signal == "SIGKILL"
        assert record.pid is not None
        assert pids_alive([record.pid]) == []


GRANDPARENT = """
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    print(f"grandchild {child.pid}", flush=True)
    time.sleep(120)
"""


async def test_stop_ends_the_whole_tree_grandchildren_too(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "grandparent", GRANDPARENT, {"description": "has a child"})
    app = make_app()
    async with driving(app) as pilot:
        record = await launch(pilot, app, "grandparent")
        await wait_for_output(pilot, record, "grandchild ")
        grandchild = int(record.output.split()[1])
        assert pids_alive([grandchild]) == [grandchild]

        await pilot.press("s")
        record = await settled(pilot, app, record.side_execution_id)

        assert record.status.value == "stopped"
        assert pids_alive([record.pid or 0, grandchild]) == []


async def test_capital_s_asks_then_stops_every_execution(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await start_block(app, "countdown", {"seconds": 60})
        second = await start_block(app, "countdown", {"seconds": 60})
        for record in (first, second):
            await wait_for_output(pilot, record, "s left")
        await wait_until(pilot, lambda: table(app).row_count == 2, "two rows")

        question = await open_screen(pilot, app, "S", ConfirmScreen)
        assert "Stop 2 live executions?" in shown(question.query_one(Static))
        await pilot.press("n")
        await pilot.pause(0.3)
        assert app.screen is main(app)
        assert [first.status.value, second.status.value] == ["running", "running"]

        await open_screen(pilot, app, "S", ConfirmScreen)
        await pilot.press("y")
        for record in (first, second):
            await settled(pilot, app, record.side_execution_id)

        assert [first.status.value, second.status.value] == ["stopped", "stopped"]
        assert pids_alive([first.pid or 0, second.pid or 0]) == []
        assert status_cell(app, first) == status_cell(app, second) == "■ stopped"


async def test_r_runs_the_same_block_again_with_the_same_params(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await run_to_end(pilot, app, "hello-python", {"sentence": "one two"})

        again = await run(pilot, app, "r")

        assert again.side_execution_id != first.side_execution_id
        assert again.action_block == "hello-python"
        assert again.params == first.params == {"sentence": "one two"}
        assert again.output == first.output
        assert table(app).selected_id == again.side_execution_id
        assert pane(app).record is again


async def test_r_reruns_an_execution_started_by_an_agent(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await start_block(app, "hello-python", {"sentence": "from an agent"})
        await settled(pilot, app, first.side_execution_id)
        assert table(app).selected_id == first.side_execution_id

        again = await run(pilot, app, "r")

        assert again.action_block_path == first.action_block_path
        assert again.params == {"sentence": "from an agent"}
        assert again.status.value == "completed"


async def test_r_reruns_a_capability(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        first = await run_to_end(pilot, app, "word-count", {"text": "a b"})

        again = await run(pilot, app, "r")

        assert again.side_execution_id != first.side_execution_id
        assert again.kind.value == "capability"
        assert again.params["capabilityName"] == "word-count"
        assert again.params["text"] == "a b"
        assert again.result == first.result


async def test_the_dialog_offers_the_last_params_again(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "hello-python", {"sentence": "one two"})

        dialog = await open_dialog(pilot, app, "hello-python")
        assert dialog.query_one("#in-sentence").value == "one two"
        await pilot.press("escape")


async def test_x_asks_then_clears_finished_executions_and_keeps_running_ones(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        done = await start_block(app, "hello-python", {})
        await settled(pilot, app, done.side_execution_id)
        failed = await start_block(app, "fails", {})
        await settled(pilot, app, failed.side_execution_id)
        running = await start_block(app, "countdown", {"seconds": 60})
        await wait_for_output(pilot, running, "s left")
        await wait_until(pilot, lambda: table(app).row_count == 3, "three rows")

        question = await open_screen(pilot, app, "x", ConfirmScreen)
        assert "Clear 2 finished executions?" in shown(question.query_one(Static))
        await pilot.press("escape")
        await pilot.pause()
        assert table(app).row_count == 3
        assert len(app.manager.records) == 3
        assert app.manager.history is not None
        assert {r.side_execution_id for r in app.manager.history.recent()} >= {
            done.side_execution_id,
            failed.side_execution_id,
        }

        await open_screen(pilot, app, "x", ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()

        assert [r.side_execution_id for r in app.manager.records] == [running.side_execution_id]
        assert table(app).row_count == 1
        assert table(app).selected_id == running.side_execution_id
        assert pane(app).record is running
        assert ("Cleared 2 finished execution(s).", "information") in notifications(app)

        await pilot.press("s")
        await settled(pilot, app, running.side_execution_id)


FAIL_ON_CUE = """
    import pathlib, sys, time
    cue = pathlib.Path(__file__).with_name("go")
    while not cue.exists():
        time.sleep(0.05)
    print("[bold]boom[/bold]", file=sys.stderr)
    sys.exit(3)
"""


async def test_an_execution_ending_out_of_sight_is_notified(
    make_app: AppFactory, samples_project: Path
) -> None:
    folder = write_block(samples_project, "fail-on-cue", FAIL_ON_CUE, {"description": "fails"})
    app = make_app()
    async with driving(app) as pilot:
        failing = await launch(pilot, app, "fail-on-cue")
        watched = await launch(pilot, app, "countdown")
        assert table(app).selected_id == watched.side_execution_id

        (folder / "go").touch()
        await settled(pilot, app, failing.side_execution_id)
        assert failing.status.value == "failed"
        await wait_until(
            pilot,
            lambda: any(m.startswith("fail-on-cue failed") for m, _ in notifications(app)),
            "a notification",
        )
        notice = next(n for n in app._notifications if n.message.startswith("fail-on-cue"))
        assert notice.severity == "error"
        assert "[bold]boom[/bold]" in notice.message
        assert notice.markup is False  # child output in it is never read as markup

        await pilot.press("s")
        await settled(pilot, app, watched.side_execution_id)


async def test_the_selected_execution_ending_is_not_notified(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await run_to_end(pilot, app, "hello-python")
        assert record.status.value == "completed"
        assert table(app).selected_id == record.side_execution_id
        assert not any("hello-python" in message for message, _ in notifications(app))


async def test_an_execution_started_elsewhere_keeps_the_selection(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        watched = await launch(pilot, app, "countdown")
        await wait_for_output(pilot, watched, "s left")

        other = await start_block(app, "hello-python", {})
        await settled(pilot, app, other.side_execution_id)

        try:
            assert table(app).row_count == 2
            assert table(app).selected_id == watched.side_execution_id
            assert pane(app).record is watched
        finally:
            await app.manager.stop_all()


async def test_stop_can_be_rebound_from_the_configuration(make_app: AppFactory) -> None:
    app = make_app(keys={"stop": "k"})
    async with driving(app) as pilot:
        record = await start_block(app, "countdown", {"seconds": 60})
        await wait_for_output(pilot, record, "s left")
        await wait_until(
            pilot, lambda: table(app).selected_id == record.side_execution_id, "selected"
        )
        bound = {key: b.binding.action for key, b in app.active_bindings.items()}
        assert bound.get("k") == "stop"
        assert "s" not in bound

        await pilot.press("s")
        await pilot.pause(0.5)
        assert record.status.value == "running"

        await pilot.press("k")
        record = await settled(pilot, app, record.side_execution_id)
        assert record.status.value == "stopped"


async def test_s_with_nothing_selected_says_so(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert ("No execution is selected.", "information") in notifications(app)


async def test_exit_shows_once_a_block_that_returned_its_result_has_exited(
    make_app: AppFactory,
) -> None:
    """A result sent over the channel ends the execution before its process exits: the exit code
    comes later, and the table and the details show it then."""
    app = make_app()
    async with driving(app) as pilot:
        await show_tab(pilot, app, "details")
        record = await run_to_end(pilot, app, "python-helper", {"text": "to be or not to be"})
        assert record.status.value == "completed"
        assert record.exit_code == 0

        exit_cell = lambda: str(table(app).get_cell(record.side_execution_id, "exit"))  # noqa: E731
        await wait_until(pilot, lambda: exit_cell() == "0", "exit 0 in the table")
        details = shown(main(app).query_one("#execution-details-body"))
        assert "exit       0" in details or "exit 0" in " ".join(details.split())


async def test_live_columns_tick_in_sight_and_a_row_is_current_when_it_comes_into_sight(
    make_app: AppFactory, samples_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each second the rows in sight show their execution's time, CPU and memory again; a row
    below them, out of sight, is brought up to date as it scrolls in."""
    write_block(samples_project, "sleeper", "import time\ntime.sleep(60)\n", {"description": "z"})
    app = make_app(deterministic=False)
    async with driving(app) as pilot:
        records = [await start_block(app, "sleeper", {}) for _ in range(40)]
        executions = table(app)
        await wait_until(pilot, lambda: all(r.pid for r in records), "all running")
        executions.move_cursor(row=0)  # the newest in sight, the oldest far below
        await pilot.pause(1.2)  # a second on their clocks
        refreshed: list[str] = []
        update = type(executions).update_cell_if_changed

        def spy(self, row_key, column_key, value):  # type: ignore[no-untyped-def]
            refreshed.append(row_key)
            update(self, row_key, column_key, value)

        monkeypatch.setattr(type(executions), "update_cell_if_changed", spy)
        executions.tick()
        on_screen = " ".join(executions.render_line(y).text for y in range(executions.size.height))
        assert refreshed and all(i.rsplit("_", 1)[-1] in on_screen for i in refreshed)
        oldest = executions._rows[-1]
        assert oldest not in refreshed
        executions.scroll_end(animate=False, immediate=True)
        assert oldest in refreshed  # as it came into sight

        def seconds(execution_id: str) -> float:
            return float(str(executions.get_cell(execution_id, "time")).removesuffix("s"))

        record = app.manager.get_record(oldest)
        assert record is not None
        assert abs(seconds(oldest) - record.duration_ms / 1000) < 0.5
        await app.manager.stop_all()
