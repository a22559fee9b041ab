"""A new ActionBlock folder from a template, in a project: what `sidetui new` and the app's
"New block" dialog write. The app's catalog shows it as soon as it is on disk."""

from __future__ import annotations

import re
from pathlib import Path

from sidetui.block_templates import BY_HAND, FILES

LANGUAGES = tuple(FILES)
BLOCK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ALIASES = {"py": "python", "js": "javascript", "node": "javascript"}


class NewBlockRefused(ValueError):
    """Nothing was written, for this reason."""


def language_named(name: str) -> str:
    """`python`, `javascript` or `codebolt` (or an alias of one: py, js, node)."""
    language = ALIASES.get(name.lower(), name.lower())
    if language not in LANGUAGES:
        raise NewBlockRefused(f"no template for {name!r}: use one of {', '.join(LANGUAGES)}")
    return language


def folder_for(project: Path, name: str) -> Path:
    """Where a block of that name goes: the project's `actionblocks` folder (the project itself
    when it is one)."""
    base = project if project.name == "actionblocks" else project / "actionblocks"
    return base / name


def create_block(project: Path, name: str, language: str = "python") -> Path:
    """Write the block `name` into `project`; its folder. `NewBlockRefused` for a name that is
    not a plain folder name, an unknown language, or a folder that exists already."""
    if not BLOCK_NAME.fullmatch(name):
        raise NewBlockRefused(
            f"{name!r} is not a block name: letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    language = language_named(language)
    folder = folder_for(project, name)
    if folder.exists():
        raise NewBlockRefused(f"{folder} exists already: choose another name")
    try:
        folder.mkdir(parents=True)
        files = FILES[language]
        # The manifest last: a watcher sees the block once it is whole.
        for file_name in sorted(files, key=lambda f: f == "actionblock.yml"):
            text = files[file_name].replace("__BY_HAND__", BY_HAND[language])
            text = text.replace("__ENTRY__", next(iter(files))).replace("__NAME__", name)
            (folder / file_name).write_text(text, encoding="utf-8")
    except OSError as error:
        raise NewBlockRefused(f"cannot write {folder}: {error.strerror or error}") from None
    return folder
