"""What the launch and inline-code dialogs share: Start and Cancel, ending in a LaunchRequest."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button

from sidetui.tui.launch_request import LaunchRequest


class StartDialog(ModalScreen[LaunchRequest | None]):
    """A dialog dismissed with what to start, or None. Subclasses bind ctrl+s to `start` and
    escape to `cancel` under binding ids of their own (so each can be rebound)."""

    def buttons(self) -> ComposeResult:
        with Horizontal(id="buttons"):
            yield Button("Start", variant="primary", id="start")
            yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_start(self) -> None:
        raise NotImplementedError
