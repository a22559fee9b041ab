"""`i`: a JavaScript or Python snippet with params, started with ctrl+s like a block."""

from __future__ import annotations

from textual.widgets import Input, Select, Static, TextArea

from sidetui.tui.screens.inline_code import InlineCodeScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import needs_node
from tests.tui.pilot_support import (
    AppFactory,
    driving,
    main,
    open_screen,
    run,
    shown,
    table,
    type_into,
    wait_until,
)


@needs_node
async def test_javascript_snippet_returns_its_result(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        editor = await open_screen(pilot, app, "i", InlineCodeScreen)
        assert editor.query_one("#language", Select).value == "javascript"
        assert editor.query_one("#params", Input).value == '{"n": 21}'

        await type_into(pilot, editor.query_one("#code", TextArea), "return params.n * 2")
        record = await run(pilot, app)

        assert isinstance(app.screen, MainScreen)
        assert record.status.value == "completed"
        assert record.result == 42
        assert record.params == {"n": 21}
        assert table(app).selected_id == record.side_execution_id
        main(app).query_one("#output-tabs").active = "tab-result"
        await pilot.pause()
        assert "42" in shown(main(app).query_one("#result-body"))


async def test_python_snippet_returns_its_result(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        editor = await open_screen(pilot, app, "i", InlineCodeScreen)
        language = editor.query_one("#language", Select)
        language.focus()
        await pilot.press("enter", "down", "enter")  # open the list, python, choose it
        await wait_until(pilot, lambda: language.value == "python", "python chosen")
        code = editor.query_one("#code", TextArea)
        assert "params.get('n', 21)" in code.text  # the example follows the language

        await type_into(pilot, code, "return params['n'] * 2")
        record = await run(pilot, app)

        assert record.status.value == "completed"
        assert record.result == 42


async def test_params_that_are_not_json_are_refused_in_place(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        editor = await open_screen(pilot, app, "i", InlineCodeScreen)
        await type_into(pilot, editor.query_one("#params", Input), '{"n":')
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen is editor
        error = editor.query_one("#code-error", Static)
        assert error.display
        assert "params are not JSON" in shown(error)
        assert app.manager.records == []

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.manager.records == []


async def test_r_runs_the_same_code_again(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        editor = await open_screen(pilot, app, "i", InlineCodeScreen)
        editor.query_one("#language", Select).value = "python"
        await pilot.pause()
        await type_into(pilot, editor.query_one("#code", TextArea), "return params['n'] + 1")
        first = await run(pilot, app)
        assert first.result == 22

        again = await run(pilot, app, "r")
        assert again.side_execution_id != first.side_execution_id
        assert again.kind.value == "code"
        assert again.result == 22
