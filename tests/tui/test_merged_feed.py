"""The merged feed puts the lines of many streams in arrival order, a read's lines together, and
keeps only the newest it holds of a batch bigger than itself."""

from __future__ import annotations

from sidetui.tui.widgets.merged_feed import MergedFeed, Run

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
