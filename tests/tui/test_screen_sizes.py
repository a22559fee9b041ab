"""From 80x24 to 250x70: the executions table keeps its most important columns whole and gives a
wide terminal's room to each execution's outcome rather than to empty name cells; the details
say what the README does not say again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import write_block
from tests.tui.pilot_support import (
    AppFactory,
    catalog,
    details_at_rest,
    highlight,
    run_to_end,
    started,
    table,
    wait_until,
)


def widths(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {key: width for key, _, width in table(app)._layout}


@pytest.mark.parametrize(
    ("size", "columns"),
    [
        ((80, 24), ["id", "name", "status", "time", "exit"]),
        ((120, 36), ["id", "name", "status", "pid", "started", "time", "cpu", "mem", "exit"]),
        (
            (220, 60),
            ["id", "name", "status", "pid", "started", "time", "cpu", "mem", "exit", "outcome"],
        ),
        (
            (250, 70),
            ["id", "name", "status", "pid", "started", "time", "cpu", "mem", "exit", "outcome"],
        ),
    ],
    ids=["80x24", "120x36", "220x60", "250x70"],
)
async def test_the_columns_that_fit_are_the_most_important_ones(
    make_app: AppFactory, size: tuple[int, int], columns: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await started(pilot, app)
        record = await run_to_end(pilot, app, "fails")
        executions = table(app)
        await wait_until(pilot, lambda: list(executions.shown_columns) == columns, "the columns")
        assert sum(widths(app).values()) <= executions.content_size.width  # no sideways scroll
        assert executions.virtual_size.width <= executions.size.width
        assert 12 <= widths(app)["name"] <= 40
        if "outcome" in columns:
            cell = str(executions.get_cell(record.side_execution_id, "outcome"))
            assert "database 'orders' does not exist" in cell


async def test_an_empty_project_says_what_to_do(make_app: AppFactory, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(project=empty)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: catalog(app).project_is_empty, "the catalog")
        details = await details_at_rest(pilot, app)
        assert details.startswith("No ActionBlocks in this project yet.")
        assert "sidetui new NAME" in details
        assert catalog(app).highlighted_entry is None  # on the offer, not on a builtin


async def test_the_details_do_not_repeat_the_readme_heading_and_first_paragraph(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(
        samples_project,
        "documented",
        "print(1)\n",
        {"entryPoint": "main.py"},  # no description: the README's first paragraph is
        files={"README.md": "# documented\n\nSays what it does.\n\nMore about it.\n"},
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        await highlight(pilot, app, "documented")
        details = await details_at_rest(pilot, app)
        assert details.count("documented") == 2  # the name, and the path
        assert details.count("Says what it does.") == 1
        assert "More about it." in details
