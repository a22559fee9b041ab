"""`sidetui new NAME`: write a working ActionBlock into the project, from a template."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sidetui.commands.exit_codes import EXIT_OK, EXIT_REFUSED
from sidetui.new_block import NewBlockRefused, create_block


def main(args: argparse.Namespace) -> int:
    project = Path(args.project or ".").expanduser()
    if not project.is_dir():
        print(f"sidetui new: the project folder {project} does not exist", file=sys.stderr)
        return EXIT_REFUSED
    try:
        folder = create_block(project.resolve(), args.name, args.language)
    except NewBlockRefused as refused:
        print(f"sidetui new: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    shown = folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder
    print(f"Wrote the {args.language} ActionBlock {args.name} in {shown}/:")
    for path in sorted(folder.iterdir()):
        print(f"  {path.name}")
    where = "" if project.resolve() == Path.cwd() else f" --project {args.project}"
    print(f"Run it: sidetui run {args.name}{where} --param name=Ada")
    return EXIT_OK
