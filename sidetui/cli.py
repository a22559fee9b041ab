"""The `sidetui` command line: the terminal app by default, and headless subcommands.

Every subcommand's usage and errors name it (`sidetui run: error: ...`), values are checked as
they are parsed (a timeout is a whole number of milliseconds), and a mistyped command is not
taken for a project folder without saying so.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence

from sidetui import __version__
from sidetui.commands.exit_codes import EXIT_OK, EXIT_REFUSED
from sidetui.core.protocol.inline_code import LANGUAGES, language_named
from sidetui.new_block import LANGUAGES as TEMPLATES
from sidetui.new_block import language_named as template_named

COMMANDS = ("list", "run", "code", "capability", "serve", "new")  # anything else starts the app
THREAD_MESSAGES_HELP = "a JSON array of the parent thread's messages, handed to the block"
APP_USAGE = "sidetui [PROJECT] [--global-dir DIR] [--state-dir DIR]"


def milliseconds(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of milliseconds"
        ) from None


def port(text: str) -> int:
    """A number; `serve` says when it is not a port (0 to 65535)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None


def language(text: str) -> str:
    try:
        return language_named(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def template(text: str) -> str:
    try:
        return template_named(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sidetui",
        usage=f"{APP_USAGE}\n       sidetui COMMAND [ARGS] (sidetui COMMAND --help for its own)",
        description="Run and watch side executions: ActionBlocks and capabilities. Without a "
        "command, the terminal app starts on PROJECT (default: the current folder).",
    )
    parser.add_argument("--version", action="version", version=f"sidetui {__version__}")
    places = argparse.ArgumentParser(add_help=False)
    places.add_argument("--project", metavar="DIR", help="project folder (default: current)")
    places.add_argument("--global-dir", metavar="DIR", help="global folder (default: ~/.codebolt)")
    places.add_argument("--state-dir", metavar="DIR", help="where logs are kept")
    places.add_argument("--json", action="store_true", help="print one JSON document")
    params = argparse.ArgumentParser(add_help=False)
    params.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one param; VALUE is read as JSON when it parses (count=3 is a number)",
    )
    params.add_argument("--params", metavar="JSON", help="all params as one JSON object")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(
        name: str, help_text: str, *parents: argparse.ArgumentParser
    ) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, prog=f"sidetui {name}", parents=list(parents), help=help_text,
            description=help_text[0].upper() + help_text[1:] + ".",
        )  # fmt: skip

    listing = command("list", "list the ActionBlocks sidetui finds", places)
    listing.set_defaults(handler="sidetui.commands.list_blocks")

    run = command("run", "run an ActionBlock and wait for it", places, params)
    run.add_argument("block", metavar="NAME_OR_PATH", help="a block name, registry id or folder")
    run.add_argument("--timeout", type=milliseconds, metavar="MS", help="0 for no limit")
    run.add_argument("--thread-messages", metavar="FILE", help=THREAD_MESSAGES_HELP)
    run.add_argument(
        "--timestamps",
        action="store_true",
        help="start each line of its output with the time it arrived (HH:MM:SS.mmm); "
        "without it the output is copied byte for byte",
    )
    run.add_argument(
        "--watch",
        action="store_true",
        help="run it again, with the same params, each time a file in its folder changes "
        "(the run in progress is stopped first); Ctrl-C ends",
    )
    run.set_defaults(handler="sidetui.commands.run_block")

    code = command("code", "run inline JavaScript or Python and wait for it", places, params)
    code.add_argument(
        "code",
        metavar="CODE",
        help="the body of an async function with `params` in scope; - reads it from stdin",
    )
    code.add_argument(
        "--language",
        type=language,
        default="javascript",
        metavar="LANG",
        help=f"{' or '.join(LANGUAGES)} (also js, node, py, python3); default javascript",
    )
    code.add_argument(
        "--timeout", type=milliseconds, metavar="MS", help="default 300000; 0 for no limit"
    )
    code.add_argument("--thread-messages", metavar="FILE", help=THREAD_MESSAGES_HELP)
    code.set_defaults(handler="sidetui.commands.run_code")

    capability = command("capability", "list or run capabilities")
    capability_commands = capability.add_subparsers(
        dest="capability_command", metavar="list|run", required=True
    )
    capability_list = capability_commands.add_parser(
        "list", prog="sidetui capability list", parents=[places],
        help="list capabilities and executors",
    )  # fmt: skip
    capability_list.add_argument(
        "--type", metavar="T", help="only capabilities of this type, and the executors of it"
    )
    capability_run = capability_commands.add_parser(
        "run", prog="sidetui capability run", parents=[places, params],
        help="run a capability with the executor of its type",
    )  # fmt: skip
    capability_run.add_argument("name", metavar="NAME")
    capability_run.add_argument(
        "--type", metavar="T", help="its type (needed only when several types have NAME)"
    )
    capability_run.add_argument("--timeout", type=milliseconds, metavar="MS", help="0 for no limit")
    capability.set_defaults(handler="sidetui.commands.capability")

    serve = command("serve", "run the engine for agents on its WebSocket endpoint", places)
    serve.add_argument("--port", type=port, metavar="N", help="port (default: chosen by the OS)")
    serve.set_defaults(handler="sidetui.commands.serve")

    new = command("new", "write a new ActionBlock into the project, ready to run")
    new.add_argument("name", metavar="NAME", help="the block's name, and its folder's")
    new.add_argument(
        "--language",
        type=template,
        default="python",
        metavar="LANG",
        help=f"{', '.join(TEMPLATES)} (default python)",
    )
    new.add_argument("--project", metavar="DIR", help="project folder (default: current)")
    new.set_defaults(handler="sidetui.commands.new_block")
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sidetui",
        usage=APP_USAGE,
        description="The sidetui terminal app; `sidetui --help` lists the commands too.",
    )
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
        close = difflib.get_close_matches(args.project or "", COMMANDS, n=1)
        hint = f" (did you mean `sidetui {close[0]}`?)" if close else ""
        print(f"sidetui: {project} is not a folder{hint}", file=sys.stderr)
        print(f"usage: {APP_USAGE}\n       sidetui COMMAND [ARGS]", file=sys.stderr)
        return EXIT_REFUSED
    from sidetui.config import load_settings

    settings = load_settings()
    if args.state_dir:
        settings.engine.state_dir = Path(args.state_dir).expanduser()
    app = create_app(project, settings=settings, global_dir=args.global_dir)
    app.run()
    from sidetui.tui.process_exit import exit_despite_lingering_threads

    if app.refusal:  # it would not start: why, on one line
        print(app.refusal, file=sys.stderr)
    code = app.return_code or EXIT_OK
    exit_despite_lingering_threads(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
