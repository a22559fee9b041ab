"""The launch dialog: a form from the entry's declared inputs, checked before anything starts."""

from __future__ import annotations

import json
from typing import Any, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static, Switch, TextArea

from sidetui.core import Entry, InputSpec, Refusal
from sidetui.core.catalog.entries import Capability
from sidetui.core.catalog.inputs import validate_params
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.plain import PlainNotifications
from sidetui.tui.screens.start_dialog import StartDialog

FREE_PARAMS = "__params__"
INPUT_TYPES: dict[str, Literal["integer", "number", "text"]] = {
    "integer": "integer",
    "number": "number",
}  # what an Input can check as you type; other types are text, checked on start


class LaunchScreen(PlainNotifications, StartDialog):
    """Fill in params and a timeout; ctrl+s starts, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="launch.start"),
        Binding("escape", "cancel", "Cancel", id="launch.cancel"),
    ]

    def __init__(self, entry: Entry, previous: dict[str, Any] | None = None):
        super().__init__()
        self.entry = entry
        self.inputs: tuple[InputSpec, ...] = tuple(getattr(entry, "inputs", ()))
        self.previous = previous or {}

    def compose(self) -> ComposeResult:
        entry = self.entry
        kind = f"{entry.type} capability" if isinstance(entry, Capability) else "ActionBlock"
        with Vertical(id="dialog"):
            yield Static(
                Text.assemble(("Launch ", "bold"), (entry.name, "bold"), (f"  {kind}", "dim"))
            )
            if entry.description:
                yield Static(Text(entry.description, style="dim"), classes="description")
            with VerticalScroll(id="fields"):
                for spec in self.inputs:
                    yield from self._field(spec)
                if not self.inputs:
                    yield Label(Text("params (a JSON object)", style="bold"))
                    yield TextArea(
                        json.dumps(self.previous or {}, indent=2),
                        language="json",
                        id=f"in-{FREE_PARAMS}",
                        classes="json",
                    )
                    yield Static("", id=f"err-{FREE_PARAMS}", classes="error")
                yield Label(Text("timeout (ms, empty: the default, 0: none)", style="bold"))
                yield Input(placeholder=_default_timeout(entry), type="integer", id="in-timeout")
                yield Static("", id="err-timeout", classes="error")
            yield from self.buttons()
            yield Static(Text("ctrl+s start · escape cancel · tab next field", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#fields").query("Input, TextArea, Switch").first().focus()

    def _field(self, spec: InputSpec) -> list[Widget]:
        error_colour = self.app.theme_variables.get("text-error", "red")[:7]
        star = Text(" *", style=f"bold {error_colour}") if spec.required else Text("")
        label = Text.assemble((spec.name, "bold"), star, (f"  {spec.type}", "italic dim"))
        if spec.description:
            label.append(f"  {spec.description}", style="dim")
        value = self.previous.get(spec.name, spec.default if spec.has_default else None)
        widgets: list[Widget] = [Label(label)]
        field_id = f"in-{spec.name}"
        if spec.type == "boolean":
            widgets.append(Switch(value=bool(value), id=field_id))
        elif spec.type in ("object", "array"):
            text = json.dumps(value, indent=2) if value is not None else ""
            widgets.append(TextArea(text, language="json", id=field_id, classes="json"))
        else:
            kind = INPUT_TYPES.get(spec.type, "text")
            widgets.append(Input("" if value is None else str(value), type=kind, id=field_id))
        widgets.append(Static("", id=f"err-{spec.name}", classes="error"))
        return widgets

    def action_start(self) -> None:
        """Check every field; start only when all are valid, else explain each in place, all at
        once: a field that cannot be read keeps that reason, the others get the manifest's."""
        problems: dict[str, str] = {}
        params = self._read_params(problems)
        timeout = self._read_timeout(problems)
        if FREE_PARAMS not in problems:
            try:
                params = validate_params(self.inputs, params)
            except Refusal as refusal:
                details = refusal.error.details or {}
                fields = details.get("fields") or {FREE_PARAMS: refusal.error.message}
                for name, message in fields.items():
                    problems.setdefault(name, message)
        self._show_problems(problems)
        if problems:
            return
        entry = self.entry
        if isinstance(entry, Capability):
            request = LaunchRequest("capability", entry.name, params, timeout, entry.type)
        else:
            target = entry.id if entry.conflicts_with else entry.name
            request = LaunchRequest("block", target, params, timeout)
        self.dismiss(request)

    def _read_params(self, problems: dict[str, str]) -> dict[str, Any]:
        if not self.inputs:
            raw = self.query_one(f"#in-{FREE_PARAMS}", TextArea).text.strip() or "{}"
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as error:
                problems[FREE_PARAMS] = f"not JSON: {error}"
                return {}
            if not isinstance(value, dict):
                problems[FREE_PARAMS] = "params must be a JSON object: {...}"
                return {}
            return value
        params: dict[str, Any] = {}
        for spec in self.inputs:
            widget = self.query_one(f"#in-{spec.name}")
            if isinstance(widget, Switch):
                params[spec.name] = widget.value
            elif isinstance(widget, TextArea):
                raw = widget.text.strip()
                if raw:
                    try:
                        params[spec.name] = json.loads(raw)
                    except json.JSONDecodeError as error:
                        problems[spec.name] = f"not JSON: {error.msg} (line {error.lineno})"
            elif isinstance(widget, Input):
                raw = widget.value.strip()
                if raw:
                    params[spec.name] = _typed(spec.type, raw, problems, spec.name)
        return params

    def _read_timeout(self, problems: dict[str, str]) -> int | None:
        raw = self.query_one("#in-timeout", Input).value.strip()
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            problems["timeout"] = "a whole number of milliseconds"
            return None
        if value < 0:
            problems["timeout"] = "0 or more"
        return value

    def _show_problems(self, problems: dict[str, str]) -> None:
        for error in self.query(".error").results(Static):
            name = (error.id or "").removeprefix("err-")
            message = problems.get(name, "")
            error.update(Text(f"✘ {message}", style="bold") if message else "")  # colour: CSS
            error.display = bool(message)
        if problems:
            first = next(iter(problems))
            target = f"#in-{first}"
            if self.query(target):
                self.query_one(target).focus()
            self.notify(f"{len(problems)} field(s) need attention", severity="warning")


def _typed(kind: str, raw: str, problems: dict[str, str], name: str) -> Any:
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        problems[name] = f"expected {kind}, got {raw!r}"
    return raw


def _default_timeout(entry: Entry) -> str:
    timeout = getattr(entry, "timeout", None)
    return f"default: {timeout} ms (from its manifest)" if timeout else "default: none"
