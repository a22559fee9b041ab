"""Reading manifest files safely: size, binary and encoding limits, YAML and JSON into mappings.

Every failure becomes a `ManifestError` whose message a person can act on; nothing else escapes.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from typing import TYPE_CHECKING, Any

from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    import yaml
else:
    yaml = lazy_module("yaml")  # a warm cache parses no manifest: PyYAML is not loaded then

MANIFEST_MAX_BYTES = 1024 * 1024
README_MAX_BYTES = 64 * 1024
_MAX_NODES = 50_000  # guards against alias bombs that would explode when serialised
_CHUNK = 64 * 1024
FilePath = str | os.PathLike[str]


class ManifestError(Exception):
    """A manifest that cannot be used, with a reason naming the file."""


def read_text(path: FilePath, max_bytes: int = MANIFEST_MAX_BYTES) -> str:
    """The file as text, or `ManifestError` for anything a manifest cannot be.

    Only a regular file is read, and at most `max_bytes + 1` of it: a FIFO, a device or a socket
    named like a manifest is refused without waiting on it (it is opened non-blocking and checked
    before anything is read).
    """
    name = _name(path)
    try:
        data = _read_regular(path, max_bytes + 1)
    except OSError as error:
        raise ManifestError(f"cannot read {name}: {_describe_os_error(error)}") from None
    if len(data) > max_bytes:
        raise ManifestError(f"{name} is larger than the {_human_size(max_bytes)} manifest limit")
    if b"\0" in data:
        raise ManifestError(f"{name} is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ManifestError(
            f"{name} is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def _read_regular(path: FilePath, limit: int) -> bytes:
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise OSError(errno.EISDIR, "it is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")
        # A read asks for its whole size up front (an allocation): the file's size plus one
        # first (the one to see the end), small chunks after that for a file that grew.
        chunks, left, want = [], limit, info.st_size + 1
        while left > 0 and (chunk := os.read(descriptor, min(left, want))):
            chunks.append(chunk)
            left -= len(chunk)
            want = _CHUNK
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def load_yaml_mapping(path: FilePath) -> dict[str, Any]:
    """A YAML file whose top level is a mapping (an empty file is an empty mapping)."""
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ManifestError(f"{_name(path)}: invalid YAML{where}: {error.problem}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        raise ManifestError(f"{_name(path)}: invalid YAML: {error}") from None
    return _as_mapping(path, {} if data is None else data)


def load_json_mapping(path: FilePath) -> dict[str, Any]:
    """A JSON file whose top level is an object."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{_name(path)}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise ManifestError(f"{_name(path)}: invalid JSON: nested too deeply") from None
    return _as_mapping(path, data)


def readme_file_summary(path: FilePath) -> str:
    """The first paragraph of a README that is not a heading or a badge, or ""."""
    try:
        text = read_text(path, README_MAX_BYTES)
    except ManifestError:
        return ""
    return first_paragraph(text)


def first_paragraph(text: str) -> str:
    """The first paragraph of Markdown that is not a heading, a badge or a fence, as one line."""
    paragraph: list[str] = []

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if paragraph:
                break
            continue
        if not paragraph and (line.startswith(("#", "![", "[![", "<", "```", "---", "==="))):
            continue
        paragraph.append(line)
    return " ".join(paragraph)


def _as_mapping(path: FilePath, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ManifestError(f"{_name(path)}: expected a mapping of fields, found {kind}")
    if _count_nodes(data, _MAX_NODES) > _MAX_NODES:
        raise ManifestError(f"{_name(path)}: too large or too deeply aliased to use")
    return {str(key): value for key, value in data.items()}


def _count_nodes(value: Any, budget: int) -> int:
    """Nodes in a parsed document, counting shared (aliased) ones each time; stops past budget."""
    count = 0
    stack = [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _name(path: FilePath) -> str:
    return os.path.basename(os.fspath(path))


def _describe_os_error(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop"
    if error.errno == errno.ENOENT:
        return "file not found (dangling symlink?)"
    if error.errno == errno.EISDIR:
        return "it is a directory"
    return error.strerror or str(error)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MiB"
    return f"{size / 1024:g} KiB"


def text_field(data: dict[str, Any], key: str, errors: list[str]) -> str:
    """A manifest field that must be text (a number is taken as its text); "" when absent, and
    a reason in `errors` when it is something else."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    errors.append(f"{key} must be text, found {type(value).__name__}")
    return ""
