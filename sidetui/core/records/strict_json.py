"""JSON as other programs read it: no NaN or Infinity (JavaScript's `JSON.parse` rejects them), and
no nesting so deep that it would exhaust the stack. What breaks either rule is refused with a
`ValueError` that says why - never a crash, never a document another program cannot read."""

from __future__ import annotations

import json
import math
from typing import Any


def loads(text: str | bytes) -> Any:
    """The value of `text`; `ValueError` for malformed JSON, NaN, Infinity or deep nesting."""
    try:
        return json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def dumps(value: Any, **options: Any) -> str:
    """`value` as JSON; `ValueError` for NaN, Infinity or deep nesting, `TypeError` for what JSON
    cannot hold."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except RecursionError:
        raise ValueError("nested too deeply to be JSON") from None


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} is too large for a JSON number")
    return number
