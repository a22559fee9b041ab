"""Execution ids: `<prefix>_<epoch ms>_<8 hex>`, unique within the set they are checked against."""

from __future__ import annotations

import time
import uuid
from collections.abc import Container


def new_execution_id(prefix: str, taken: Container[str]) -> str:
    """A fresh id not in `taken`; thousands in the same millisecond still differ."""
    while True:
        candidate = f"{prefix}_{int(time.time() * 1000)}_{uuid.uuid4().hex[:8]}"
        if candidate not in taken:
            return candidate
