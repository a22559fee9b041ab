"""Quitting with executions still running asks first: y stops them all and quits."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmQuitScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Stop all and quit", id="quit.yes"),
        Binding("n,escape", "answer(False)", "Stay", id="quit.no"),
    ]

    def __init__(self, running: int):
        super().__init__()
        self.running = running

    def compose(self) -> ComposeResult:
        noun = "execution is" if self.running == 1 else "executions are"
        with Vertical(id="dialog", classes="small"):
            yield Static(Text(f"{self.running} {noun} still running.", style="bold"))
            yield Static("Stop them all (their whole process trees) and quit?")
            with Horizontal(id="buttons"):
                yield Button(Text("Stop all and quit (y)"), variant="error", id="yes")
                yield Button(Text("Stay (n)"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
