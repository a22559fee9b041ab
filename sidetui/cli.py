"""The `sidetui` command line: the terminal app by default, and headless subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sidetui import __version__
from sidetui.commands.exit_codes import EXIT_OK, EXIT_REFUSED

COMMANDS = ("list", "run", "code", "capability", "serve")  # anything else starts the app
THREAD_MESSAGES_HELP = "a JSON array of the parent thread's messages, handed to the block"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sidetui",
        usage="sidetui [PROJECT] [--global-dir DIR] [--state-dir DIR]\n       sidetui COMMAND ...",
        description="Run and watch side executions: ActionBlocks and capabilities. Without a "
        "command, the terminal app starts on PROJECT (default: the current folder).",
    )
    parser.add_argument("--version", action="version", version=f"sidetui {__version__}")
    places = argparse.ArgumentParser(add_help=False)
    places.add_argument("--project", metavar="DIR", help="project folder (default: current)")
    places.add_argument("--global-dir", metavar="DIR", help="global folder (default: ~/.codebolt)")
    places.add_argument("--state-dir", metavar="DIR", help="where logs are kept")
    places.add_argument("--json", action="store_true", help="print one JSON document")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = commands.add_parser(
        "list", parents=[places], help="list the ActionBlocks sidetui finds"
    )
    listing.set_defaults(handler="sidetui.commands.list_blocks")

    run = commands.add_parser("run", parents=[places], help="run an ActionBlock and wait for it")
    run.add_argument("block", metavar="NAME_OR_PATH", help="a block name, registry id or folder")
    run.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one param; VALUE is read as JSON when it parses (count=3 is a number)",
    )
    run.add_argument("--params", metavar="JSON", help="all params as one JSON object")
    run.add_argument("--timeout", type=int, metavar="MS", help="milliseconds; 0 for no limit")
    run.add_argument("--thread-messages", metavar="FILE", help=THREAD_MESSAGES_HELP)
    run.set_defaults(handler="sidetui.commands.run_block")

    code = commands.add_parser(
        "code", parents=[places], help="run inline JavaScript or Python and wait for it"
    )
    code.add_argument(
        "code",
        metavar="CODE",
        help="the body of an async function with `params` in scope; - reads it from stdin",
    )
    code.add_argument("--language", choices=("javascript", "python"), default="javascript")
    code.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="as for run"
    )
    code.add_argument("--params", metavar="JSON", help="all params as one JSON object")
    code.add_argument(
        "--timeout", type=int, metavar="MS", help="milliseconds (default 300000); 0 for no limit"
    )
    code.add_argument("--thread-messages", metavar="FILE", help=THREAD_MESSAGES_HELP)
    code.set_defaults(handler="sidetui.commands.run_code")

    capability = commands.add_parser("capability", help="list or run capabilities")
    capability_commands = capability.add_subparsers(dest="capability_command", required=True)
    capability_list = capability_commands.add_parser(
        "list", parents=[places], help="list capabilities and executors"
    )
    capability_list.add_argument("--type", metavar="T", help="only capabilities of this type")
    capability_run = capability_commands.add_parser(
        "run", parents=[places], help="run a capability with the executor of its type"
    )
    capability_run.add_argument("name", metavar="NAME")
    capability_run.add_argument("--type", metavar="T", required=True, help="its type")
    capability_run.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="as for run"
    )
    capability_run.add_argument("--params", metavar="JSON", help="all params as one JSON object")
    capability_run.add_argument("--timeout", type=int, metavar="MS", help="0 for no limit")
    capability.set_defaults(handler="sidetui.commands.capability")

    serve = commands.add_parser(
        "serve", parents=[places], help="run the engine for agents on its WebSocket endpoint"
    )
    serve.add_argument("--port", type=int, metavar="N", help="port (default: chosen by the OS)")
    serve.set_defaults(handler="sidetui.commands.serve")
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sidetui", description="The sidetui terminal app.")
    parser.add_argument("project", nargs="?", metavar="PROJECT", help="default: current folder")
    parser.add_argument("--global-dir", metavar="DIR", help="global folder (default: ~/.codebolt)")
    parser.add_argument("--state-dir", metavar="DIR", help="where logs are kept")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        return run_app(build_app_parser().parse_args(argv))
    args = parser.parse_args(argv)
    from importlib import import_module

    from sidetui.core.state_dir import StateDirError

    command = import_module(args.handler)
    try:
        result: int = command.main(args)
    except StateDirError as error:  # one clear line, not a traceback
        print(f"sidetui: {error.strerror}", file=sys.stderr)
        return EXIT_REFUSED
    return result


def run_app(args: argparse.Namespace) -> int:
    """Start the terminal app on the project folder."""
    from pathlib import Path

    from sidetui.tui.factory import create_app

    project = Path(args.project or ".").expanduser()
    if not project.is_dir():
        print(f"sidetui: {project} is not a folder", file=sys.stderr)
        return EXIT_REFUSED
    from sidetui.config import load_settings

    settings = load_settings()
    if args.state_dir:
        settings.engine.state_dir = Path(args.state_dir).expanduser()
    create_app(project, settings=settings, global_dir=args.global_dir).run()
    from sidetui.tui.process_exit import exit_despite_lingering_threads

    exit_despite_lingering_threads(EXIT_OK)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
