"""(d) Discovery: loads of 1,000 blocks, `sidetui list` of 10,000, one change in a large project
against a small one, and the live event for a new block.

Load: a fresh `Registry` `load()`ed vs an `os.walk` reading every `actionblock.yml` (files in the
page cache); "cold" without a parsed-manifest cache, "warm cache" with one a previous load filled.
List: `sidetui list` of 10,000 blocks as a child (bytecode cached), spawn to exit and peak RSS
(`wait4`), cold (empty state folder) and warm; baseline: a child python doing the walk.
Change: a manifest edited (or a block removed and written back), from the write to the end of
`Registry.rescan`, in 10,000 blocks vs 100. Live: with `watch=True`, from starting to write a new
block to the `RegistryChanged` holding it, vs a bare `watchfiles.awatch` with the manager's
settings (debounce 50 ms, step 10 ms, same filter). Sides alternate; medians.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _common import (
    Row,
    clock,
    median,
    p95,
    parse_args,
    print_table,
    temp_project,
)
from discovery_live import live_bare, live_manager

from sidetui.core import Source
from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.manifest_cache import SETTLE_NS, CacheFolder
from sidetui.core.catalog.registry import Registry

MANIFEST = """\
name: {name}
description: Generated block {index} for the discovery benchmark.
version: 1.0.0
entryPoint: main.py
metadata:
  inputs:
    - name: label
      type: string
      required: true
      description: What to print
    - name: count
      type: integer
      default: 3
      description: How many times
"""
WALK = """\
import os, sys
for folder, _, files in os.walk(sys.argv[1]):
    if "actionblock.yml" in files:
        with open(os.path.join(folder, "actionblock.yml"), "rb") as handle:
            handle.read()
"""
SIDETUI = "import runpy; runpy.run_module('sidetui', run_name='__main__', alter_sys=True)"
PEAK = """\
import atexit, sys
def _peak():
    with open("/proc/self/status") as status:
        sys.stderr.write([line for line in status if line.startswith("VmHWM")][0][6:])
atexit.register(_peak)
"""


def write_generated(parent: Path, name: str, index: int) -> None:
    folder = parent / name
    folder.mkdir()
    (folder / "main.py").write_text("print('hello')\n")
    (folder / "actionblock.yml").write_text(MANIFEST.format(name=name, index=index))
    (folder / "README.md").write_text(f"# {name}\n\nGenerated block number {index}.\n")


def generated(project: Path, count: int) -> Path:
    (project / "actionblocks").mkdir(parents=True, exist_ok=True)
    for index in range(count):
        write_generated(project / "actionblocks", f"block-{index:05d}", index)
    return project


def registry_load(project: Path, cache: CacheFolder | None = None) -> tuple[float, int]:
    start = clock()
    registry = Registry([Root(project, Source.PROJECT)], cache=cache)
    registry.load()
    elapsed = clock() - start
    return elapsed, sum(block.valid for block in registry.action_blocks())


def walk_and_read(project: Path) -> tuple[float, int]:
    start = clock()
    count = 0
    for folder, _, files in os.walk(project):
        if "actionblock.yml" in files:
            with open(os.path.join(folder, "actionblock.yml"), "rb") as handle:
                handle.read()
            count += 1
    return clock() - start, count


@dataclass
class Ran:
    """One child: spawn to exit and CPU time (user + sys) in s, peak RSS in MiB, lines printed."""

    seconds: float
    cpu: float
    mib: float
    lines: int


def child(code: str, args: list[str], env: dict[str, str]) -> Ran:
    """`python -c code args`, run to its end. The child reports its own VmHWM at exit: `wait4`'s
    maxrss would count what it had before exec (the parent's memory)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = clock()
    ran = subprocess.run(
        [sys.executable, "-c", PEAK + code, *args], env=env, capture_output=True, check=True
    )
    elapsed = clock() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    kib = int(ran.stderr.split()[-2])  # "VmHWM:  N kB"
    return Ran(elapsed, cpu, kib / 1024, ran.stdout.count(b"\n"))


def list_runs(root: Path, project: Path, rounds: int) -> dict[str, list[Ran]]:
    """`sidetui list` cold and warm against the walk in a child, `rounds` times interleaved."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    state = root / "list-state"
    cli = ["list", "--global-dir", str(root / "global"), "--state-dir", str(state), "--project"]
    child(SIDETUI, [*cli, str(root / "global")], env)  # warm-up: bytecode
    cli.append(str(project))
    runs: dict[str, list[Ran]] = {"walk": [], "cold": [], "warm": []}
    for _ in range(rounds):
        runs["walk"].append(child(WALK, [str(project)], env))
        shutil.rmtree(state, ignore_errors=True)
        runs["cold"].append(child(SIDETUI, cli, env))
        runs["warm"].append(child(SIDETUI, cli, env))
    return runs


def change_costs(small: Path, large: Path, samples: int) -> dict[str, list[float]]:
    """Seconds from one edit (or removal and return) of a block to the end of its rescan."""
    registries = {}
    for project in (small, large):
        registries[project] = Registry([Root(project, Source.PROJECT)])
        registries[project].load()
    costs: dict[str, list[float]] = {"edit small": [], "edit large": []}
    costs |= {"remove small": [], "remove large": []}
    for index in range(samples):
        for side, project in (("small", small), ("large", large)):
            registry, folder = registries[project], project / "actionblocks" / "block-00042"
            start = clock()
            (folder / "actionblock.yml").write_text(MANIFEST.format(name=folder.name, index=index))
            registry.rescan([folder / "actionblock.yml"])
            costs[f"edit {side}"].append(clock() - start)
            start = clock()
            shutil.rmtree(folder)
            assert registry.rescan([folder]).removed
            write_generated(folder.parent, folder.name, 42)
            assert registry.rescan([folder]).added
            costs[f"remove {side}"].append(clock() - start)
    return costs


async def main() -> None:
    args = parse_args(__doc__ or "")
    count, scans, samples = (200, 3, 6) if args.quick else (1_000, 7, 20)
    big, rounds, edits = (1_000, 1, 5) if args.quick else (10_000, 5, 40)
    with temp_project() as root:
        project = generated(root / "project", count)
        ready_at = time.time_ns() + SETTLE_NS  # the cache keeps only files older than this
        loads: dict[str, list[float]] = {"cold": [], "walk": [], "warm": []}
        found: dict[str, set[int]] = {"cold": set(), "walk": set(), "warm": set()}
        cache = CacheFolder(root / "load-state" / "catalog")
        sides = {"cold": registry_load, "warm": lambda p: registry_load(p, cache)}
        for side in ("cold", "warm"):
            if side == "warm":
                await asyncio.sleep(max(0, ready_at - time.time_ns()) / 1e9)
                registry_load(project, cache)  # fills the cache
            for _ in range(scans):
                for name, run in ((side, sides[side]), ("walk", walk_and_read)):
                    elapsed, seen = run(project)
                    loads[name].append(elapsed)
                    found[name].add(seen)

        large = generated(root / "large", big)
        changes = change_costs(generated(root / "small", 100), large, edits)
        ready_at = time.time_ns() + SETTLE_NS  # the edited block too
        await asyncio.sleep(max(0, ready_at - time.time_ns()) / 1e9)
        lists = list_runs(root, large, rounds)

        live: dict[str, list[float]] = {"manager": [], "bare": []}
        half = samples // 2
        for part in range(2):
            names = [f"bare-{part}-{i:02d}" for i in range(half)]
            live["bare"] += await live_bare(root, names, 0.2, write_generated)
            names = [f"live-{part}-{i:02d}" for i in range(half)]
            live["manager"] += await live_manager(root, names, 0.2, write_generated)

    walk = median(loads["walk"]) * 1000
    ms = {side: median([r.seconds for r in runs]) * 1000 for side, runs in lists.items()}
    cpu = {side: median([r.cpu for r in runs]) * 1000 for side, runs in lists.items()}
    mib = {side: median([r.mib for r in runs]) for side, runs in lists.items()}
    cost = {side: median(values) * 1000 for side, values in changes.items()}
    each = {
        side: ", ".join(f"{r.seconds:.2f}/{r.cpu:.2f}/{r.mib:.1f}/{r.lines}" for r in runs)
        for side, runs in lists.items()
    }
    rows = [
        Row(f"cold Registry.load() of {count:,} blocks, no cache", median(loads["cold"]) * 1000,
            walk, "ms", ("ratio", "<=", 3)),
        Row(f"Registry.load() of {count:,} blocks, warm cache", median(loads["warm"]) * 1000,
            walk, "ms", ("ratio", "<=", 3)),
        Row(f"sidetui list of {big:,} blocks, cold (no cache)", ms["cold"], ms["walk"], "ms",
            ("value", "<", 1000)),
        Row(f"sidetui list of {big:,} blocks, warm cache", ms["warm"], ms["walk"], "ms",
            ("value", "<", 1000)),
        Row("sidetui list, cold: CPU time (user + sys)", cpu["cold"], cpu["walk"], "ms"),
        Row("sidetui list, warm cache: CPU time (user + sys)", cpu["warm"], cpu["walk"], "ms"),
        Row("sidetui list peak RSS, cold", mib["cold"], mib["walk"], "MiB", ("value", "<", 60)),
        Row("sidetui list peak RSS, warm cache", mib["warm"], mib["walk"], "MiB",
            ("value", "<", 60)),
        Row(f"one manifest edited: rescan in {big:,} vs 100 blocks", cost["edit large"],
            cost["edit small"], "ms", ("ratio", "<=", 1.5), digits=2),
        Row(f"one block removed and written back: {big:,} vs 100 blocks", cost["remove large"],
            cost["remove small"], "ms", ("ratio", "<=", 1.5), digits=2),
        Row("new block written -> RegistryChanged (median)", median(live["manager"]),
            median(live["bare"]), "ms", ("value", "<", 300)),
        Row("new block written -> RegistryChanged (p95)", p95(live["manager"]),
            p95(live["bare"]), "ms", ("value", "<", 300)),
    ]  # fmt: skip
    notes = [
        f"load: median of {scans} runs per side, alternating; valid blocks found cold"
        f" {found['cold']}, warm {found['warm']}; manifests read by the walk {found['walk']}",
        f"list: {rounds} rounds (walk, cold, warm) after a warm-up; baseline: a child python"
        " doing the os.walk reference; each run as seconds/CPU seconds/peak MiB/lines printed"
        f" (a full list prints {big + 1:,}): "
        + "; ".join(f"{side} {runs}" for side, runs in each.items()),
        f"change: {edits} samples per side, alternating; edit p95 large"
        f" {p95(changes['edit large']) * 1000:.2f} ms, small"
        f" {p95(changes['edit small']) * 1000:.2f} ms",
        f"live: {samples} samples per side in 2 alternating halves, 200 ms apart; max: manager"
        f" {max(live['manager']):.0f} ms, bare {max(live['bare']):.0f} ms",
    ]
    print_table("discovery", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
