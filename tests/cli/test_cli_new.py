"""`sidetui new NAME`: a working block from a template, in the project, which `sidetui run` runs
at once - and which runs by hand too, its declared defaults filled in."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import DEADLINE_S, Ran, cli_env
from tests.helpers import NODE, REPO

Runner = Callable[..., Ran]


@pytest.mark.parametrize("language", ["python", "javascript", "codebolt"])
def test_new_writes_a_block_that_runs_with_its_declared_inputs(
    cli: Runner, project: Path, language: str
) -> None:
    if language != "python" and NODE is None:
        pytest.skip("node is not installed")
    ran = cli("new", "greet", "--language", language)
    assert ran.returncode == 0, ran
    folder = project / "actionblocks" / "greet"
    assert f"Wrote the {language} ActionBlock greet in actionblocks/greet/" in ran.out
    assert "sidetui run greet" in ran.out

    listed = cli("list", "--json").document()["data"]["actionBlocks"]
    block = next(b for b in listed if b["name"] == "greet")
    assert block["valid"], block["errors"]
    inputs = {spec["name"]: spec for spec in block["metadata"]["inputs"]}
    assert (inputs["name"]["type"], inputs["name"]["default"]) == ("string", "world")
    assert (inputs["times"]["type"], inputs["times"]["default"]) == ("integer", 1)
    assert (folder / "README.md").read_text().startswith("# greet\n")

    done = cli("run", "greet", "--param", "name=Ada", "--param", "times=2", "--json")
    assert done.returncode == 0, done
    record = done.document()["data"]
    assert record["output"].splitlines() == ["Hello, Ada!", "Hello, Ada!"]
    assert record["result"]["greeting"] == "Hello, Ada!"

    defaults = cli("run", "greet", "--json").document()["data"]
    assert defaults["output"] == "Hello, world!"


def test_new_refuses_what_it_cannot_write_and_writes_nothing(cli: Runner, project: Path) -> None:
    assert cli("new", "greet").returncode == 0
    manifest = project / "actionblocks" / "greet" / "actionblock.yml"
    manifest.write_text("name: greet\nentryPoint: main.py\n")

    again = cli("new", "greet")
    assert again.returncode == 2, again
    assert "actionblocks/greet exists already: choose another name" in again.err
    assert manifest.read_text() == "name: greet\nentryPoint: main.py\n"

    bad = cli("new", "../escape")
    assert bad.returncode == 2, bad
    assert "'../escape' is not a block name" in bad.err
    assert not (project / "escape").exists()

    unknown = cli("new", "x", "--language", "ruby")
    assert unknown.returncode == 2, unknown
    assert "no template for 'ruby': use one of python, javascript, codebolt" in unknown.err
    assert not (project / "actionblocks" / "x").exists()


def test_in_an_actionblocks_folder_the_block_goes_right_in(cli: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "actionblocks"
    folder.mkdir()
    ran = cli("new", "py-block", "--language", "py", "--project", str(folder))
    assert ran.returncode == 0, ran
    assert (folder / "py-block" / "main.py").is_file()


def test_a_python_block_run_by_hand_gets_its_declared_defaults(cli: Runner, project: Path) -> None:
    """`python main.py '{...}'` fills in what the manifest declares, as sidetui does."""
    assert cli("new", "greet").returncode == 0
    folder = project / "actionblocks" / "greet"
    env = cli_env(PYTHONPATH=str(REPO))
    by_hand = subprocess.run(
        [sys.executable, "main.py", json.dumps({"name": "Ada"})],
        cwd=folder, env=env, capture_output=True, text=True, timeout=DEADLINE_S, check=False,
    )  # fmt: skip
    assert by_hand.returncode == 0, by_hand.stderr
    assert by_hand.stdout.splitlines() == ["Hello, Ada!", '{"greeting": "Hello, Ada!"}']

    given = subprocess.run(
        [sys.executable, "main.py", json.dumps({"name": "Ada", "times": 2})],
        cwd=folder, env=env, capture_output=True, text=True, timeout=DEADLINE_S, check=False,
    )  # fmt: skip
    assert given.stdout.splitlines()[:2] == ["Hello, Ada!", "Hello, Ada!"]
