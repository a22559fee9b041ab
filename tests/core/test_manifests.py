"""Reading ActionBlock folders on disk: manifest fields, defaults, fallbacks and broken content."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest

from sidetui.core import ActionBlock, InputSpec, Source
from sidetui.core.catalog.block_manifest import load_action_block
from sidetui.core.catalog.entries import OutputSpec
from tests.helpers import write_block


def load(folder: Path) -> ActionBlock:
    return load_action_block(folder, Source.PROJECT)


def load_yaml(
    tmp_path: Path, text: str, files: dict[str, str | bytes] | None = None
) -> ActionBlock:
    """A block whose `actionblock.yml` is `text` (an empty `main.py` unless `files` say more)."""
    return load(write_block(tmp_path, "blk", "", text, files))


# -- fields and defaults -----------------------------------------------------------------------


def test_manifest_fields_are_read(tmp_path) -> None:
    block = load_yaml(
        tmp_path,
        "name: greeter\n"
        "description: Says hello\n"
        "version: 2.3.4\n"
        "entryPoint: main.py\n"
        "timeout: 60000\n",
    )
    assert block.valid, block.errors
    assert block.name == "greeter"
    assert block.description == "Says hello"
    assert block.version == "2.3.4"
    assert block.entry_point == "main.py"
    assert block.entry_path == tmp_path / "blk" / "main.py"
    assert block.runtime == "python"
    assert block.timeout == 60000
    assert block.path == tmp_path / "blk"
    assert block.source is Source.PROJECT
    assert block.manifest == "actionblock.yml"


def test_an_empty_manifest_takes_every_default(tmp_path) -> None:
    block = load(write_block(tmp_path, "my-folder", "", ""))
    assert block.valid, block.errors
    assert block.name == "my-folder"
    assert block.version == "1.0.0"
    assert block.description == ""
    assert block.entry_point == "main.py"
    assert block.timeout is None
    assert block.inputs == ()
    assert block.outputs == ()
    assert block.metadata == {}


@pytest.mark.parametrize(
    ("entry", "runtime"),
    [
        ("index.js", "node"),
        ("lib/run.cjs", "node"),
        ("run.mjs", "node"),
        ("tool.py", "python"),
        ("run.sh", "bash"),
        ("RUN.SH", "bash"),
    ],
)
def test_the_runtime_follows_the_entry_extension(tmp_path, entry, runtime) -> None:
    block = load_yaml(tmp_path, f"entryPoint: {entry}\n", {entry: "x\n"})
    assert block.valid, block.errors
    assert block.entry_point == entry
    assert block.runtime == runtime


def test_an_explicit_runtime_wins_over_the_extension(tmp_path) -> None:
    block = load_yaml(tmp_path, "entryPoint: main.py\nruntime: python3.11\n")
    assert block.runtime == "python3.11"
    assert block.valid


def test_an_explicit_runtime_makes_an_unknown_extension_fine(tmp_path) -> None:
    block = load_yaml(tmp_path, "entryPoint: app.rb\nruntime: ruby\n", {"app.rb": "puts 1\n"})
    assert block.valid, block.errors
    assert block.runtime == "ruby"


def test_an_executable_entry_without_a_known_extension_runs_itself(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", None, "entryPoint: run\n", {"run": "#!/bin/sh\n"})
    (folder / "run").chmod(0o755)
    block = load(folder)
    assert block.valid, block.errors
    assert block.runtime is None
    assert block.entry_point == "run"


def test_the_yaml_spelling_of_the_manifest_is_read(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", "", files={"actionblock.yaml": "name: spelled\n"})
    block = load(folder)
    assert block.valid, block.errors
    assert block.name == "spelled"
    assert block.manifest == "actionblock.yaml"


def test_package_json_is_the_fallback_manifest(tmp_path) -> None:
    package = {
        "name": "from-package",
        "version": "0.4.2",
        "description": "Packaged block",
        "main": "lib/start.js",
    }
    folder = write_block(
        tmp_path, "blk", files={"package.json": json.dumps(package), "lib/start.js": ""}
    )
    block = load(folder)
    assert block.valid, block.errors
    assert block.name == "from-package"
    assert block.version == "0.4.2"
    assert block.description == "Packaged block"
    assert block.entry_point == "lib/start.js"
    assert block.runtime == "node"
    assert block.manifest == "package.json"


def test_the_manifest_wins_over_package_json_field_by_field(tmp_path) -> None:
    package = {"name": "pkg", "version": "9.9.9", "description": "pkg text", "main": "start.js"}
    folder = write_block(
        tmp_path,
        "blk",
        files={
            "actionblock.yml": "name: yml-name\n",
            "package.json": json.dumps(package),
            "start.js": "",
        },
    )
    block = load(folder)
    assert block.valid, block.errors
    assert block.name == "yml-name"
    assert block.version == "9.9.9"
    assert block.description == "pkg text"
    assert block.entry_point == "start.js"


def test_the_description_defaults_to_the_first_readme_paragraph(tmp_path) -> None:
    readme = (
        "# My block\n"
        "\n"
        "[![build](https://ci.example/badge.svg)](https://ci.example)\n"
        "![logo](logo.png)\n"
        "\n"
        "Counts the words\n"
        "in a sentence.\n"
        "\n"
        "## Usage\n"
        "Second paragraph.\n"
    )
    block = load_yaml(tmp_path, "name: words\n", {"README.md": readme})
    assert block.description == "Counts the words in a sentence."


def test_a_manifest_description_wins_over_the_readme(tmp_path) -> None:
    block = load_yaml(tmp_path, "description: Mine\n", {"README.md": "Not this.\n"})
    assert block.description == "Mine"


def test_a_missing_readme_leaves_the_description_empty(tmp_path) -> None:
    assert load_yaml(tmp_path, "name: x\n").description == ""


INPUTS_YAML = """\
  inputs:
    - name: sentence
      type: string
      required: true
      description: What to count
    - name: times
      type: integer
      default: 2
  outputs:
    - name: count
      type: number
      description: How many words
"""


@pytest.mark.parametrize("where", ["metadata", "top level"])
def test_inputs_and_outputs_are_read_from_metadata_or_the_top_level(tmp_path, where) -> None:
    text = "metadata:\n" + INPUTS_YAML if where == "metadata" else _dedent(INPUTS_YAML)
    block = load_yaml(tmp_path, "name: counter\n" + text)
    assert block.valid, block.errors
    assert block.inputs == (
        InputSpec("sentence", "string", required=True, description="What to count"),
        InputSpec("times", "integer", default=2, has_default=True),
    )
    assert block.outputs == (OutputSpec("count", "number", "How many words"),)
    assert "inputs" not in block.metadata
    assert "outputs" not in block.metadata


def _dedent(text: str) -> str:
    return "".join(line[2:] + "\n" for line in text.splitlines())


def test_unknown_keys_are_kept_in_metadata(tmp_path) -> None:
    block = load_yaml(
        tmp_path,
        "name: keeper\n"
        "category: text\n"
        "x-codebolt: {icon: star}\n"
        "metadata:\n"
        "  author: Ada\n"
        "  tags: [a, b]\n"
        "  displayName: Keeper\n"
        "  dependencies: [left-pad]\n",
    )
    assert block.valid, block.errors
    assert block.metadata == {
        "category": "text",
        "x-codebolt": {"icon": "star"},
        "author": "Ada",
        "tags": ["a", "b"],
        "displayName": "Keeper",
        "dependencies": ["left-pad"],
    }


@pytest.mark.parametrize(
    ("present", "chosen"),
    [
        (["dist/index.js", "index.js", "main.py"], "dist/index.js"),
        (["index.js", "main.py"], "index.js"),
        (["main.py"], "main.py"),
    ],
)
def test_the_default_entry_is_the_first_that_exists(tmp_path, present, chosen) -> None:
    folder = write_block(tmp_path, "blk", manifest="", files=dict.fromkeys(present, ""))
    block = load(folder)
    assert block.valid, block.errors
    assert block.entry_point == chosen


def test_source_is_recorded(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", "", "")
    assert load_action_block(folder, Source.GLOBAL).source is Source.GLOBAL


# -- broken content: listed as invalid with a readable reason, never raised ----------------------


def assert_broken(block: ActionBlock, *fragments: str) -> str:
    """The block is invalid and one of its errors holds every fragment; returns that error."""
    assert not block.valid
    assert block.errors
    for error in block.errors:
        if all(fragment in error for fragment in fragments):
            return error
    raise AssertionError(f"no error mentions {fragments}: {block.errors}")


def test_broken_yaml_names_the_line(tmp_path) -> None:
    block = load_yaml(tmp_path, "name: ok\ndescription: fine\n  bad: indent\nentryPoint: x\n")
    assert_broken(block, "actionblock.yml", "invalid YAML", "line 3")
    assert block.name == "blk"


def test_a_missing_declared_entry_point(tmp_path) -> None:
    block = load(write_block(tmp_path, "blk", None, "entryPoint: dist/index.js\n"))
    assert_broken(block, "dist/index.js", "does not exist")
    assert block.entry_point == "dist/index.js"


def test_no_entry_point_at_all(tmp_path) -> None:
    block = load(write_block(tmp_path, "blk", None, "name: empty\n"))
    assert_broken(block, "no entry point")
    assert block.entry_point is None


def test_a_declared_entry_point_that_is_a_folder(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", None, "entryPoint: src\n", {"src/inner.py": ""})
    assert_broken(load(folder), "src", "is a folder")


def test_a_default_entry_point_that_is_a_folder_is_not_chosen(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", None, "name: x\n")
    (folder / "index.js").mkdir()
    assert_broken(load(folder), "no entry point")
    (folder / "main.py").write_text("")
    block = load(folder)
    assert block.valid, block.errors
    assert block.entry_point == "main.py"


def test_a_binary_manifest(tmp_path) -> None:
    block = load_yaml(tmp_path, "", {"actionblock.yml": b"name: a\x00b\n"})
    assert_broken(block, "actionblock.yml", "binary")


def test_a_huge_manifest(tmp_path) -> None:
    huge = "description: " + "x" * (1024 * 1024 + 16) + "\n"
    block = load_yaml(tmp_path, huge)
    assert_broken(block, "actionblock.yml", "larger than", "1 MiB")
    assert block.description == ""


def test_a_manifest_of_invalid_utf8(tmp_path) -> None:
    block = load_yaml(tmp_path, "", {"actionblock.yml": b"name: caf\xe9\n"})
    assert_broken(block, "actionblock.yml", "UTF-8")


def test_an_unreadable_manifest(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", "")
    (folder / "actionblock.yml").mkdir()
    assert_broken(load(folder), "cannot read actionblock.yml", "directory")


def test_a_manifest_that_is_a_symlink_loop(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", "")
    os.symlink("actionblock.yml", folder / "actionblock.yml")
    assert_broken(load(folder), "actionblock.yml", "symlink loop")


def test_a_dangling_manifest_symlink(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", "")
    os.symlink("gone.yml", folder / "actionblock.yml")
    assert_broken(load(folder), "cannot read actionblock.yml")


def test_a_package_json_that_is_not_json(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", files={"package.json": "{name: 'x'", "index.js": ""})
    block = load(folder)
    assert_broken(block, "package.json", "invalid JSON", "line 1")
    assert block.name == "blk"


def test_a_package_json_that_is_not_an_object(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", files={"package.json": "[1, 2]", "index.js": ""})
    assert_broken(load(folder), "package.json", "mapping", "list")


def test_a_top_level_yaml_list(tmp_path) -> None:
    block = load_yaml(tmp_path, "- name: a\n- name: b\n")
    assert_broken(block, "actionblock.yml", "mapping", "list")


def test_a_top_level_yaml_scalar(tmp_path) -> None:
    assert_broken(load_yaml(tmp_path, "just text\n"), "actionblock.yml", "mapping")


def billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("nest", [False, True], ids=["top level", "inside metadata"])
def test_a_yaml_alias_bomb_is_refused_without_expanding_it(tmp_path, nest) -> None:
    bomb = billion_laughs()
    if nest:
        bomb = "name: x\nmetadata:\n" + "".join(f"  {line}\n" for line in bomb.splitlines())
    tracemalloc.start()
    try:
        block = load_yaml(tmp_path, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_broken(block, "actionblock.yml", "alias")
    assert peak < 64 * 1024 * 1024  # 9**10 strings expanded would take gigabytes


def test_a_self_referencing_alias_is_refused(tmp_path) -> None:
    assert_broken(load_yaml(tmp_path, "loop: &a [1, *a]\n"), "actionblock.yml")


def test_an_input_of_unknown_type(tmp_path) -> None:
    block = load_yaml(tmp_path, "inputs:\n  - {name: when, type: date}\n")
    assert_broken(block, "when", "unknown type 'date'")


def test_an_input_default_of_the_wrong_type(tmp_path) -> None:
    block = load_yaml(tmp_path, "inputs:\n  - {name: times, type: integer, default: many}\n")
    assert_broken(block, "times", "default", "expected integer")


def test_inputs_that_are_not_a_list(tmp_path) -> None:
    assert_broken(load_yaml(tmp_path, "inputs: {name: x}\n"), "inputs must be a list")


def test_an_output_without_a_name(tmp_path) -> None:
    assert_broken(load_yaml(tmp_path, "outputs:\n  - {type: string}\n"), "outputs[0]")


def test_metadata_that_is_not_a_mapping(tmp_path) -> None:
    assert_broken(load_yaml(tmp_path, "metadata: [1, 2]\n"), "metadata must be a mapping")


def test_a_name_that_is_not_text(tmp_path) -> None:
    block = load_yaml(tmp_path, "name: {first: a}\n")
    assert_broken(block, "name must be text")
    assert block.name == "blk"


@pytest.mark.parametrize("timeout", ["-1", "soon", "true", "[1]"])
def test_a_bad_timeout(tmp_path, timeout) -> None:
    block = load_yaml(tmp_path, f"timeout: {timeout}\n")
    assert block.timeout is None
    assert_broken(block, "timeout must be a number of milliseconds")


def test_a_zero_or_fractional_timeout_is_accepted(tmp_path) -> None:
    assert load_yaml(tmp_path, "timeout: 0\n").timeout == 0
    assert load_yaml(tmp_path, "timeout: 1500.0\n").timeout == 1500


def test_an_entry_without_a_known_runtime_that_is_not_executable(tmp_path) -> None:
    folder = write_block(tmp_path, "blk", None, "entryPoint: run\n", {"run": "#!/bin/sh\n"})
    (folder / "run").chmod(0o644)
    assert_broken(load(folder), "run", "no known runtime", "not executable")


def test_every_problem_is_reported_at_once(tmp_path) -> None:
    block = load_yaml(
        tmp_path,
        "name: [a]\nentryPoint: missing.py\ninputs:\n  - {name: a, type: nope}\n",
    )
    assert not block.valid
    assert len(block.errors) == 3, block.errors
