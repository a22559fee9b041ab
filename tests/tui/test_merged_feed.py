"""The merged feed puts the lines of many streams in arrival order, a read's lines together, and
keeps only the newest it holds of a batch bigger than itself."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

from sidetui.core.output import LogFile, OutputStream
from sidetui.tui.widgets.merged_feed import Arrived, MergedFeed, Run

A = ("a", "#fff")
B = ("b", "#000")


def run(label: tuple[str, str], times: list[float], stderr: bool = False) -> Run:
    return (times, [f"{label[0]}{i}@{t}" for i, t in enumerate(times)], label, stderr)


def test_lines_interleave_by_time_and_a_reads_lines_stay_together() -> None:
    feed = MergedFeed()
    feed.append([run(A, [1.0, 1.0, 3.0, 3.0]), run(B, [0.5, 1.0, 2.0, 3.0], stderr=True)])
    assert list(feed.lines) == ["b0@0.5", "a0@1.0", "a1@1.0", "b1@1.0", "b2@2.0", "a2@3.0",
                                "a3@3.0", "b3@3.0"]  # fmt: skip
    assert list(feed.times) == [0.5, 1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert [label for label, _ in feed.labels] == ["b", "a", "a", "b", "b", "a", "a", "b"]
    assert list(feed.stderr) == [True, False, False, True, True, False, False, True]
    assert feed.appended == 8 and feed.first == 0


def test_a_batch_bigger_than_the_feed_keeps_its_newest_lines() -> None:
    feed = MergedFeed(max_lines=5)
    feed.append([run(A, [1.0] * 4 + [4.0] * 2), run(B, [2.0, 3.0, 3.0, 5.0])])
    assert list(feed.times) == [3.0, 3.0, 4.0, 4.0, 5.0]
    assert list(feed.lines) == ["b1@3.0", "b2@3.0", "a4@4.0", "a5@4.0", "b3@5.0"]
    assert feed.appended == 10 and feed.first == 5


def test_the_cut_can_fall_inside_a_reads_lines() -> None:
    feed = MergedFeed(max_lines=4)
    feed.append([run(A, [1.0] * 4 + [4.0] * 2), run(B, [2.0, 3.0, 3.0, 5.0])])
    assert list(feed.lines) == ["b2@3.0", "a4@4.0", "a5@4.0", "b3@5.0"]
    feed.append([run(A, [6.0])])
    assert list(feed.lines) == ["a4@4.0", "a5@4.0", "b3@5.0", "a0@6.0"]
    assert feed.appended == 11 and feed.first == 7


def test_taking_what_arrived_decodes_only_the_newest_and_keeps_the_same_lines(
    tmp_path: Path,
) -> None:
    """`take` (which decodes only lines recent enough to be held) leaves the feed as appending
    every decoded line would, and counts every line once."""
    chance = random.Random(5)
    streams = [OutputStream(n, LogFile(tmp_path / n), 500, 10**6, 200) for n in "abc"]
    lazy, eager = MergedFeed(max_lines=300), MergedFeed(max_lines=300)
    seen = [0, 0, 0]
    for when in range(60):
        for stream in chance.sample(streams, 2):
            stream.feed(b"%s %d\n" % (stream.name.encode(), when) * chance.randint(1, 40), when)
        if when % 7:
            continue
        arrived, runs = [], []
        for i, (stream, label) in enumerate(zip(streams, (A, B, A), strict=True)):
            new, seen[i] = stream.lines_total - seen[i], stream.lines_total
            reads = stream.reads(new)
            arrived.append(
                Arrived(reads, partial(stream.lines_before, stream.lines_total), label, i == 2)
            )
            lines, times = stream.lines()[-new:], stream.line_times()[-new:]
            runs.append((times, lines, label, i == 2))
        stream.feed(b"after the look\n", when + 0.5)  # comes before the lines are taken
        lazy.take(arrived)
        eager.append(runs)
        assert list(lazy.lines) == list(eager.lines) and list(lazy.times) == list(eager.times)
        assert list(lazy.labels) == list(eager.labels) and list(lazy.stderr) == list(eager.stderr)
        assert lazy.appended == eager.appended
    assert lazy.first > 0  # the feed let lines go
