"""Wall-clock times as the records show them: ISO 8601 in UTC with milliseconds."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def iso_from_epoch(seconds: float) -> str:
    """`2026-11-21T12:00:00.123Z` for an epoch time in seconds."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_now() -> str:
    return iso_from_epoch(time.time())
