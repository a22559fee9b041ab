"""The inline-code dialog: a JavaScript or Python snippet, its params and a timeout."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static, TextArea

from sidetui.core.protocol.inline_code import LANGUAGES
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.screens.start_dialog import StartDialog

EXAMPLES = {
    "javascript": (
        "// params is in scope; await and return work\n"
        "const n = params.n ?? 21;\n"
        "return { doubled: n * 2 };\n"
    ),
    "python": (
        "# params is in scope; await and return work\n"
        "n = params.get('n', 21)\n"
        "return {'doubled': n * 2}\n"
    ),
}


class InlineCodeScreen(StartDialog):
    """Write code and start it with ctrl+s; escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="code.start", tooltip="run the code"),
        Binding("escape", "cancel", "Cancel", id="code.cancel", tooltip="close, running nothing"),
    ]

    def __init__(self, previous: LaunchRequest | None = None):
        super().__init__()
        self.previous = previous

    def compose(self) -> ComposeResult:
        language = self.previous.language if self.previous else "javascript"
        code = self.previous.target if self.previous else EXAMPLES[language]
        with Vertical(id="dialog"):
            yield Static(Text("Inline code", style="bold"))
            yield Select(
                [(name, name) for name in LANGUAGES],
                value=language,
                allow_blank=False,
                id="language",
            )
            yield TextArea(
                code, language=_highlighting(language), id="code", show_line_numbers=True
            )
            yield Label(Text("params (a JSON object)", style="bold"))
            params = json.dumps(self.previous.params if self.previous else {"n": 21})
            yield Input(params, id="params")
            yield Label(Text("timeout (ms; empty: 300000, 0: none)", style="bold"))
            yield Input(type="integer", id="timeout")
            yield Static("", id="code-error", classes="error")
            yield from self.buttons()
            yield Static(Text("ctrl+s start · escape cancel", style="dim"))

    def on_select_changed(self, event: Select.Changed) -> None:
        area = self.query_one("#code", TextArea)
        language = str(event.value)
        if area.text in EXAMPLES.values():
            area.text = EXAMPLES[language]
        area.language = _highlighting(language)

    def action_start(self) -> None:
        code = self.query_one("#code", TextArea).text
        problem = ""
        try:
            params = json.loads(self.query_one("#params", Input).value or "{}")
            if not isinstance(params, dict):
                problem = "params must be a JSON object"
        except json.JSONDecodeError as error:
            problem, params = f"params are not JSON: {error}", {}
        raw_timeout = self.query_one("#timeout", Input).value.strip()
        if not code.strip():
            problem = "there is no code to run"
        if problem:
            explanation = self.query_one("#code-error", Static)
            explanation.update(Text(f"✘ {problem}", style="bold"))  # its colour comes from CSS
            explanation.display = True
            return
        timeout = int(raw_timeout) if raw_timeout else None
        language = str(self.query_one("#language", Select).value)
        self.dismiss(LaunchRequest("code", code, params, timeout, language=language))


def _highlighting(language: str) -> str | None:
    return language if language in ("javascript", "python") else None
