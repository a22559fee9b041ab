"""Executions started by another show right under it, indented; what a block told its user shows
in the messages tab. Driven with the bundled codebolt-style sample, which reports its progress in
chat messages and starts python-helper as a nested execution (over the IPC channel, without the
SDK installed)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sidetui.core import ExecutionStatus
from tests.tui.pilot_support import (
    AppFactory,
    driving,
    pane,
    run_to_end,
    settled,
    show_tab,
    shown,
    table,
    wait_until,
)


async def test_a_nested_execution_sits_under_its_parent_and_the_messages_tab_shows_what_it_said(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        parent = await run_to_end(pilot, app, "codebolt-style")
        assert parent.status is ExecutionStatus.COMPLETED, parent.error
        children = [r for r in app.manager.records if r.parent_execution_id]
        assert [c.action_block for c in children] == ["python-helper"]
        child = await settled(pilot, app, children[0].side_execution_id)
        assert parent.result["words"] == child.result

        executions = table(app)
        await wait_until(pilot, lambda: executions.row_count == 2, "both rows")
        assert executions._rows == [parent.side_execution_id, child.side_execution_id]
        name_cell = executions.get_cell(child.side_execution_id, "name")
        assert isinstance(name_cell, Text)
        assert name_cell.plain.startswith("└ python-h")  # the column is narrow at 120 columns

        executions.move_cursor(row=0)
        await show_tab(pilot, app, "messages")
        body = pane(app).query_one("#messages-body", Static)
        await wait_until(pilot, lambda: "Done" in shown(body), "the messages")
        text = shown(body)
        assert "message: Writing a note about side executions" in text
        assert "notification planner: asking python-helper to count the words" in text
        order = [text.index(said) for said in ("Writing a note", "asking python", "Done")]
        assert order == sorted(order)
        assert f'"nested": "{child.side_execution_id}"' in text

        executions.move_cursor(row=1)
        await wait_until(pilot, lambda: pane(app).record is child, "the child on screen")
        await wait_until(pilot, lambda: "no messages" in shown(body), "the child's messages")
