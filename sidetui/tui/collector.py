"""How the app asks Python's cycle collector to stay out of the way of the keys.

The collector walks the heap now and then; the app's heap holds every row and line it shows, and
a full walk with a few thousand rows of history, or 500 executions alive, stopped the app for
100-900 ms. Two measures:

- the whole heap is considered ten times less often than by default (thresholds 700, 10, 100
  instead of 700, 10, 10); the youngest objects are collected as often as before;
- while keys come in quick succession (a held key, typing) the collector is paused, as Textual
  pauses it while it scrolls, and it runs again once the keys have been quiet for half a second.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from textual.app import App

THRESHOLDS = (700, 10, 100)
QUIET_S = 0.5  # keys quiet this long: the collector runs again


class CollectorPause:
    """Pauses the collector while keys come; `close` gives it back as it was."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._last_key = 0.0
        self._paused = False
        gc.set_threshold(*THRESHOLDS)

    def key(self) -> None:
        """A key arrived."""
        self._last_key = time.monotonic()
        if not self._paused and gc.isenabled():
            gc.disable()
            self._paused = True
            self._app.set_timer(QUIET_S, self._check)

    def _check(self) -> None:
        quiet = time.monotonic() - self._last_key
        if quiet >= QUIET_S:
            self.close()
        else:
            self._app.set_timer(QUIET_S - quiet, self._check)

    def close(self) -> None:
        """The collector as it was before the keys."""
        if self._paused:
            gc.enable()
            self._paused = False
