"""Usage and errors of the app and every subcommand name the command that was typed, values are
checked as they are parsed, and a mistyped command is not taken for a folder in silence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Ran

Runner = Callable[..., Ran]
SUBCOMMANDS = (
    ("list",),
    ("run",),
    ("code",),
    ("capability",),
    ("capability", "list"),
    ("capability", "run"),
    ("serve",),
    ("new",),
)


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_each_subcommand_help_names_it(cli: Runner, command: tuple[str, ...]) -> None:
    ran = cli(*command, "--help")
    assert ran.returncode == 0, ran
    first = ran.out.splitlines()[0]
    assert first.startswith(f"usage: sidetui {' '.join(command)} "), first
    assert "[PROJECT]" not in ran.out
    assert "sidetui COMMAND" not in ran.out


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(
            ["run", "x", "--timeout", "abc"],
            "sidetui run: error: argument --timeout: 'abc' is not a whole number of milliseconds",
            id="run-timeout",
        ),
        pytest.param(
            ["code", "return 1", "--timeout", "1.5"],
            "sidetui code: error: argument --timeout: '1.5' is not a whole number of milliseconds",
            id="code-timeout",
        ),
        pytest.param(
            ["capability", "run", "x", "--timeout", "soon"],
            "sidetui capability run: error: argument --timeout: 'soon' is not a whole number",
            id="capability-timeout",
        ),
        pytest.param(
            ["serve", "--port", "http"],
            "sidetui serve: error: argument --port: 'http' is not a port number",
            id="serve-port",
        ),
        pytest.param(
            ["capability", "launch"],
            "sidetui capability: error: argument list|run: invalid choice: 'launch'",
            id="capability-subcommand",
        ),
        pytest.param(
            ["new"], "sidetui new: error: the following arguments are required: NAME", id="new"
        ),
        pytest.param(
            ["--bogus"], "sidetui: error: unrecognized arguments: --bogus", id="app-option"
        ),
    ],
)
def test_errors_name_the_command_and_say_what_is_wrong(
    cli: Runner, args: list[str], error: str
) -> None:
    ran = cli(*args)
    assert ran.returncode == 2, ran
    lines = ran.err.strip().splitlines()
    assert lines[0].startswith("usage: sidetui"), ran.err
    assert lines[-1].startswith(error), ran.err
    assert "sidetui COMMAND ..." not in ran.err


def test_a_mistyped_command_is_not_silently_a_missing_folder(cli: Runner) -> None:
    ran = cli("rn", "hello")
    assert ran.returncode == 2, ran
    ran = cli("rn")
    assert ran.returncode == 2, ran
    assert "sidetui: rn is not a folder (did you mean `sidetui run`?)" in ran.err
    assert "usage: sidetui [PROJECT]" in ran.err


def test_the_top_help_lists_new_as_well(cli: Runner, tmp_path: Path) -> None:
    ran = cli("--help")
    assert ran.returncode == 0, ran
    assert ran.out.startswith("usage: sidetui [PROJECT] [--global-dir DIR] [--state-dir DIR]\n")
    assert "    new " in ran.out
