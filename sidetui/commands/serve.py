"""`sidetui serve`: the engine without a UI, for agents on the WebSocket endpoint."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from sidetui.commands.common import manager_from
from sidetui.commands.exit_codes import EXIT_FAILED, EXIT_REFUSED
from sidetui.core.state_dir import StateDirError
from sidetui.core.terminal_text import one_line

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
MAX_PORT = 65535


def main(args: argparse.Namespace) -> int:
    return asyncio.run(_serve(args))


async def _serve(args: argparse.Namespace) -> int:
    if args.port is not None and not 0 <= args.port <= MAX_PORT:
        print(f"sidetui: --port must be 0 to {MAX_PORT}, not {args.port}", file=sys.stderr)
        return EXIT_REFUSED
    manager = manager_from(args, watch=True)
    manager.config.reap_orphans = True  # this process is the engine's alone
    if args.port is not None:
        manager.config.socket_port = args.port
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        await manager.open()
    except StateDirError:
        await manager.close()
        raise
    except OSError as error:
        where = f"127.0.0.1:{args.port}" if args.port is not None else "127.0.0.1"
        print(f"sidetui: cannot listen on {where}: {error.strerror}", file=sys.stderr)
        await manager.close()
        return EXIT_FAILED
    async with manager:
        assert manager.endpoint is not None
        url, _ = manager.endpoint
        print(f"sidetui: serving {one_line(str(manager.project_dir))}", flush=True)
        print(f"endpoint: {url}", flush=True)
        print(f"token file: {manager.endpoint_file} (readable by you only)", flush=True)
        await stop.wait()
        print("sidetui: stopping every execution", flush=True)
    return 0
