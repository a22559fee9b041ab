"""`sidetui run`: run one ActionBlock, streaming its output live (`--watch`: again on each
change in its folder)."""

from __future__ import annotations

import argparse
import sys

from sidetui.commands.exit_codes import EXIT_REFUSED
from sidetui.commands.follow import run_execution
from sidetui.commands.watch_rerun import watch
from sidetui.core.records import Lineage, StartRequest


def main(args: argparse.Namespace) -> int:
    if args.watch and args.json:
        print(
            "sidetui run: error: --watch streams runs as they come: not with --json",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    return run_execution(
        args,
        lambda params, thread, copies: StartRequest(
            args.block, None, "", params, args.timeout, Lineage(), thread, copies
        ),
        watch if args.watch else None,
    )
