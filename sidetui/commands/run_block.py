"""`sidetui run`: run one ActionBlock, streaming its output live."""

from __future__ import annotations

import argparse

from sidetui.commands.follow import run_execution
from sidetui.commands.watch_rerun import watch
from sidetui.core.records import Lineage, StartRequest


def main(args: argparse.Namespace) -> int:
    return run_execution(
        args,
        lambda params, thread, copies: StartRequest(
            args.block, None, "", params, args.timeout, Lineage(), thread, copies
        ),
        watch if getattr(args, "watch", False) else None,
    )
