"""The filter on the merged views (every execution's stream, one execution's and its children's,
one execution's merged tab) covers the shown executions' whole logs on disk: lines long gone from
memory are found, in the order they arrived, labelled, stderr marked; lines that arrive
afterwards, from an execution started after the filter too, are tested as they come; the
messages and an execution whose logs are gone are filtered in memory."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.widgets.all_output import AllOutput
from tests.helpers import write_block
from tests.tui.pilot_support import (
    TICKER,
    AppFactory,
    click_row,
    driving,
    main,
    pane,
    screen_lines,
    settled,
    shown,
    start_block,
    view,
    wait_until,
)

# Each needle is followed by 300 lines of hay, far more than the 100 kept in memory. The test
# opens the gates one at a time, once the engine has read the needle before: the needles
# arrive odd 1, even 2 (on stderr), odd 3, even 4.
STEPS = """
    import pathlib, sys, time
    gates = pathlib.Path({gates!r})
    def wait(gate):
        while not (gates / gate).exists():
            time.sleep(0.01)
    def say(needle, out=sys.stdout):
        print(needle, file=out, flush=True)
        print("\\n".join(f"hay {{i}}" for i in range(300)), file=out, flush=True)
"""
ODD = "say('needle odd 1')\nwait('3')\nsay('needle odd 3')\n"
EVEN = "wait('2')\nsay('needle even 2', sys.stderr)\nwait('4')\nsay('needle even 4')\n"
LATE = "print('hay')\nprint('needle late', flush=True)\n"


def every(app: SidetuiApp) -> AllOutput:
    return main(app).query_one("#all-output", AllOutput)


def rows(panel: AllOutput) -> list[str]:
    return [" ".join(line.split()) for line in screen_lines(panel.view) if line.strip()]


def status_of(panel: object) -> str:
    return shown(panel.query_one(".output-status"), width=200).strip()  # type: ignore[attr-defined]


async def test_the_merged_filter_finds_lines_long_gone_from_memory_in_arrival_order(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig, tmp_path: Path
) -> None:
    engine_config.tail_lines = 100
    gates = tmp_path / "gates"
    gates.mkdir()
    for name, steps in (("odd", ODD), ("even", EVEN), ("late", LATE)):
        source = textwrap.dedent(STEPS.format(gates=str(gates))) + steps
        write_block(samples_project, name, source, {"description": name})
    app = make_app()
    async with driving(app) as pilot:
        odd = await start_block(app, "odd", {})
        even = await start_block(app, "even", {})
        for gate, stream, lines in (("2", odd.stdout, 301), ("3", even.stderr, 301),
                                    ("4", odd.stdout, 602)):  # fmt: skip
            await wait_until(pilot, lambda s=stream, n=lines: s and s.lines_total >= n, gate)
            (gates / gate).touch()
        await settled(pilot, app, odd.side_execution_id)
        await settled(pilot, app, even.side_execution_id)

        await pilot.press("m")
        panel = every(app)
        await wait_until(pilot, lambda: panel.view.line_count > 0, "the stream")
        assert not any("needle" in line for line in panel.view.lines)  # gone from memory
        await pilot.press("ampersand", *"needle", "enter")
        await wait_until(pilot, lambda: panel.view.line_count == 4, "the four needles")
        assert rows(panel) == [
            "odd needle odd 1",
            "even ▍needle even 2",
            "odd needle odd 3",
            "even needle even 4",
        ]
        assert "filter 'needle': 4 of 1,204 lines" in status_of(panel)

        late = await start_block(app, "late", {})  # joins the stream after the filter began
        await settled(pilot, app, late.side_execution_id)
        await wait_until(pilot, lambda: panel.view.line_count == 5, "the late needle")
        assert rows(panel)[-1] == "late needle late"
        assert "filter 'needle': 5 of 1,204 lines" in status_of(panel)

        await pilot.press("m")  # one execution's merged tab: its stdout and stderr logs
        await click_row(pilot, app, even.side_execution_id)
        await pilot.press("3", "ampersand", *"needle", "enter")
        await wait_until(pilot, lambda: view(app).line_count == 2, "even's two needles")
        assert [" ".join(line.split()) for line in screen_lines(view(app)) if line.strip()] == [
            "▍needle even 2",
            "needle even 4",
        ]
        assert "filter 'needle': 2 of 602 lines" in status_of(pane(app))

        await click_row(pilot, app, odd.side_execution_id)
        await pilot.press("M")  # odd and its children (none): its logs only, the filter kept
        await wait_until(pilot, lambda: panel.view.line_count == 2, "odd's two needles")
        assert rows(panel) == ["odd needle odd 1", "odd needle odd 3"]
        assert "filter 'needle': 2 of 602 lines" in status_of(panel)


async def test_an_execution_without_logs_on_disk_and_the_messages_are_filtered_in_memory(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    engine_config.tail_lines = 100
    early = "print('an early note', flush=True)\nfor i in range(300):\n    print('hay', i)\n"
    write_block(samples_project, "early", early, {"description": "a note, then hay"})
    app = make_app()
    async with driving(app) as pilot:
        for name in ("early", "codebolt-style"):  # one after the other
            talker = await start_block(app, name, {})
            await settled(pilot, app, talker.side_execution_id)
        for stream in (talker.stdout, talker.stderr):
            assert stream is not None
            stream.log.path.unlink()  # its logs deleted: its lines in memory still show

        await pilot.press("m")
        panel = every(app)
        await pilot.press("ampersand", *"note", "enter")
        await wait_until(pilot, lambda: panel.line_filter and panel.line_filter.scan.done, "scan")
        await wait_until(pilot, lambda: len(rows(panel)) >= 3, "the notes")
        found = rows(panel)
        assert found[0] == "early an early note"  # from its log: gone from memory
        talked = [row for row in found if row.startswith("codebolt-style ")]
        assert any(row.endswith("✉ message Writing a note about side executions") for row in talked)
        assert any("note about side executions for thread" in row for row in talked), found


async def test_lines_that_arrive_after_the_scan_are_tested_as_they_come_none_twice(
    make_app: AppFactory, samples_project: Path, engine_config: EngineConfig
) -> None:
    engine_config.tail_lines = 10
    write_block(samples_project, "ticker", TICKER, {"description": "a line every 20 ms"})
    app = make_app()
    async with driving(app) as pilot:
        record = await start_block(app, "ticker", {})
        await wait_until(pilot, lambda: "tick 80" in record.output, "ticks")  # times written
        await pilot.press("m")
        panel = every(app)
        await pilot.press("ampersand", *"7", "enter")
        await wait_until(pilot, lambda: "tick 57" in panel.view.lines, "tick 57, live")
        ticks = [int(line.split()[-1]) for line in panel.view.lines]
        assert ticks[:6] == [7, 17, 27, 37, 47, 57]  # 7 and 17: only in its log by then
        assert all("7" in str(tick) for tick in ticks) and ticks == sorted(set(ticks))
        await app.manager.stop(record.side_execution_id)
