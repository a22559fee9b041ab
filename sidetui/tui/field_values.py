"""Values as people type them into a one-line field, and back: numbers, lists, timeouts.

A list is typed the way people write one - `Ada, Linus` - or as JSON (`["Ada", "Linus"]`); each
item of a typed list is JSON when it reads as JSON (`1, 2` are numbers), text otherwise, as
`sidetui run --param` reads values.
"""

from __future__ import annotations

import json
import math
from typing import Any


class FieldProblem(ValueError):
    """Why what a field holds is not a value of its type (said in place, under the field)."""


def read_field(kind: str, raw: str) -> Any:
    """The value of `raw` typed into a field of the declared `kind` (`FieldProblem` if none)."""
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise FieldProblem(f"expected integer (a whole number), got {raw!r}") from None
    if kind == "number":
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise FieldProblem(f"expected number, got {raw!r}")
        return int(raw) if raw.lstrip("+-").isdigit() else value  # 3 stays 3, not 3.0
    if kind == "array":
        return read_list(raw)
    return raw


def read_list(raw: str) -> Any:
    """`a, b, c` as a list of items, or JSON when it starts as JSON does (`[` or `{`)."""
    if raw.startswith(("[", "{")):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as error:
            raise FieldProblem(f"not JSON: {error.msg} (column {error.colno})") from None
    return [item_value(item.strip()) for item in raw.split(",") if item.strip()]


def item_value(text: str) -> Any:
    """An item as JSON when it is JSON (not NaN or Infinity), else as text."""
    try:
        value = json.loads(text, parse_constant=_not_json)
    except ValueError:
        return text
    return value


def field_text(kind: str, value: Any) -> str:
    """How a field shows `value` (a default, or what was launched last time)."""
    if value is None:
        return ""
    if kind == "array" and isinstance(value, list):
        if all(_plain_item(item) for item in value):
            return ", ".join(value)
        return json.dumps(value)
    return str(value)


def read_timeout(raw: str) -> int | None:
    """Milliseconds: empty for the default, 0 for none."""
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise FieldProblem("a whole number of milliseconds") from None
    if value < 0:
        raise FieldProblem("0 or more")
    return value


def _plain_item(item: Any) -> bool:
    """An item that reads back as itself from `a, b`: text that is not JSON of another kind."""
    return (
        isinstance(item, str)
        and item == item.strip()
        and "," not in item
        and (item_value(item) == item)
        and item != ""
    )


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")
