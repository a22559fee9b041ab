"""`sidetui run`: run one ActionBlock, streaming its output live."""

from __future__ import annotations

import argparse

from sidetui.commands.follow import run_execution


def main(args: argparse.Namespace) -> int:
    return run_execution(
        args,
        lambda manager, params, thread: manager.start_with_action_block(
            args.block, params, args.timeout, thread_messages=thread
        ),
    )
