"""Notifications quote block names, paths and child output: they are never read as markup."""

from __future__ import annotations

from textual.notifications import SeverityLevel


class PlainNotifications:
    """Mixin for the app and its screens: `notify` shows its message as it is."""

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
            message, title=title, severity=severity, timeout=timeout, markup=markup
        )
