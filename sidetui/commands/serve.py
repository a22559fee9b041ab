"""`sidetui serve`: the engine without a UI, for agents on the WebSocket endpoint."""

from __future__ import annotations

import argparse
import asyncio
import signal

from sidetui.commands.common import manager_from

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def main(args: argparse.Namespace) -> int:
    asyncio.run(_serve(args))
    return 0


async def _serve(args: argparse.Namespace) -> None:
    manager = manager_from(args, watch=True)
    if args.port is not None:
        manager.config.socket_port = args.port
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    async with manager:
        assert manager.endpoint is not None
        url, _ = manager.endpoint
        print(f"sidetui: serving {manager.project_dir}", flush=True)
        print(f"endpoint: {url}", flush=True)
        print(f"token file: {manager.endpoint_file} (readable by you only)", flush=True)
        await stop.wait()
        print("sidetui: stopping every execution", flush=True)
