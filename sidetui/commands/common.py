"""What the subcommands share: building the manager from flags, printing envelopes, params."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sidetui.core.config import EngineConfig
from sidetui.core.records import strict_json
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.response import Response

if TYPE_CHECKING:
    from sidetui.core.manager import SideExecutionManager


def manager_from(args: argparse.Namespace, watch: bool = False) -> SideExecutionManager:
    """A manager for the project, global and state folders the flags name."""
    from sidetui.core.manager import SideExecutionManager  # the whole engine: only when run

    return SideExecutionManager(args.project, None, config_from(args, watch))


def config_from(args: argparse.Namespace, watch: bool = False) -> EngineConfig:
    """The configuration the environment and the folder flags make; warns of a missing project."""
    config = EngineConfig.from_env(watch=watch)
    if args.state_dir:
        config.state_dir = Path(args.state_dir).expanduser()
    if args.global_dir:
        config.global_dir = Path(args.global_dir)
    if args.project and not Path(args.project).expanduser().is_dir():
        print(
            f"sidetui: warning: the project folder {args.project} does not exist", file=sys.stderr
        )
    return config


def project_dir_from(args: argparse.Namespace) -> Path:
    """The project folder the flags name (the current folder by default), resolved."""
    return Path(args.project or os.getcwd()).expanduser().resolve()


def print_json(response: Response) -> None:
    """One JSON document on stdout."""
    print_out(json.dumps(response.to_dict(), indent=2, ensure_ascii=False, default=str))


def print_out(text: str) -> None:
    """`text` and a newline on stdout; a reader that went away (`| head`) is not an error."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit


def parse_params(params_json: str | None, pairs: list[str]) -> dict[str, Any]:
    """`--params JSON` then each `--param KEY=VALUE` over it; `Refusal` for a malformed one."""
    params: dict[str, Any] = {}
    if params_json:
        try:
            loaded = strict_json.loads(params_json)
        except ValueError as error:
            raise Refusal(
                ErrorCode.INVALID_PARAMS, f"--params is not valid JSON: {error}"
            ) from None
        if not isinstance(loaded, dict):
            raise Refusal(ErrorCode.INVALID_PARAMS, "--params must be a JSON object")
        params.update(loaded)
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise Refusal(ErrorCode.INVALID_PARAMS, f"--param {pair!r} is not KEY=VALUE")
        params[key] = _json_or_text(raw)
    return params


def _json_or_text(raw: str) -> Any:
    """The value as JSON when it is JSON (NaN, Infinity and 1e400 are not), else the text."""
    try:
        return strict_json.loads(raw)
    except ValueError:
        return raw


def read_thread_messages(path: str | None) -> list[Any] | None:
    """`--thread-messages FILE`: a JSON array; `Refusal` when it cannot be read or is not one."""
    if path is None:
        return None
    try:
        loaded = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise Refusal(
            ErrorCode.INVALID_REQUEST, f"cannot read --thread-messages: {error}"
        ) from None
    except json.JSONDecodeError as error:
        message = f"--thread-messages {path} is not valid JSON: {error}"
        raise Refusal(ErrorCode.INVALID_REQUEST, message) from None
    if not isinstance(loaded, list):
        raise Refusal(ErrorCode.INVALID_REQUEST, "--thread-messages must hold a JSON array")
    return loaded
