"""The helper for Python ActionBlocks: receive params and context, return a result.

    from sidetui.block import on_invocation

    @on_invocation
    async def main(params, context):      # or a plain `def`
        return {"ok": True}

Define the decorated function last: run as a script, the block serves its invocation and exits
as soon as the function is defined, like an `if __name__ == "__main__":` at the bottom.

Run by sidetui, the block gets its invocation on the channel whose descriptor is in
`NODE_CHANNEL_FD` (JSON lines, the framing of Node's IPC) and its return value goes back as the
result; a raised exception is the error, with the traceback on stderr. Run by hand
(`python main.py '{"name": "Ada"}'`), the params come from the first argument or
`SIDE_EXECUTION_PARAMS` (JSON), the defaults its `actionblock.yml` declares fill in the rest (as
sidetui fills them in; this needs PyYAML, which sidetui installs), and the result is printed.

While it runs, a block can tell its user something (`send_message`, `notify`: kept on the
execution's record and shown by sidetui) and start another block as a nested execution, which
stops with this one (`start_action_block`, which waits for its result).

Standard library only: this file may be copied into a block and run by any Python >= 3.9.
"""

from __future__ import annotations

import json
import os
import socket
import sys

TYPE_CHECKING = False  # not typing's: importing typing alone costs a block ~3 ms of start-up
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Handler = Callable[[dict[str, Any], dict[str, Any]], Any]

CHANNEL_VARIABLE = "NODE_CHANNEL_FD"
INVOCATION = "actionBlockInvocation"
COMPLETE = "actionBlockComplete"
_CONTEXT_FIELDS = (
    "sideExecutionId",
    "threadId",
    "parentAgentId",
    "parentAgentInstanceId",
    "timestamp",
)


class BlockError(Exception):
    """An error to report with a machine-readable code as well as its message."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


class Channel:
    """The newline-delimited JSON channel to the manager on an inherited descriptor."""

    def __init__(self, fd: int):
        self._socket = socket.socket(fileno=fd)
        self._socket.set_inheritable(False)
        self._buffer = b""

    @classmethod
    def from_environment(cls) -> Channel | None:
        raw = os.environ.pop(CHANNEL_VARIABLE, "")  # children of the block must not inherit it
        os.environ.pop("NODE_CHANNEL_SERIALIZATION_MODE", None)
        try:
            return cls(int(raw)) if raw else None
        except (ValueError, OSError):
            return None

    def receive(self) -> dict[str, Any] | None:
        """The next message that is a JSON object, or None once the manager closed the channel."""
        while True:
            newline = self._buffer.find(b"\n")
            while newline < 0:
                chunk = self._socket.recv(65536)
                if not chunk:
                    return None
                self._buffer += chunk
                newline = self._buffer.find(b"\n")
            line, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict):
                return message

    def send(self, message: dict[str, Any]) -> None:
        self._socket.sendall(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def close(self) -> None:
        self._socket.close()


_channel: Channel | None = None  # while run() serves the invocation
_requests = 0


def send_message(text: str, payload: Any = None) -> None:
    """Tell the user something (codeboltjs `chat.sendMessage`); run by hand: printed to stderr."""
    _tell({"type": "sendMessage", "message": str(text), "payload": payload})


def notify(text: str, event_type: str = "debug") -> None:
    """A notification of a kind (codeboltjs `chat.sendNotificationEvent`: debug, planner, ...)."""
    _tell({"type": "notificationEvent", "message": str(text), "eventType": event_type})


def start_action_block(name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run another block as a nested execution of this one and wait for it to finish: the reply
    `{success, sideExecutionId, result}` or `{success: False, error}`."""
    request_ = {"type": "actionBlock", "action": "startActionBlock", "actionBlockName": name}
    return request({**request_, "params": params or {}})


def request(message: dict[str, Any]) -> dict[str, Any]:
    """Send any agent API request to sidetui and wait for its reply (blocking)."""
    global _requests
    if _channel is None:
        raise BlockError("not run by sidetui: there is nobody to ask", "CONNECTION_FAILED")
    _requests += 1
    request_id = f"{os.getpid()}-{_requests}"
    _channel.send({**message, "requestId": request_id})
    while True:
        reply = _channel.receive()
        if reply is None:
            raise BlockError("sidetui closed the channel before it answered", "CONNECTION_FAILED")
        if reply.get("requestId") == request_id:
            return reply


def _tell(message: dict[str, Any]) -> None:
    if _channel is not None:
        _channel.send(message)
    else:
        print(f"[{message['type']}] {message['message']}", file=sys.stderr)


def run(handler: Handler, report: Callable[[BaseException], None] | None = None) -> int:
    """Serve one invocation with `handler`; the exit status to leave with (0 ok, 1 error).
    `report` writes a raised exception to stderr (default: its whole traceback)."""
    global _channel
    channel = _channel = Channel.from_environment()
    invocation = _wait_for_invocation(channel) if channel else _invocation_by_hand(handler)
    params = invocation.get("params") or {}
    context = dict(invocation.get("threadContext") or {})
    context.update({key: invocation.get(key) for key in _CONTEXT_FIELDS})
    reply: dict[str, Any] = {"type": COMPLETE, "sideExecutionId": invocation.get("sideExecutionId")}
    status = 0
    try:
        result = handler(params, context)
        if hasattr(result, "__await__"):
            import asyncio  # only when needed: it costs a plain block ~50 ms of start-up

            result = asyncio.run(_awaited(result))
        json.dumps(result, allow_nan=False)  # refuse a result JSON cannot carry, as the error
        if result is not None:
            reply["result"] = result
    except Exception as error:  # the block's failure is its result, not ours
        if report is not None:
            report(error)
        else:
            import traceback

            traceback.print_exc()
        message = str(error) or type(error).__name__
        code = getattr(error, "code", None) if isinstance(error, BlockError) else None
        reply["error"] = {"message": message, "code": code} if code else message
        status = 1
    if channel is None:
        print(json.dumps(reply.get("result", reply.get("error"))))
        return status
    channel.send(reply)
    channel.close()
    _channel = None
    return status


def on_invocation(handler: Handler) -> Handler:
    """Decorate the block's entry function: run as a script, it serves the invocation and exits."""
    if getattr(handler, "__module__", None) == "__main__":
        sys.stdout.flush()
        sys.exit(run(handler))
    return handler


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _wait_for_invocation(channel: Channel) -> dict[str, Any]:
    while True:
        message = channel.receive()
        if message is None:
            return {}
        if message.get("type") == INVOCATION:
            return message


def _invocation_by_hand(handler: Handler) -> dict[str, Any]:
    """The params of a run by hand: from the command line or the environment, with the defaults
    the block's manifest declares for the others."""
    raw = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SIDE_EXECUTION_PARAMS", "{}")
    try:
        params = json.loads(raw)
    except ValueError:
        print(f"sidetui.block: the params are not JSON: {raw!r}", file=sys.stderr)
        params = {}
    params = params if isinstance(params, dict) else {}
    code = getattr(handler, "__code__", None)
    if code is not None:
        folder = os.path.dirname(os.path.abspath(code.co_filename))
        for name, value in _declared_defaults(folder).items():
            if params.get(name) is None:
                params[name] = value
    return {"params": params}


def _declared_defaults(folder: str) -> dict[str, Any]:
    """The defaults of the inputs declared in `folder`'s actionblock.yml (or .yaml)."""
    for manifest in ("actionblock.yml", "actionblock.yaml"):
        path = os.path.join(folder, manifest)
        if os.path.isfile(path):
            break
    else:
        return {}
    try:
        import yaml
    except ImportError:
        print(f"sidetui.block: PyYAML is missing: the defaults in {manifest} are not applied",
              file=sys.stderr)  # fmt: skip
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"sidetui.block: cannot read {manifest}: {error}", file=sys.stderr)
        return {}
    data = data if isinstance(data, dict) else {}
    found = data.get("metadata")
    metadata = found if isinstance(found, dict) else {}
    inputs = metadata.get("inputs", data.get("inputs")) or []
    return {
        spec["name"]: spec["default"]
        for spec in (inputs if isinstance(inputs, list) else [])
        if isinstance(spec, dict) and isinstance(spec.get("name"), str)
        and spec.get("default") is not None
    }  # fmt: skip
