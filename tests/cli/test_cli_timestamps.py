"""`sidetui run --timestamps`: each line of the child's output starts with the time it arrived;
without the flag the output is copied byte for byte, piped or not."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from tests.cli.test_cli import Runner
from tests.helpers import write_block

# A line in two writes, pauses between lines, a line on stderr, raw bytes without a newline.
TALKER = """
import sys, time
sys.stdout.write("first ha"); sys.stdout.flush(); time.sleep(0.2)
sys.stdout.write("lf\\nsecond\\n"); sys.stdout.flush(); time.sleep(0.3)
print("on stderr", file=sys.stderr, flush=True)
sys.stdout.buffer.write(b"\\x00raw\\xff end"); sys.stdout.flush()
"""
RAW_OUTPUT = b"first half\nsecond\n\x00raw\xff end"
STAMP = re.compile(rb"^(\d\d):(\d\d):(\d\d)\.(\d{3}) ")


def test_each_line_starts_with_the_time_it_arrived(cli: Runner, project: Path) -> None:
    write_block(project / "actionblocks", "talker", TALKER, {"entryPoint": "main.py"})
    before = datetime.now()
    ran = cli("run", "talker", "--timestamps")
    after = datetime.now()
    assert ran.returncode == 0, ran
    lines = ran.stdout.split(b"\n")
    assert [STAMP.sub(b"", line) for line in lines] == RAW_OUTPUT.split(b"\n")
    times = [_time_of(line, before) for line in lines]
    assert all(STAMP.match(line) for line in lines), lines  # the unended last line too
    assert times == sorted(times)
    assert before - timedelta(seconds=1) <= times[0] and times[-1] <= after + timedelta(seconds=1)
    assert times[-1] - times[0] >= timedelta(milliseconds=400)  # the arrival, not the end
    stderr_line = ran.stderr.split(b"\n")[0]
    assert STAMP.match(stderr_line) and stderr_line.endswith(b" on stderr"), ran
    summary = ran.err.splitlines()[-1]
    assert summary.startswith("sidetui: talker completed"), ran  # not stamped: it is ours


def test_without_the_flag_the_output_is_byte_exact(cli: Runner, project: Path) -> None:
    write_block(project / "actionblocks", "talker", TALKER, {"entryPoint": "main.py"})
    ran = cli("run", "talker")
    assert ran.returncode == 0, ran
    assert ran.stdout == RAW_OUTPUT
    assert ran.stderr.startswith(b"on stderr\n")


def _time_of(line: bytes, day: datetime) -> datetime:
    match = STAMP.match(line)
    assert match, line
    hours, minutes, seconds, millis = (int(part) for part in match.groups())
    return day.replace(hour=hours, minute=minutes, second=seconds, microsecond=millis * 1000)
