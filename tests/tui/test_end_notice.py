"""Tell me when it ends: an execution the person launched that ends while another is selected is
announced with its (neutralised) name and status word, and the terminal bell rings when the
settings ask; one an agent started is not announced."""

from __future__ import annotations

import json
from pathlib import Path

from sidetui.config import Settings, load_settings
from sidetui.core import EngineConfig
from sidetui.tui.factory import create_app
from tests.helpers import write_block
from tests.tui.pilot_support import driving, launch, settled, start_block, table, wait_until

FAIL_ON_CUE = """
    import pathlib, sys, time
    cue = pathlib.Path(__file__).with_name("go")
    while not cue.exists():
        time.sleep(0.05)
    sys.exit(3)
"""
NAME = "cue\x1b]0;title\x07d"  # an escape sequence in a block's name never reaches the terminal


def cue_block(project: Path, name: str) -> Path:
    return write_block(project / "actionblocks", name, FAIL_ON_CUE, {"entryPoint": "main.py"})


async def test_a_launched_execution_ending_out_of_sight_is_announced_with_the_bell(
    samples_project: Path, engine_config: EngineConfig
) -> None:
    folder = cue_block(samples_project, "cued")
    (folder / "actionblock.yml").write_text(json.dumps({"name": NAME, "entryPoint": "main.py"}))
    agents = cue_block(samples_project, "agents-own")
    settings = Settings(engine_config, bell_on_end=True)
    app = create_app(samples_project, settings=settings, config=engine_config, deterministic=True)
    async with driving(app) as pilot:
        launched = await launch(pilot, app, NAME)
        by_agent = await start_block(app, "agents-own", {})
        watched = await launch(pilot, app, "countdown")
        assert table(app).selected_id == watched.side_execution_id
        notices = app.main.end_notices
        assert notices.rung == 0

        (agents / "go").touch()
        await settled(pilot, app, by_agent.side_execution_id)
        (folder / "go").touch()
        await settled(pilot, app, launched.side_execution_id)
        await wait_until(pilot, lambda: notices.rung == 1, "the bell")
        said = [n for n in app._notifications if "failed" in n.message]
        assert [n.severity for n in said] == ["error"], said  # one: not the agent's
        message = said[0].message
        assert message.startswith("cue") and message.endswith(" failed: exited with code 3")
        assert "\x1b" not in message and "\x07" not in message, repr(message)
        assert notices.rung == 1  # not for the agent's

        await pilot.press("s")
        await settled(pilot, app, watched.side_execution_id)


def test_the_bell_is_asked_for_in_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[app]\nbell_on_end = true\n")
    assert load_settings(path, {}).bell_on_end is True
    assert load_settings(tmp_path / "none.toml", {}).bell_on_end is False
    path.write_text('[app]\nbell_on_end = "yes"\nbells = 2\n')
    wrong = load_settings(path, {})
    assert wrong.bell_on_end is False
    assert wrong.problems == [
        "[app] bell_on_end: expected true or false, got 'yes'",
        "[app] bells: no such setting",
    ]
