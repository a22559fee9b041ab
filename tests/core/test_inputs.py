"""Declared inputs: reading them from a manifest and checking params against them."""

from __future__ import annotations

import pytest

from sidetui.core import ErrorCode, InputSpec, Refusal
from sidetui.core.catalog.inputs import parse_input_specs, validate_params

SPECS = (
    InputSpec("title", "string", required=True),
    InputSpec("count", "integer", default=3, has_default=True),
    InputSpec("ratio", "number"),
    InputSpec("loud", "boolean"),
    InputSpec("tags", "array"),
    InputSpec("options", "object"),
)


def test_valid_params_get_defaults_filled_in_and_extra_keys_kept() -> None:
    checked = validate_params(SPECS, {"title": "x", "ratio": 2, "extra": [1]})
    assert checked == {"title": "x", "ratio": 2, "count": 3, "extra": [1]}


def test_an_integral_float_is_an_integer_but_a_boolean_is_not() -> None:
    assert validate_params(SPECS, {"title": "x", "count": 3.0})["count"] == 3.0
    with pytest.raises(Refusal) as refused:
        validate_params(SPECS, {"title": "x", "count": True})
    assert "count" in refused.value.error.details["fields"]


def test_every_offending_field_is_named() -> None:
    params = {"count": "three", "ratio": "1", "loud": "yes", "tags": {}, "options": []}
    with pytest.raises(Refusal) as refused:
        validate_params(SPECS, params)
    error = refused.value.error
    assert error.code is ErrorCode.INVALID_PARAMS
    assert set(error.details["fields"]) == {"title", "count", "ratio", "loud", "tags", "options"}
    assert "title: required string is missing" in error.message
    assert 'count: expected integer, got string "three"' in error.message


@pytest.mark.parametrize("params", [[1, 2], "text", 3])
def test_params_must_be_an_object(params: object) -> None:
    with pytest.raises(Refusal, match="must be a JSON object"):
        validate_params((), params)


def test_params_must_be_json() -> None:
    with pytest.raises(Refusal, match="not valid JSON"):
        validate_params((), {"when": object()})
    with pytest.raises(Refusal, match="not valid JSON"):
        validate_params((), {"x": float("nan")})


def test_reading_declarations_reports_each_problem() -> None:
    specs, errors = parse_input_specs(
        [
            {"name": "ok", "type": "integer", "required": True, "default": 2},
            {"type": "string"},
            {"name": "bad", "type": "int"},
            {"name": "wrong", "type": "boolean", "default": "yes"},
            "not a mapping",
        ]
    )
    assert [s.name for s in specs] == ["ok"]
    assert specs[0].required and specs[0].default == 2
    assert errors == [
        "inputs[1] has no name",
        "inputs[2] (bad): unknown type 'int' (use one of string, number, integer, boolean, "
        "object, array)",
        'inputs[3] (wrong): default expected boolean, got string "yes"',
        "inputs[4] must be a mapping, found string",
    ]
