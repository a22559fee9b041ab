"""The highlighted catalog entry: what it is, where it lives, what it takes, its README. All of
it comes from the project: every field is neutralised (`one_line`), the README too, and none of
it is read as markup. While the cursor runs (a held arrow key), the details wait for it to rest:
the tree moves at once and only the entry it stops on is rendered."""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from sidetui.core import ActionBlock, Entry
from sidetui.core.catalog.entries import Capability, Executor, InputSpec
from sidetui.core.catalog.manifest_io import README_MAX_BYTES, ManifestError, read_text
from sidetui.core.terminal_text import one_line, strip_ansi
from sidetui.tui.presentation import Presentation

SETTLE_S = 0.08  # a held key repeats every 30-50 ms: a pause this long means the cursor rests


class EntryDetails(VerticalScroll):
    """Shows one entry; nothing in it is read as markup."""

    settle_s = SETTLE_S

    def __init__(self, presentation: Presentation, *, id: str | None = None):
        super().__init__(id=id)
        self.presentation = presentation
        self._body = Static(Text("Highlight an entry to see it here.", style="dim"))
        self._moved_at = -self.settle_s  # when `follow` was last told about an entry
        self._wanted: tuple[Entry | None, RenderableType] | None = None  # shown once at rest
        self._timer: Timer | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    @property
    def settled(self) -> bool:
        """Nothing waits for the cursor to rest: the details show the last entry followed."""
        return self._wanted is None

    @property
    def at_rest(self) -> bool:
        """Settled and quiet for `settle_s`: the next entry followed shows at once."""
        return self._timer is None and time.monotonic() - self._moved_at >= self.settle_s

    def follow(self, entry: Entry | None, instead: RenderableType = "") -> None:
        """`show` the entry the cursor moved to: at once after a quiet spell (a single press),
        else once the cursor rests, `settle_s` after its last move (a held key)."""
        quiet = self.at_rest
        self._moved_at = time.monotonic()
        if quiet:
            self.show(entry, instead)
            return
        self._wanted = (entry, instead)
        if self._timer is None:
            self._timer = self.set_timer(self.settle_s, self._catch_up)

    def _catch_up(self) -> None:
        """The timer: show the entry the cursor rests on, or wait longer if it moved since."""
        rest = self._moved_at + self.settle_s - time.monotonic()
        if rest > 0:
            self._timer = self.set_timer(rest, self._catch_up)
            return
        self._timer = None
        if self._wanted is not None:
            wanted, self._wanted = self._wanted, None
            self.show(*wanted)

    def show(self, entry: Entry | None, instead: RenderableType = "") -> None:
        """Describe `entry`; without one, show what `instead` says."""
        self._body.update(self.describe(entry) if entry is not None else instead)
        self.scroll_home(animate=False)

    def describe(self, entry: Entry) -> RenderableType:
        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        kind = "executor" if isinstance(entry, Executor) else entry.kind.value
        facts.add_row(
            "kind", _field(f"{kind}{f' ({entry.type})' if isinstance(entry, Capability) else ''}")
        )
        facts.add_row("source", Text(entry.source.label))
        facts.add_row("version", _field(entry.version))
        facts.add_row("path", _field(self.presentation.path(entry.path)))
        if isinstance(entry, ActionBlock):
            facts.add_row("entry", _field(entry.entry_point or "-"))
            facts.add_row("runtime", _field(entry.runtime or "the file itself"))
            if entry.timeout:
                facts.add_row("timeout", _field(f"{entry.timeout} ms"))
        if isinstance(entry, Executor):
            facts.add_row("serves", _field(", ".join(entry.supported_types) or "-"))
        if entry.shadowed_by:
            facts.add_row("shadowed by", _field(entry.shadowed_by))
        for other in entry.conflicts_with:
            facts.add_row("conflicts", _field(self.presentation.path(other)))
        parts: list[RenderableType] = [_field(entry.name, "bold")]
        if entry.description:
            parts.append(_field(entry.description))
        if entry.errors:
            error_style = self.presentation.colours.get("text-error", "red")
            parts += [_field("✘ " + error, error_style) for error in entry.errors]
        parts.append(facts)
        inputs = getattr(entry, "inputs", ())
        if inputs:
            parts += [Text("inputs", style="bold underline"), _inputs_table(inputs)]
        readme = _without_repeats(strip_ansi(_readme(entry)), entry)
        if readme:
            parts += [Text(""), Markdown(readme)]
        return Group(*parts)


def _field(text: str, style: str = "") -> Text:
    """A field from the project, on one line, as the text it is."""
    return Text(one_line(text), style=style)


def _inputs_table(inputs: tuple[InputSpec, ...]) -> Table:
    table = Table.grid(padding=(0, 1))
    for spec in inputs:
        default = f" = {spec.default!r}" if spec.has_default else ""
        table.add_row(
            _field(("*" if spec.required else " ") + spec.name, "bold" if spec.required else ""),
            _field(spec.type, "italic"),
            _field(f"{spec.description}{default}"),
        )
    return table


def _without_repeats(readme: str, entry: Entry) -> str:
    """The README (neutralised) without what the details show above it already: a first heading
    that is the entry's name, and a first paragraph that is its description."""
    lines = readme.strip().splitlines()
    if (
        lines
        and lines[0].startswith("#")
        and lines[0].lstrip("#").strip() == strip_ansi(entry.name)
    ):
        lines = lines[1:]
    while lines and not lines[0].strip():
        lines = lines[1:]
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    if " ".join(" ".join(lines[:end]).split()) == " ".join(strip_ansi(entry.description).split()):
        lines = lines[end:]
    return "\n".join(lines).strip()


def _readme(entry: Entry) -> str:
    if isinstance(entry, Capability) and entry.instructions:
        return entry.instructions
    try:
        return read_text(entry.path / "README.md", README_MAX_BYTES)
    except ManifestError:
        return ""
