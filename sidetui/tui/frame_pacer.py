"""The main screen's frames: at most one each 1/60 s, and at once when one is asked for after
that - or, after a long frame, once as long again has passed.

Textual's screen update timer ticks on a fixed grid of 1/60 s. After a frame that took longer
than a step, it skips to the second point of the grid after the frame ended, not the first: a
change asked for just after a 20 ms frame waited up to 33 ms more for the frame that shows it
(a launched child's first line, the cursor of a key). This timer starts a frame as soon as one is
asked for, once 1/60 s has passed since the last one began and, after a frame longer than that,
once as long again has passed since it ended: under a flood, frames keep taking half the loop at
most, and the engine the rest.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

from textual._time import get_time
from textual.screen import UPDATE_PERIOD, Screen
from textual.timer import EventTargetGone, Timer

if TYPE_CHECKING:
    _Screen = Screen[None]
else:
    _Screen = object  # not a DOM class: the screen's CSS stays its own


BUSY_SHARE = 2  # a frame that took t: the next begins t after it ended, at the soonest


class FramePacer(Timer):
    """A paused-until-asked repeating timer whose ticks are at least `interval` apart, and
    apart by twice a tick's length after a long one (frames take at most half the loop)."""

    async def _run(self) -> None:
        due = -math.inf  # when the next tick may begin
        while True:
            await self._active.wait()
            wait = due - get_time()
            if wait > 0:
                await asyncio.sleep(wait)
                await self._active.wait()
            began = get_time()
            try:
                await self._tick(next_timer=began, count=0)
            except EventTargetGone:
                return
            took = get_time() - began
            due = began + max(self._interval, BUSY_SHARE * took)


class PacedFrames(_Screen):
    """A screen whose frames a `FramePacer` times (mixed in before the screen class)."""

    _pacer: FramePacer | None = None

    @property
    def _update_timer(self) -> Timer:
        if self._pacer is None:
            update = self._on_timer_update
            pacer = FramePacer(self, UPDATE_PERIOD, name="frames", callback=update, pause=True)
            pacer._start()
            self._timers.add(pacer)  # stopped with the screen's other timers
            self._pacer = pacer
        return self._pacer
