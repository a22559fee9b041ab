"""A question before anything that cannot be undone: quitting with executions running, stopping
them all, clearing finished ones from the history. `y` does it; `n` or `escape` does not."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sidetui.tui.keys import binding_with_id, keys_of


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True when the person answers yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="yes: do it"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="no: leave it"),
    ]

    def __init__(self, headline: str, question: str, yes: str, no: str = "Cancel"):
        super().__init__()
        self.headline = headline
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        yes_key = keys_of(self.app, binding_with_id(self.BINDINGS, "confirm.yes"))
        no_key = keys_of(self.app, binding_with_id(self.BINDINGS, "confirm.no"))
        with Vertical(id="dialog", classes="small"):
            yield Static(Text(self.headline, style="bold"))
            yield Static(Text(self.question))
            with Horizontal(id="buttons"):
                yield Button(Text(f"{self.yes} ({yes_key})"), variant="error", id="yes")
                yield Button(Text(f"{self.no} ({no_key})"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def quitting(running: int) -> ConfirmScreen:
    return ConfirmScreen(
        f"{_executions(running, 'is', 'are')} still running.",
        "Stop them all (their whole process trees) and quit?",
        "Stop all and quit",
        "Stay",
    )


def stopping_all(live: int) -> ConfirmScreen:
    question = "Each one is stopped with its whole process tree."
    return ConfirmScreen(f"Stop {_executions(live, 'live')}?", question, "Stop all")


def clearing(finished: int) -> ConfirmScreen:
    question = "They leave the table and the history for good; their log files stay."
    return ConfirmScreen(f"Clear {_executions(finished, 'finished')}?", question, "Clear")


def _executions(count: int, word: str, plural_word: str | None = None) -> str:
    """`1 live execution`, `2 live executions`; with `plural_word`: `1 execution is`..."""
    if plural_word is not None:
        noun = "execution" if count == 1 else "executions"
        return f"{count} {noun} {word if count == 1 else plural_word}"
    return f"{count} {word} execution{'' if count == 1 else 's'}"
