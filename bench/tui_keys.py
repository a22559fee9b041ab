"""A held key for the TUI benchmarks: presses posted from a thread through the driver (what a
terminal's input thread does), each timed to the first frame that shows what it changed."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from _common import clock
from textual import events
from textual.app import App
from textual.widget import Widget


class HeldKey:
    """Posts `key` from a thread every `spacing` s; records each post and the first screen
    update after the widget's `attribute` next changed (keys are handled in order: the n-th
    change answers the n-th press)."""

    def __init__(
        self, app: App[Any], widget: Widget, attribute: str, key: str, spacing: float
    ) -> None:
        self.key, self.spacing = key, spacing
        self.posted: list[float] = []
        self.moved: dict[int, float] = {}
        self.frames: dict[int, float] = {}
        self._pending: list[int] = []
        display = app._display

        def counted_display(screen, renderable):  # type: ignore[no-untyped-def]
            display(screen, renderable)
            if renderable is not None:
                now = clock()
                for index in self._pending:
                    self.frames.setdefault(index, now)
                self._pending.clear()

        def moved(old: object, new: object) -> None:
            if old == new:  # set again to the same (a reactive that always tells): not a move
                return
            index = len(self.moved)  # keys are handled in order: the n-th move is the n-th press
            if index < len(self.posted):
                self.moved[index] = clock()
                self._pending.append(index)

        app._display = counted_display  # type: ignore[method-assign]
        app.watch(widget, attribute, moved, init=False)
        self.app = app

    def post(self, presses: int) -> None:
        driver = self.app._driver
        assert driver is not None
        start = clock() + 0.05
        for i in range(presses):
            if (delay := start + i * self.spacing - clock()) > 0:
                time.sleep(delay)
            self.posted.append(clock())
            driver.process_message(events.Key(self.key, None))

    async def hold(self, presses: int) -> list[float]:
        thread = threading.Thread(target=self.post, args=(presses,))
        thread.start()
        while thread.is_alive():  # noqa: ASYNC110 (the app's state, polled)
            await asyncio.sleep(0.02)
        deadline = clock() + 10
        while len(self.frames) < presses and clock() < deadline:  # noqa: ASYNC110 (the app's state, polled)
            await asyncio.sleep(0.02)
        return [(self.frames[i] - self.posted[i]) * 1000 for i in sorted(self.frames)]
