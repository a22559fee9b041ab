"""`sidetui code`: run a snippet of JavaScript or Python as a side execution."""

from __future__ import annotations

import argparse
import sys

from sidetui.commands.follow import run_execution


def main(args: argparse.Namespace) -> int:
    code = sys.stdin.read() if args.code == "-" else args.code
    return run_execution(
        args,
        lambda manager, params, thread: manager.start_with_code(
            code, params, args.timeout, args.language, thread_messages=thread
        ),
    )
