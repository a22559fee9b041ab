"""What a start request must pass before anything runs: a runnable block or runnable code,
params that match, a timeout in milliseconds."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.catalog.inputs import validate_params
from sidetui.core.config import EngineConfig
from sidetui.core.protocol.inline_code import LANGUAGES
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.requests import StartRequest
from sidetui.core.records.thread_messages import thread_messages


@dataclass(frozen=True)
class Admitted:
    """A start request that passed: what runs (`block`, or the request's code when None), its
    checked params and its time limit in ms."""

    request: StartRequest
    block: ActionBlock | None
    params: dict[str, Any]
    timeout: int | None
    thread_messages: list[dict[str, Any]]


def admit(
    request: StartRequest,
    resolve: Callable[[str | os.PathLike[str]], ActionBlock],
    config: EngineConfig,
) -> Admitted:
    """The request admitted, or `Refusal` naming what is wrong; nothing has run either way."""
    messages = thread_messages(request.thread_messages)
    if request.target is None:
        params, limit = admit_code(
            request.code, request.language, request.params, request.timeout,
            config.code_timeout_ms,
        )  # fmt: skip
        return Admitted(request, None, params, limit, messages)
    block = resolve(request.target)
    params, limit = admit_block(block, request.params, request.timeout, config.default_timeout_ms)
    return Admitted(request, block, params, limit, messages)


def admit_block(
    block: ActionBlock, params: Any, timeout: Any, default_timeout: int | None
) -> tuple[dict[str, Any], int | None]:
    """A runnable block, params that match its inputs, a timeout: the checked params and the
    limit in ms; `Refusal` naming what is wrong otherwise."""
    ensure_runnable(block)
    return validate_params(block.inputs, params), choose_timeout(
        timeout, block.timeout, default_timeout
    )


def admit_code(
    code: Any, language: str, params: Any, timeout: Any, default_timeout: int | None
) -> tuple[dict[str, Any], int | None]:
    """Code sidetui can run, params that are a JSON object, a timeout: the checked params and
    the limit in ms; `Refusal` naming what is wrong otherwise."""
    ensure_code_runs(code, language)
    return validate_params((), params), choose_timeout(timeout, None, default_timeout)


def ensure_runnable(block: ActionBlock) -> None:
    """`INVALID_ACTION_BLOCK`, with the block's errors, when it is broken."""
    if not block.valid:
        raise Refusal(
            ErrorCode.INVALID_ACTION_BLOCK,
            f"ActionBlock {block.name} cannot run: {'; '.join(block.errors)}",
            {"path": str(block.path), "errors": list(block.errors)},
        )


def ensure_code_runs(code: Any, language: str) -> None:
    """`INVALID_REQUEST` for empty code or a language sidetui cannot run."""
    if not isinstance(code, str):
        raise Refusal(ErrorCode.INVALID_REQUEST, f"code must be text, not {type(code).__name__}")
    if not code.strip():
        raise Refusal(ErrorCode.INVALID_REQUEST, "there is no code to run")
    if language not in LANGUAGES:
        raise Refusal(
            ErrorCode.INVALID_REQUEST,
            f"language must be one of {', '.join(LANGUAGES)}, not {language!r}",
        )


def choose_timeout(requested: Any, manifest: int | None, configured: int | None) -> int | None:
    """The limit in ms (None: none): the request's, else the manifest's, else the configured
    one; 0 means none. `INVALID_REQUEST` for a timeout that is not a number >= 0."""
    valid = (
        isinstance(requested, int | float)
        and not isinstance(requested, bool)
        and math.isfinite(requested)
    )
    if requested is not None and (not valid or requested < 0):
        raise Refusal(
            ErrorCode.INVALID_REQUEST, f"timeout must be milliseconds >= 0, not {requested!r}"
        )
    chosen = next((t for t in (requested, manifest, configured) if t is not None), None)
    return chosen or None
