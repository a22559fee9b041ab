"""Declared inputs: reading their declarations and checking params against them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sidetui.core.catalog.entries import JSON_TYPES, InputSpec
from sidetui.core.records import strict_json
from sidetui.core.records.errors import ErrorCode, Refusal


def parse_input_specs(raw: Any, where: str = "inputs") -> tuple[tuple[InputSpec, ...], list[str]]:
    """A manifest's `inputs` list: the specs it could read, and one error per problem."""
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [f"{where} must be a list of {{name, type, ...}}, found {_json_kind(raw)}"]
    specs: list[InputSpec] = []
    errors: list[str] = []
    for index, item in enumerate(raw):
        label = f"{where}[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{label} must be a mapping, found {_json_kind(item)}")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name:
            errors.append(f"{label} has no name")
            continue
        label = f"{label} ({name})"
        kind = item.get("type", "string")
        if kind not in JSON_TYPES:
            errors.append(f"{label}: unknown type {kind!r} (use one of {', '.join(JSON_TYPES)})")
            continue
        spec = InputSpec(
            name=name,
            type=kind,
            required=bool(item.get("required", False)),
            description=str(item.get("description") or ""),
            default=item.get("default"),
            has_default="default" in item and item["default"] is not None,
        )
        if spec.has_default and (problem := type_problem(spec.type, spec.default)):
            errors.append(f"{label}: default {problem}")
            continue
        specs.append(spec)
    return tuple(specs), errors


def validate_params(specs: Sequence[InputSpec], params: Any) -> dict[str, Any]:
    """Params for the child with declared defaults filled in, or `INVALID_PARAMS` per field."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise Refusal(
            ErrorCode.INVALID_PARAMS, f"params must be a JSON object, not {_json_kind(params)}"
        )
    try:
        strict_json.dumps(params)
    except (TypeError, ValueError) as error:
        raise Refusal(ErrorCode.INVALID_PARAMS, f"params are not valid JSON: {error}") from None
    result = dict(params)
    problems: dict[str, str] = {}
    for spec in specs:
        value = result.get(spec.name)
        if value is None:
            if spec.has_default:
                result[spec.name] = spec.default
            elif spec.required:
                problems[spec.name] = f"required {spec.type} is missing"
            continue
        if problem := type_problem(spec.type, value):
            problems[spec.name] = problem
    if problems:
        listed = "; ".join(f"{name}: {problem}" for name, problem in problems.items())
        raise Refusal(ErrorCode.INVALID_PARAMS, f"Invalid params - {listed}", {"fields": problems})
    return result


def type_problem(kind: str, value: Any) -> str | None:
    """Why `value` is not a JSON value of `kind`, or None when it is."""
    ok = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": _is_integer(value),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
    }[kind]
    return None if ok else f"expected {kind}, got {_json_kind(value)} {_preview(value)}"


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _preview(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, default=repr)
    return text if len(text) <= limit else text[: limit - 1] + "…"
