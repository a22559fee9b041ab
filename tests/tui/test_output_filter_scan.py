"""The output filter over a big log on disk: progress while the scan runs, matches streaming in
block by block, lines arriving after the scan tested as they come."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidetui.core.output import log_grep
from sidetui.core.output.log_search import BLOCK_BYTES, LineQuery
from sidetui.tui.widgets.line_filter import Content, LineFilter


@pytest.fixture(params=["no grep", "grep"])
def grep(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Whether GNU grep is on the PATH (the scan hands plain text to it) or not."""
    if request.param == "no grep":
        monkeypatch.setenv("PATH", "/nonexistent")
    log_grep.gnu_grep.cache_clear()
    if request.param == "grep" and log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    yield request.param == "grep"
    log_grep.gnu_grep.cache_clear()


async def test_a_big_log_is_scanned_with_progress_and_matches_stream_in(
    tmp_path: Path, grep: bool
) -> None:
    log = tmp_path / "big.stdout.log"
    line = b"x" * 70 + b" line end\n"
    lines = 5 * BLOCK_BYTES // len(line)  # five blocks and more
    with log.open("wb") as out:
        for block in range(5):
            out.write(f"needle in block {block}\n".encode() + line * (lines // 5))
    line_filter = LineFilter(LineQuery("NEEDLE"), log, "key")
    seen: list[tuple[str, int]] = []
    await line_filter.run(lambda: seen.append((line_filter.summary(), len(line_filter.lines))))

    counts = [count for _, count in seen]
    assert counts == sorted(counts) and counts[-1] == 5
    if not grep:  # block by block (grep reports every 0.1 s: once or twice here)
        assert any("scanning" in summary and "%" in summary for summary, _ in seen), seen
        assert 0 < counts[0] < counts[-1]  # as they were found
    assert line_filter.lines == [f"needle in block {block}" for block in range(5)]
    total = 5 + 5 * (lines // 5)
    assert seen[-1][0] == f"filter 'NEEDLE': 5 of {total:,} lines"

    tail = [*line_filter.lines[-2:], "hay", "a new needle", "a needle still being writ"]
    shown = line_filter.apply(
        Content("key", tail, total - 2, times=[1.0, 2.0, 3.0, 4.0, 0.0], partial=True)
    )
    assert list(shown.lines)[-2:] == ["needle in block 4", "a new needle"]
    assert list(shown.times or [])[-1] == 4.0
