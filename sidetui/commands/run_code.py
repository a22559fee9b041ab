"""`sidetui code`: run a snippet of JavaScript or Python as a side execution."""

from __future__ import annotations

import argparse
import sys

from sidetui.commands.follow import run_execution
from sidetui.core.records import Lineage, StartRequest


def main(args: argparse.Namespace) -> int:
    code = sys.stdin.read() if args.code == "-" else args.code
    return run_execution(
        args,
        lambda params, thread, copies: StartRequest(
            None, code, args.language, params, args.timeout, Lineage(), thread, copies
        ),
    )
