"""The main screen's frame timer: a frame at once when one is asked for and due, never two
within the interval, and after a long frame a pause as long as it (frames take half the loop at
most). Only order and lower bounds are asserted: a tick never comes early, and one that is due
comes within a few turns of the loop."""

from __future__ import annotations

import asyncio
import time

from textual.app import App

from sidetui.tui.frame_pacer import FramePacer
from tests.tui.pilot_support import AppFactory, driving, main


async def turns(count: int = 20) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def until(condition: object, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        await asyncio.sleep(0.01)


class Frames:
    """A pacer's ticks (their start times), each keeping the loop `busy` seconds."""

    def __init__(self, app: App[None], interval: float, busy: float = 0.0):
        self.began: list[float] = []
        self.busy = busy
        self.pacer = FramePacer(app, interval, callback=self.tick, pause=True)
        self.pacer._start()

    def tick(self) -> None:
        self.began.append(time.monotonic())
        self.pacer.pause()  # as the screen does at each frame
        end = time.monotonic() + self.busy
        while time.monotonic() < end:  # a long frame holds the loop
            pass


async def test_due_frames_come_at_once_and_none_comes_early() -> None:
    app = App[None]()
    async with app.run_test():
        frames = Frames(app, interval=0.3)
        frames.pacer.resume()
        await turns()
        assert len(frames.began) == 1  # the first, at once
        frames.pacer.resume()
        await turns()
        assert len(frames.began) == 1  # asked for within the interval: it waits...
        await until(lambda: len(frames.began) == 2)
        assert frames.began[1] - frames.began[0] >= 0.3  # ...for the interval
        await asyncio.sleep(0.35)
        frames.pacer.resume()
        await turns()
        assert len(frames.began) == 3  # due: at once
        frames.pacer.stop()


async def test_after_a_long_frame_the_next_waits_as_long_again() -> None:
    app = App[None]()
    async with app.run_test():
        frames = Frames(app, interval=0.01, busy=0.15)
        frames.pacer.resume()
        await until(lambda: len(frames.began) == 1)
        frames.pacer.resume()
        await until(lambda: len(frames.began) == 2)
        assert frames.began[1] - frames.began[0] >= 0.3  # twice the frame's length
        frames.pacer.stop()


async def test_the_main_screen_is_paced_so(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app):
        assert isinstance(main(app)._update_timer, FramePacer)
