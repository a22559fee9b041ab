"""`sidetui capability list` and `sidetui capability run`: capabilities from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from sidetui.commands.common import manager_from, parse_params, print_json
from sidetui.commands.echo_logs import echoes_for, leaves_line_open_on_stderr
from sidetui.commands.follow import (
    EXIT_CODES,
    follow_until_settled,
    refused,
    stop_on_signals,
)
from sidetui.commands.table import entry_note, entry_state, render_table
from sidetui.core import EntryKind, Refusal, Response, SideExecutionManager
from sidetui.core.catalog.entries import Capability
from sidetui.core.records.errors import ErrorCode, ExecutionError
from sidetui.core.terminal_text import neutralise, one_line


def main(args: argparse.Namespace) -> int:
    if args.capability_command == "list":
        return asyncio.run(_list(args))
    try:
        params = parse_params(args.params, args.param)
    except Refusal as refusal:
        return refused(args, Response.failure("startCapabilityResponse", refusal.error))
    return asyncio.run(_run(args, params))


async def _list(args: argparse.Namespace) -> int:
    async with manager_from(args) as manager:
        capabilities = await manager.capabilities.list_capabilities({"type": args.type})
        executors = await manager.capabilities.list_executors()
    data = {
        "capabilities": (capabilities.data or {})["capabilities"],
        "executors": [
            executor
            for executor in (executors.data or {})["executors"]
            if args.type is None
            or args.type in executor["supportedTypes"]
            or args.type in executor["serving"]
        ],
    }
    if args.json:
        count = f"{len(data['capabilities'])} capabilities, {len(data['executors'])} executors"
        print_json(Response.ok("listCapabilitiesResponse", count, data))
        return 0
    print(_capability_table(data["capabilities"]))
    print()
    print(_executor_table(data["executors"]))
    return 0


async def _run(args: argparse.Namespace, params: dict[str, Any]) -> int:
    async with manager_from(args) as manager:
        capabilities = manager.capabilities
        try:
            args.type = args.type or _only_type(manager, args.name)
        except Refusal as refusal:
            return refused(args, Response.failure("startCapabilityResponse", refusal.error))
        started = await capabilities.start_capability(args.name, args.type, params, args.timeout)
        data = started.data or {}
        execution_id = data.get("executionId")
        if not execution_id or not data.get("sideExecutionId"):
            return refused(args, _narrowed(started, manager, args.name, args.type))
        side_id = data["sideExecutionId"]
        record = manager.get_record(side_id)
        echoes = [] if args.json or record is None else echoes_for(record.log_paths)
        with stop_on_signals(execution_id, lambda: capabilities.stop_capability(execution_id)):
            record = await follow_until_settled(manager, side_id, echoes)
        completion = await capabilities.wait_for_completion(execution_id)
        execution = capabilities.execution(execution_id)
        assert execution is not None
        status = execution.status
    if args.json:
        result = {**completion, "status": status.value, "sideExecutionId": side_id}
        error = None
        if execution.error is not None:
            code = execution.error_code or ErrorCode.EXECUTION_FAILED
            error = ExecutionError(code, execution.error, side_execution_id=side_id)
        print_json(
            Response("getExecutionStatusResponse", error is None, status.value, error, result)
        )
    else:
        _print_result(completion.get("result"))
        fresh_line = "\n" if leaves_line_open_on_stderr(echoes) else ""
        reason = f": {one_line(execution.error)}" if execution.error else ""
        seconds = record.duration_ms / 1000
        what = one_line(f"{args.type}/{args.name}")
        print(
            f"{fresh_line}sidetui: {what} {status.value} after {seconds:.2f} s"
            f"{reason} · {execution_id} ({side_id})",
            file=sys.stderr,
        )
    return EXIT_CODES.get(status, 1)


def _only_type(manager: SideExecutionManager, name: str) -> str:
    """The type of the capability `name` when only one type has it; `Refusal` otherwise."""
    found = manager.registry.find(EntryKind.CAPABILITY, name)
    assert isinstance(found, Capability)
    return found.type


def _narrowed(response: Response, manager: SideExecutionManager, name: str, kind: str) -> Response:
    """A refusal for an unknown capability names those of its type (not those of every type)."""
    if response.error is None or response.error.code is not ErrorCode.CAPABILITY_NOT_FOUND:
        return response
    known = sorted(
        {e.name for e in manager.registry.entries() if isinstance(e, Capability) and e.type == kind}
    )
    listed = f": {', '.join(known)}" if known else ": there are none"
    message = f"No {kind} capability named {name!r} (the {kind} capabilities{listed})"
    return Response.failure(response.type, ExecutionError(ErrorCode.CAPABILITY_NOT_FOUND, message))


def _print_result(result: Any) -> None:
    """The result on stdout, after the output: text as it is (a skill's instructions), anything
    else as JSON."""
    if result is None:
        return
    text = result if isinstance(result, str) else json.dumps(result, indent=2, ensure_ascii=False)
    if sys.stdout.isatty():
        text = neutralise(text)
    print(text.rstrip("\n"), flush=True)


def _capability_table(capabilities: list[dict[str, Any]]) -> str:
    if not capabilities:
        return "No capabilities found."
    header = ("CAPABILITY", "TYPE", "SOURCE", "STATE", "DESCRIPTION")
    rows = [
        (
            c["name"],
            c["type"],
            c["source"],
            entry_state(c),
            entry_note(c),
        )
        for c in capabilities
    ]
    return render_table(header, rows)


def _executor_table(executors: list[dict[str, Any]]) -> str:
    if not executors:
        return "No executors found."
    header = ("EXECUTOR", "SOURCE", "TYPES", "SERVING", "STATE", "DESCRIPTION")
    rows = [
        (
            e["name"],
            e["source"],
            ",".join(e["supportedTypes"]) or "-",
            ",".join(e["serving"]) or "-",
            entry_state(e),
            entry_note(e),
        )
        for e in executors
    ]
    return render_table(header, rows)
