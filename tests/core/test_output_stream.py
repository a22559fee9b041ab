"""OutputStream: decoding, line splitting, the bounded tail and the log file, fed by hand."""

from __future__ import annotations

from pathlib import Path

from sidetui.core.output import Interleaving, LogFile, OutputStream


def stream_in(tmp_path: Path, lines: int = 100, chars: int = 10_000, line_max: int = 1_000):
    return OutputStream("stdout", LogFile(tmp_path / "x.stdout"), lines, chars, line_max)


def test_a_character_split_between_reads_survives(tmp_path: Path) -> None:
    stream = stream_in(tmp_path)
    data = "naïve café – 日本 🎉\n".encode()
    for byte in data:
        stream.feed(bytes([byte]))
    assert stream.lines() == ["naïve café – 日本 🎉"]


def test_invalid_utf8_becomes_replacement_characters_and_stays_raw_on_disk(tmp_path: Path) -> None:
    stream = stream_in(tmp_path)
    raw = b"ok \xff\xfe bad\n\xe2\x82"  # a broken 3-byte sequence at the very end
    stream.feed(raw)
    stream.close()
    assert stream.lines() == ["ok \ufffd\ufffd bad", "\ufffd"]
    assert (tmp_path / "x.stdout").read_bytes() == raw


def test_crlf_and_carriage_return_progress(tmp_path: Path) -> None:
    stream = stream_in(tmp_path)
    stream.feed(b"windows\r")
    stream.feed(b"\nbar 10%\rbar 50%\r")
    assert stream.partial == "bar 50%"
    stream.feed(b"bar 100%\r\ndone\n")
    assert stream.lines() == ["windows", "bar 100%", "done"]


def test_progress_bar_without_newlines_does_not_grow(tmp_path: Path) -> None:
    stream = stream_in(tmp_path)
    for percent in range(10_000):
        stream.feed(f"{percent % 100}%\r".encode())
    assert stream.partial == "99%"
    assert len(b"".join(stream._partial)) < 10


def test_tail_is_bounded_by_lines(tmp_path: Path) -> None:
    stream = stream_in(tmp_path, lines=100)
    stream.feed(b"".join(b"line %d\n" % i for i in range(1_000)))
    assert len(stream.lines()) == 100
    assert stream.lines()[0] == "line 900"
    assert stream.lines_total == 1_000
    assert stream.first_line_number == 900


def test_tail_is_bounded_by_size(tmp_path: Path) -> None:
    stream = stream_in(tmp_path, lines=10_000, chars=1_000)
    stream.feed(b"".join(b"%09d\n" % i for i in range(1_000)))  # 9 characters a line
    kept = stream.lines()
    assert sum(map(len, kept)) <= 1_000
    assert kept[-1] == "000000999"
    assert len(kept) == 1_000 // 9


def test_a_line_longer_than_the_bound_is_truncated_in_memory_only(tmp_path: Path) -> None:
    stream = stream_in(tmp_path, line_max=100)
    big = b"x" * 5_000
    for start in range(0, len(big), 333):  # arrives in pieces, without a newline until the end
        stream.feed(big[start : start + 333])
    stream.feed(b"\nafter\n")
    first, after = stream.lines()
    assert len(first) <= 100
    kept = len(first) - len(first.lstrip("x"))
    assert first == "x" * kept + f"…[+{5_000 - kept} bytes, whole in the log file]"
    assert after == "after"
    assert (tmp_path / "x.stdout").read_bytes() == big + b"\nafter\n"


def test_close_turns_the_unfinished_line_into_a_line(tmp_path: Path) -> None:
    stream = stream_in(tmp_path)
    stream.feed(b"one\ntwo")
    assert stream.text() == "one\ntwo"
    stream.close()
    assert stream.lines() == ["one", "two"]
    assert stream.partial == ""


def test_listeners_get_the_lines_that_came_after_they_started(tmp_path: Path) -> None:
    stream = stream_in(tmp_path)
    stream.feed(b"before\n")
    stream.start_collecting()
    assert not stream.has_news
    stream.feed(b"a\nb\npart", when=100.0)
    assert stream.has_news
    assert stream.take_pending() == (["a", "b"], [100.0, 100.0], 1, 0)
    assert not stream.has_news
    stream.feed(b"ial\n", when=101.5)
    assert stream.take_pending() == (["partial"], [101.5], 3, 0)


def test_pending_lines_are_bounded_and_count_what_was_dropped(tmp_path: Path) -> None:
    stream = stream_in(tmp_path, lines=10)
    stream.start_collecting()
    for i in range(25):
        stream.feed(b"%d\n" % i)
    lines, times, first, dropped = stream.take_pending()
    assert lines == [str(i) for i in range(15, 25)]
    assert len(times) == len(lines)
    assert (first, dropped) == (15, 15)


def test_a_log_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    log = LogFile(tmp_path / "missing-folder" / "x.stdout")
    stream = OutputStream("stdout", log, 10, 1_000, 100)
    stream.feed(b"still kept in memory\n")
    assert stream.lines() == ["still kept in memory"]
    assert log.error is not None
    assert "cannot open log" in log.error


def test_interleaving_keeps_a_gapless_newest_run_when_a_tail_is_shorter(tmp_path: Path) -> None:
    out = OutputStream("stdout", LogFile(tmp_path / "o"), 3, 10_000, 1_000)
    err = OutputStream("stderr", LogFile(tmp_path / "e"), 100, 10_000, 1_000)
    order = Interleaving(100)
    written = [(err, b"a")] + [(out, b"%d" % i) for i in range(5)] + [(err, b"5"), (err, b"6")]
    for stream, line in written:
        stream.feed(line + b"\n")
        order.note(stream)
    lines, marks, first = order.merge(out.lines(), err.lines())
    assert lines == ["2", "3", "4", "5", "6"]  # "a" is kept, but 0 and 1 (between) are not
    assert marks == [False, False, False, True, True]
    assert first == 3  # a, 0, 1 came before
