"""The "New block" dialog: a name and a language, and a working block is written into the project
(as `sidetui new` writes it); the catalog shows it once it is on disk."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from sidetui.new_block import LANGUAGES, NewBlockRefused, create_block, folder_for


class NewBlockScreen(ModalScreen[Path | None]):
    """ctrl+s writes the block; escape cancels. Dismissed with the new block's folder."""

    BINDINGS = [
        Binding("ctrl+s", "create", "Create", id="new.create", tooltip="write the block"),
        Binding("escape", "cancel", "Cancel", id="new.cancel", tooltip="close, writing nothing"),
    ]

    def __init__(self, project: Path):
        super().__init__()
        self.project = project

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Static(
                Text.assemble(
                    ("New ActionBlock", "bold"), ("  manifest, entry point, README", "dim")
                )
            )
            yield Label(Text("name", style="bold"))
            yield Input(placeholder="my-block", id="name")
            yield Static("", id="where")
            yield Label(Text("language", style="bold"))
            yield Select([(name, name) for name in LANGUAGES], value="python", allow_blank=False)
            yield Static("", id="new-error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("Create", variant="primary", action="screen.create")
                yield Button("Cancel", action="screen.cancel")
            yield Static(Text("ctrl+s create · escape cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        name = event.value.strip()
        where = folder_for(self.project, name or "NAME")
        shown = where.relative_to(self.project) if where.is_relative_to(self.project) else where
        self.query_one("#where", Static).update(Text(f"into {shown}/", style="dim"))

    def on_input_submitted(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        language = str(self.query_one(Select).value)
        try:
            folder = create_block(self.project, name, language)
        except NewBlockRefused as refused:
            error = self.query_one("#new-error", Static)
            error.update(Text(f"✘ {refused}", style="bold"))  # its colour comes from CSS
            error.display = True
            self.query_one("#name", Input).focus()
            return
        self.dismiss(folder)

    def action_cancel(self) -> None:
        self.dismiss(None)
