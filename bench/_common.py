"""Shared helpers for the benchmarks: temp projects, timing, statistics and the result table."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import operator
import os
import shutil
import statistics
import tempfile
import textwrap
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from sidetui.core import EngineConfig

clock = time.perf_counter
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    return parser.parse_args()


def write_block(
    parent: Path, name: str, main_py: str, manifest: dict[str, Any] | None = None
) -> Path:
    """`parent/name` holding `main.py` and an `actionblock.yml` (JSON is YAML)."""
    folder = parent / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_text(textwrap.dedent(main_py))
    text = json.dumps({"name": name, "entryPoint": "main.py", **(manifest or {})})
    (folder / "actionblock.yml").write_text(text)
    return folder


@contextmanager
def temp_project(blocks: dict[str, str] | None = None) -> Iterator[Path]:
    """A temp folder under /tmp with `project/actionblocks/<name>/`, `state/` and `global/`.

    Yields the temp folder; everything in it is removed at the end.
    """
    root = Path(tempfile.mkdtemp(prefix="sidetui-bench-", dir="/tmp"))
    try:
        (root / "global").mkdir()
        (root / "project" / "actionblocks").mkdir(parents=True)
        for name, code in (blocks or {}).items():
            write_block(root / "project" / "actionblocks", name, code)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def engine_config(root: Path, **overrides: Any) -> EngineConfig:
    """Defaults, except that state and the global source live in the temp folder."""
    return EngineConfig(state_dir=root / "state", global_dir=root / "global", **overrides)


def block_dir(root: Path, name: str) -> Path:
    return root / "project" / "actionblocks" / name


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Row:
    """One figure: `ratio` is always value / baseline; `goal` is (on, op, limit) or None.

    `on` is "ratio" or "value": the goal applies to the ratio or to the value itself.
    """

    what: str
    value: float
    baseline: float
    unit: str
    goal: tuple[str, str, float] | None = None
    digits: int = 1
    paired: float | None = None  # the median of per-round ratios, steadier on a noisy machine

    @property
    def ratio(self) -> float:
        if self.paired is not None:
            return self.paired
        return self.value / self.baseline if self.baseline else math.inf

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "info"
        on, op, limit = self.goal
        subject = self.ratio if on == "ratio" else self.value
        return "PASS" if _OPS[op](subject, limit) else "MISS"

    def goal_text(self) -> str:
        if self.goal is None:
            return "-"
        on, op, limit = self.goal
        return f"ratio {op} {limit:g}" if on == "ratio" else f"{op} {limit:g} {self.unit}"


def print_table(title: str, rows: list[Row], notes: list[str] | None = None) -> None:
    """A Markdown table: measure, value, baseline, ratio, goal, result; then the notes."""
    header = ["measure", "value", "baseline", "ratio", "goal", "result"]
    body = [
        [
            row.what,
            f"{row.value:,.{row.digits}f} {row.unit}",
            f"{row.baseline:,.{row.digits}f} {row.unit}",
            f"{row.ratio:.2f}",
            row.goal_text(),
            row.verdict,
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    print(f"\n## {title}\n")
    for line in [header, ["-" * w for w in widths], *body]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |")
    for note in notes or []:
        print(f"- {note}")
    print(flush=True)


class PeakRss:
    """`async with PeakRss() as peak:` samples this process's RSS every 20 ms; `peak.bytes` is
    the highest seen; `PeakRss.settled()` is the RSS after deleting `paths` and a collection."""

    def __init__(self) -> None:
        self.bytes = 0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PeakRss:
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task:
            self._task.cancel()

    async def _sample(self) -> None:
        me = psutil.Process()
        while True:
            self.bytes = max(self.bytes, me.memory_info().rss)
            await asyncio.sleep(0.02)

    @staticmethod
    def settled(paths: Iterable[str | None]) -> int:
        for path in paths:
            if path:
                os.unlink(path)
        gc.collect()
        return psutil.Process().memory_info().rss
