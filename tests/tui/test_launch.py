"""Launching from the catalog: enter opens a form built from the declared inputs; ctrl+s starts
only when every field is valid, and the new execution is selected with its output shown."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import needs_node, write_block
from tests.tui.pilot_support import (
    ECHO_PARAMS,
    AppFactory,
    driving,
    enter_on,
    field_value,
    open_dialog,
    pane,
    run,
    run_to_end,
    screen_lines,
    settled,
    shown,
    table,
    type_into,
    view,
    wait_until,
)


async def typed_inputs_titled(pilot: Pilot[None], app: SidetuiApp) -> LaunchScreen:
    """The typed-inputs dialog with its one required field, the title, filled in."""
    dialog = await open_dialog(pilot, app, "typed-inputs")
    await type_into(pilot, dialog.query_one("#in-title"), "T")
    return dialog


def error_shown(dialog: LaunchScreen, field: str) -> str:
    """The explanation under a field, or "" when it shows none."""
    error = dialog.query_one(f"#err-{field}", Static)
    return shown(error).strip() if error.display else ""


async def test_valid_params_start_the_block_and_show_its_output(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "hello-python")
        assert dialog.entry.name == "hello-python"
        assert field_value(dialog, "sentence") == "side executions run in their own process"

        await type_into(pilot, dialog.query_one("#in-sentence"), "one two")
        record = await run(pilot, app)

        assert isinstance(app.screen, MainScreen)
        assert record.action_block == "hello-python"
        assert record.params == {"sentence": "one two"}
        assert record.status.value == "completed"
        assert table(app).selected_id == record.side_execution_id
        assert pane(app).record is record
        assert pane(app).tab == "stdout"
        lines = [line.rstrip() for line in screen_lines(view(app))]
        assert lines[:3] == ["2 words in: 'one two'", "  1  one", "  2  two"]


@needs_node
async def test_typed_fields_are_converted_to_their_declared_types(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        record = await run_to_end(pilot, app, "typed-inputs", {"title": "Hi", "count": "2"})

        assert record.status.value == "completed"
        assert record.params["title"] == "Hi"
        assert record.params["count"] == 2
        assert record.params["ratio"] == 0.5  # the declared default, filled in the form
        assert "1. Hi" in record.output
        assert "2. Hi" in record.output
        assert "3. Hi" not in record.output
        text = "\n".join(screen_lines(view(app)))
        assert "2. Hi" in text


async def test_missing_required_title_is_explained_in_place(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "typed-inputs")
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen is dialog
        assert "required string is missing" in error_shown(dialog, "title")
        assert error_shown(dialog, "count") == ""
        assert app.focused is dialog.query_one("#in-title")
        assert app.manager.records == []


async def test_a_count_that_is_not_an_integer_is_explained_as_it_is_typed(
    make_app: AppFactory,
) -> None:
    """Letters in an integer field are kept and explained at once, not dropped; ctrl+s then
    says which fields need attention, in the dialog, and starts nothing."""
    app = make_app()
    async with driving(app) as pilot:
        dialog = await typed_inputs_titled(pilot, app)
        await type_into(pilot, dialog.query_one("#in-count"), "abc")
        assert field_value(dialog, "count") == "abc"
        assert error_shown(dialog, "count") == "✘ expected integer (a whole number), got 'abc'"

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert error_shown(dialog, "title") == ""
        assert shown(dialog.query_one("#problems", Static)).strip() == (
            "✘ 1 field needs attention: count"
        )
        assert app.manager.records == []

        await type_into(pilot, dialog.query_one("#in-count"), "1")
        assert error_shown(dialog, "count") == ""
        record = await run(pilot, app)
        assert record.params["count"] == 1
        assert not [n for n in app._notifications if "attention" in n.message]


async def test_every_invalid_field_is_explained_at_once(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "typed-inputs")
        await type_into(pilot, dialog.query_one("#in-count"), "-")
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen is dialog
        assert "expected integer" in error_shown(dialog, "count")
        assert "required string is missing" in error_shown(dialog, "title")
        assert app.manager.records == []


async def test_escape_cancels_and_starts_nothing(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await open_dialog(pilot, app, "hello-python")
        await pilot.press("escape")
        await pilot.pause()

        assert isinstance(app.screen, MainScreen)
        assert app.manager.records == []
        assert table(app).row_count == 0


async def test_a_capability_launches_the_same_way(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "word-count")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required string is missing" in error_shown(dialog, "text")
        assert app.manager.records == []

        await type_into(pilot, dialog.query_one("#in-text"), "a b a")
        record = await run(pilot, app)

        assert record.kind.value == "capability"
        assert record.status.value == "completed"
        assert record.params["capabilityName"] == "word-count"
        assert record.result["result"] == {"words": 3}
        assert table(app).selected_id == record.side_execution_id
        assert any("counting 3 words" in line for line in screen_lines(view(app)))


async def test_free_json_params_refuse_invalid_json_in_place(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "echo-params", ECHO_PARAMS, {"description": "no inputs"})
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "echo-params")
        area = dialog.query_one("#in-__params__")
        assert area.text == ""  # empty means no params; the placeholder shows the form

        await type_into(pilot, area, '{"a": ')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert error_shown(dialog, "__params__").startswith("✘ not JSON")
        assert app.manager.records == []

        await type_into(pilot, area, "[1, 2]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "must be a JSON object" in error_shown(dialog, "__params__")
        assert app.manager.records == []

        await type_into(pilot, area, '{"a": 1, "b": ["x"]}')
        record = await run(pilot, app)
        assert record.params == {"a": 1, "b": ["x"]}
        assert 'params: {"a": 1, "b": ["x"]}' in record.output


async def test_an_invalid_timeout_is_explained_and_a_valid_one_is_used(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "hello-python")
        await type_into(pilot, dialog.query_one("#in-timeout"), "-5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_shown(dialog, "timeout") == "✘ 0 or more"
        assert app.manager.records == []

        await type_into(pilot, dialog.query_one("#in-timeout"), "9000")
        record = await run(pilot, app)
        assert record.timeout == 9000


async def test_the_start_button_starts_like_ctrl_s(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await open_dialog(pilot, app, "hello-python")
        await pilot.click("#start")
        await wait_until(pilot, lambda: app.manager.records, "the execution")
        record = await settled(pilot, app, app.manager.records[0].side_execution_id)
        assert record.action_block == "hello-python"
        assert isinstance(app.screen, MainScreen)


@needs_node
async def test_json_and_boolean_fields(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "typed-inputs")
        assert field_value(dialog, "tags") == ""  # the default, an empty list
        await type_into(pilot, dialog.query_one("#in-title"), "hi")
        await type_into(pilot, dialog.query_one("#in-tags"), "[1,")
        await type_into(pilot, dialog.query_one("#in-options"), "[]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_shown(dialog, "tags").startswith("✘ not JSON")
        assert app.manager.records == []

        await type_into(pilot, dialog.query_one("#in-tags"), '["a"]')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_shown(dialog, "tags") == ""
        assert "expected object" in error_shown(dialog, "options")
        assert app.manager.records == []

        await type_into(pilot, dialog.query_one("#in-options"), '{"k": 1}')
        dialog.query_one("#in-shout").focus()
        await pilot.press("space")
        record = await run(pilot, app)
        assert record.params["tags"] == ["a"]
        assert record.params["options"] == {"k": 1}
        assert record.params["shout"] is True
        assert "1. HI" in record.output


async def test_free_params_are_typed_as_a_person_types_them(
    make_app: AppFactory, samples_project: Path
) -> None:
    """No prefilled `{}` to type after; the next time, the last params are offered, selected,
    so that typing replaces them."""
    write_block(samples_project, "echo-params", ECHO_PARAMS, {"description": "no inputs"})
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_dialog(pilot, app, "echo-params")
        assert app.focused is dialog.query_one("#in-__params__")
        await pilot.press(*'{"name": "Ada"}')
        record = await run(pilot, app)
        assert record.params == {"name": "Ada"}

        dialog = await open_dialog(pilot, app, "echo-params")
        area = dialog.query_one("#in-__params__")
        assert app.focused is area
        assert '"Ada"' in area.text
        await pilot.press(*'{"name": "Linus"}')
        record = await run(pilot, app)
        assert record.params == {"name": "Linus"}


@needs_node
async def test_a_list_is_typed_the_way_people_write_one(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await typed_inputs_titled(pilot, app)
        await type_into(pilot, dialog.query_one("#in-tags"), "Ada, Linus , 3")
        assert error_shown(dialog, "tags") == ""
        record = await run(pilot, app)
        assert record.params["tags"] == ["Ada", "Linus", 3]

        dialog = await open_dialog(pilot, app, "typed-inputs")  # offered again as typed
        assert field_value(dialog, "tags") == '["Ada", "Linus", 3]'
        await type_into(pilot, dialog.query_one("#in-tags"), '["a, b", "c"]')
        record = await run(pilot, app)
        assert record.params["tags"] == ["a, b", "c"]


async def test_a_broken_entry_is_refused_before_any_form_opens(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "broken", "print(1)\n", {"entryPoint": "missing.py"})
    app = make_app()
    async with driving(app) as pilot:
        await enter_on(pilot, app, "broken")
        assert isinstance(app.screen, MainScreen)
        refusals = [n.message for n in app._notifications if n.title == "Not launched"]
        assert refusals and refusals[0].startswith("broken is broken and cannot run: ")
        assert "missing.py" in refusals[0]
