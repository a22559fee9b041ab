"""The launch dialog: a form from the entry's declared inputs, checked before anything starts.

Each field is checked as it is typed (a number field keeps what was typed and says what is wrong
with it, rather than dropping keys); ctrl+s checks them all against the declared inputs and starts
only when every one is right, else says in place what each needs.

Names, descriptions and defaults come from the project: they are shown neutralised (`one_line`),
never as markup. A default that cannot be shown as it is (it holds control characters) is not
typed into its field: the field shows it neutralised as its placeholder and, left empty, keeps it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static, Switch, TextArea

from sidetui.core import Entry, InputSpec, Refusal
from sidetui.core.catalog.entries import Capability
from sidetui.core.catalog.inputs import validate_params
from sidetui.core.terminal_text import one_line, strip_ansi
from sidetui.tui.field_values import FieldProblem, field_text, read_field, read_timeout
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.plain import PlainNotifications
from sidetui.tui.screens.start_dialog import StartDialog

FREE_PARAMS = "__params__"
HINTS = {
    "integer": "a whole number",
    "number": "a number",
    "array": "a, b, c  or JSON: [...]",
}
_WIDGET_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class JsonArea(TextArea):
    """A JSON editor whose prefilled text is selected when it gets the focus from the keyboard,
    so that typing replaces it instead of adding to it."""

    edited = False

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        if self.text and not self.edited:
            self.select_all()

    def on_text_area_changed(self) -> None:
        self.edited = True


class LaunchScreen(PlainNotifications, StartDialog):
    """Fill in params and a timeout; ctrl+s starts, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="launch.start", tooltip="start, once all is right"),
        Binding("escape", "cancel", "Cancel", id="launch.cancel", tooltip="close, start nothing"),
    ]

    def __init__(self, entry: Entry, previous: dict[str, Any] | None = None):
        super().__init__()
        self.entry = entry
        self.inputs: tuple[InputSpec, ...] = tuple(getattr(entry, "inputs", ()))
        self.previous = previous or {}
        self._fields = list(zip(self.inputs, _field_keys(self.inputs), strict=True))
        self._keys = {spec.name: key for spec, key in reversed(self._fields)}  # the first's
        self._kinds = {key: spec.type for spec, key in self._fields} | {"timeout": "timeout"}
        self._kept: dict[str, Any] = {}  # by field: a value shown only as its placeholder

    def compose(self) -> ComposeResult:
        entry = self.entry
        kind = f"{entry.type} capability" if isinstance(entry, Capability) else "ActionBlock"
        with Vertical(id="dialog"):
            yield Static(
                Text.assemble(
                    ("Launch ", "bold"),
                    (one_line(entry.name), "bold"),
                    (f"  {one_line(kind)}", "dim"),
                )
            )
            if entry.description:
                yield Static(Text(one_line(entry.description), style="dim"), classes="description")
            with VerticalScroll(id="fields"):
                for spec, key in self._fields:
                    yield from self._field(spec, key)
                if not self.inputs:
                    yield Label(Text("params (a JSON object; empty: none)", style="bold"))
                    yield JsonArea(
                        json.dumps(self.previous, indent=2) if self.previous else "",
                        language="json",
                        id=f"in-{FREE_PARAMS}",
                        classes="json",
                        placeholder='{"name": "value"}',
                    )
                    yield Static("", id=f"err-{FREE_PARAMS}", classes="error")
                yield Label(Text("timeout (ms, empty: the default, 0: none)", style="bold"))
                yield Input(placeholder=_default_timeout(entry), id="in-timeout")
                yield Static("", id="err-timeout", classes="error")
            yield Static("", id="problems", classes="error")
            yield from self.buttons()
            yield Static(Text("ctrl+s start · escape cancel · tab next field", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#fields").query("Input, TextArea, Switch").first().focus()

    def _field(self, spec: InputSpec, key: str) -> list[Widget]:
        error_colour = self.app.theme_variables.get("text-error", "red")[:7]
        star = Text(" *", style=f"bold {error_colour}") if spec.required else Text("")
        label = Text.assemble((one_line(spec.name), "bold"), star)
        label.append(f"  {one_line(spec.type)}", style="italic dim")
        if spec.description:
            label.append(f"  {one_line(spec.description)}", style="dim")
        value = self.previous.get(spec.name, spec.default if spec.has_default else None)
        widgets: list[Widget] = [Label(label)]
        field_id = f"in-{key}"
        if spec.type == "boolean":
            widgets.append(Switch(value=bool(value), id=field_id))
        elif spec.type == "object":
            text = json.dumps(value, indent=2) if value else ""  # ASCII: escapes
            widgets.append(
                JsonArea(text, language="json", id=field_id, classes="json", placeholder="{}")
            )
        else:
            hint, text = HINTS.get(spec.type, ""), field_text(spec.type, value)
            if strip_ansi(text) != text:  # shown neutralised, kept as it is
                self._kept[key] = value
                hint, text = f"{one_line(text)}  (kept unless you type another)", ""
            widgets.append(Input(text, placeholder=hint, id=field_id))
        widgets.append(Static("", id=f"err-{key}", classes="error"))
        return widgets

    def on_input_changed(self, event: Input.Changed) -> None:
        """A one-line field says at once what is wrong with what it holds (or nothing)."""
        name = (event.input.id or "").removeprefix("in-")
        problems: dict[str, str] = {}
        self._read_input(name, event.value.strip(), problems)
        self._show(name, problems.get(name, ""))

    def action_start(self) -> None:
        """Check every field; start only when all are valid, else explain each in place, all at
        once: a field that cannot be read keeps that reason, the others get the manifest's."""
        problems: dict[str, str] = {}
        params = self._read_params(problems)
        timeout = self._read_input("timeout", self._raw("timeout"), problems)
        if FREE_PARAMS not in problems:
            try:
                params = validate_params(self.inputs, params)
            except Refusal as refusal:
                details = refusal.error.details or {}
                fields = details.get("fields") or {FREE_PARAMS: refusal.error.message}
                for name, message in fields.items():
                    problems.setdefault(self._keys.get(name, FREE_PARAMS), message)
        self._show_problems(problems)
        if problems:
            return
        entry = self.entry
        if isinstance(entry, Capability):
            request = LaunchRequest("capability", entry.name, params, timeout, entry.type)
        else:  # by id when its name means another block (shadowing it, or two of one name)
            target = entry.id if entry.conflicts_with or entry.shadowed_by else entry.name
            request = LaunchRequest("block", target, params, timeout)
        self.dismiss(request)

    def _raw(self, name: str) -> str:
        return self.query_one(f"#in-{name}", Input).value.strip()

    def _read_input(self, name: str, raw: str, problems: dict[str, str]) -> Any:
        """The value of a one-line field (None when empty); its problem into `problems`."""
        try:
            if name == "timeout":
                return read_timeout(raw)
            return read_field(self._kinds.get(name, "string"), raw) if raw else None
        except FieldProblem as problem:
            problems[name] = str(problem)
            return None

    def _read_params(self, problems: dict[str, str]) -> dict[str, Any]:
        if not self.inputs:
            return self._read_free_params(problems)
        params: dict[str, Any] = {}
        for spec, key in self._fields:
            widget = self.query_one(f"#in-{key}")
            if isinstance(widget, Switch):
                params[spec.name] = widget.value
            elif isinstance(widget, TextArea):
                raw = widget.text.strip()
                if raw:
                    try:
                        params[spec.name] = json.loads(raw)
                    except json.JSONDecodeError as error:
                        problems[key] = f"not JSON: {error.msg} (line {error.lineno})"
            elif isinstance(widget, Input):
                value = self._read_input(key, widget.value.strip(), problems)
                if value is None:
                    value = self._kept.get(key)
                if value is not None:
                    params[spec.name] = value
        return params

    def _read_free_params(self, problems: dict[str, str]) -> dict[str, Any]:
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

    def _show(self, name: str, message: str) -> None:
        found = self.query(f"#err-{name}")
        if found:
            error = found.first(Static)
            error.update(Text(f"✘ {one_line(message)}", style="bold") if message else "")
            error.display = bool(message)

    def _show_problems(self, problems: dict[str, str]) -> None:
        for error in self.query(".error").results(Static):
            name = (error.id or "").removeprefix("err-")
            if error.id != "problems":
                self._show(name, problems.get(name, ""))
        summary = self.query_one("#problems", Static)
        summary.display = bool(problems)
        if problems:
            shown = {key: one_line(name) for name, key in self._keys.items()} | {
                FREE_PARAMS: "params"
            }
            names = ", ".join(shown.get(key, key) for key in problems)
            noun = "field needs" if len(problems) == 1 else "fields need"
            summary.update(Text(f"✘ {len(problems)} {noun} attention: {names}", style="bold"))
            target = f"#in-{next(iter(problems))}"
            if self.query(target):
                self.query_one(target).focus()


def _field_keys(inputs: tuple[InputSpec, ...]) -> list[str]:
    """Each input's field key (its widget is `in-KEY`): its name, or `field-N` for a name that
    cannot be a widget's id, is taken, or is one of the dialog's own fields."""
    keys: list[str] = []
    for index, spec in enumerate(inputs):
        usable = _WIDGET_ID.fullmatch(spec.name) and spec.name not in ("timeout", FREE_PARAMS)
        keys.append(spec.name if usable and spec.name not in keys else f"field-{index}")
    return keys


def _default_timeout(entry: Entry) -> str:
    timeout = getattr(entry, "timeout", None)
    return f"default: {timeout} ms (from its manifest)" if timeout else "default: none"
