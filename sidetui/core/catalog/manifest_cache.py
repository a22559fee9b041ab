"""Parsed manifests kept in the state folder, so a load never parses an unchanged file again.

Only what is a pure function of one file's bytes is kept: a YAML or JSON manifest read into a
mapping, a README's first paragraph, a SKILL.md's front matter and body. A value is used again
only while the file's device, inode, size, modification and change times (ns) are all the ones it
was read with: an edit, a replacement by another file (even with the old modification time put
back), a retargeted symlink or a chmod each change one of them. A file changed in the last few
seconds is not kept (two writes within one tick of the file system's clock can share their times),
nor is a value JSON cannot carry exactly (a date, binary, a key that is not text). Everything
else an entry depends on (which files exist, the entry file and its mode, `node_modules` above a
block) is looked at on every scan.

One JSON file per root in `<state>/catalog/`, 0600 in a 0700 folder, replaced atomically: two
processes may write it, the last one wins, each whole. A file that cannot be read or parsed, is
not private to this user, is of another format, version or parser, or names another root is
ignored, never an error; a cache that cannot be written costs speed, not correctness.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sidetui import __version__

T = TypeVar("T")
FORMAT = "sidetui-catalog-cache"
VERSION = 2
SETTLE_NS = 3_000_000_000  # younger files are parsed every time
_PLAIN = (str, int, float, bool, type(None))
_decode = json.JSONDecoder().raw_decode  # `json.loads` without its checks of a str's start


@dataclass(frozen=True)
class CacheFolder:
    """Where the caches of all roots are kept, and how old a file must be to be kept."""

    folder: Path
    settle_ns: int = SETTLE_NS

    def for_root(self, root: Path) -> ManifestCache:
        """The cache of `root` (one file per root, named by a hash of its path)."""
        name = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
        return ManifestCache(self.folder / f"{name}.json", root, self.settle_ns)


class ManifestCache:
    """The cached values of one root's files for one load; `save()` keeps those it used."""

    def __init__(self, file: Path, root: Path, settle_ns: int = SETTLE_NS):
        self.file = file
        self.root = str(root)
        self.settle_ns = settle_ns
        self._known = _read_records(file, self.root)
        self._used: dict[str, list[str]] = {}
        self._added = False

    def read(
        self,
        path: str,
        info: os.stat_result,
        parse: Callable[[str], T],
        kind: str,
        valid: Callable[[Any], bool],
    ) -> T:
        """`parse(path)`, or the value it gave for this very file before; `info` is the file's
        `os.stat` taken before the call. `valid` checks a cached value's shape."""
        key = (
            f"{kind} {info.st_dev} {info.st_ino} {info.st_size} {info.st_mtime_ns} "
            f"{info.st_ctime_ns}"
        )  # one string, not six objects: a record costs less to read and to keep
        record = self._known.get(path)
        if record is not None and record[0] == key:
            try:
                value, end = _decode(record[1])
            except (ValueError, TypeError, RecursionError):
                value, end = None, -1
            else:
                if end == len(record[1]) and valid(value):
                    self._used[path] = record
                    return value  # type: ignore[no-any-return]
        value = parse(path)
        settled = time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) >= self.settle_ns
        if settled and stat.S_ISREG(info.st_mode) and _is_plain(value):
            with contextlib.suppress(ValueError, RecursionError):  # too deep: parsed next time
                self._used[path] = [key, json.dumps(value)]
                self._added = True
        return value

    def save(self, complete: bool = True) -> None:
        """Write what this load used, unless it is what the file already holds. A load cut short
        (`complete` False) keeps the records it did not reach as well: the next one may get
        further, so a large tree fills its cache over a few slow loads."""
        if not self._added and (not complete or len(self._used) == len(self._known)):
            return
        if not complete:
            self._used = {**self._known, **self._used}
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
            _replace(self.file, self._document())

    def _document(self) -> Iterator[str]:
        """The cache file's JSON in pieces, one a record: never all of it in memory at once."""
        head = {"format": FORMAT, "version": VERSION, "parser": parser(), "root": self.root}
        yield json.dumps(head, separators=(",", ":"))[:-1] + ',"files":{'
        separator = ""
        for path, record in self._used.items():
            yield f"{separator}{json.dumps(path)}:{json.dumps(record, separators=(',', ':'))}"
            separator = ","
        yield "}}"


@functools.cache
def parser() -> str:
    """Which sidetui and which PyYAML made the values: told without importing PyYAML (a warm
    cache parses nothing, and must not pay for it) by its module file's place, size and time,
    which an upgrade or a reinstall changes."""
    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None else None
    try:
        info = os.stat(origin) if origin else None
    except OSError:
        info = None
    place = f"{origin} {info.st_size} {info.st_mtime_ns}" if info else "not found"
    return f"sidetui {__version__}, PyYAML at {place}"


def _read_records(file: Path, root: str) -> dict[str, list[str]]:
    """The records of a cache file that is ours and of this format; {} for anything else."""
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return {}
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            return {}
        with open(descriptor, "rb", closefd=False) as handle:
            document = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(descriptor)
    if not isinstance(document, dict) or (
        document.get("format"),
        document.get("version"),
        document.get("parser"),
        document.get("root"),
    ) != (FORMAT, VERSION, parser(), root):
        return {}
    files = document.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        path: record
        for path, record in files.items()
        if isinstance(record, list) and len(record) == 2 and all(type(r) is str for r in record)
    }


def _replace(file: Path, text: Iterable[str]) -> None:
    """`file` holds `text` at once, private: written beside it, then renamed over it."""
    folder = file.parent
    missing = [folder, *(p for p in folder.parents)]
    for parent in reversed(missing[: next(i for i, p in enumerate(missing) if p.is_dir())]):
        parent.mkdir(mode=0o700, exist_ok=True)  # a new state folder is private too
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        os.chmod(folder, 0o700)
    import tempfile  # here: a load that writes nothing does not import it

    descriptor, temporary = tempfile.mkstemp(prefix=".cache-", dir=folder)  # 0600
    try:
        with open(descriptor, "w", encoding="ascii") as handle:
            handle.writelines(text)
        os.replace(temporary, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _is_plain(value: Any) -> bool:
    """JSON carries `value` exactly: text keys, lists, and scalars of JSON's own types."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if any(type(key) is not str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in _PLAIN:
            return False
    return True
