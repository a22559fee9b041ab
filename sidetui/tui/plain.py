"""Notifications quote block names, paths, errors and child output: they are never read as markup
and every control sequence is removed from them."""

from __future__ import annotations

from textual.notifications import SeverityLevel

from sidetui.core.terminal_text import one_line


class PlainNotifications:
    """Mixin for the app and its screens: `notify` shows its message as plain, neutralised text."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        super().notify(  # type: ignore[misc]
            _plain(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )


def _plain(message: str) -> str:
    """`message` neutralised, its lines kept (a notification shows them as they are)."""
    return "\n".join(one_line(line) for line in message.split("\n"))
