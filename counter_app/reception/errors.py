"""Why an operation staff asked for was not done."""

from __future__ import annotations


class Refused(Exception):
    """Refused before anything changed. `message_ja` is shown to staff; str() is the English
    line for the log (never personal data)."""

    def __init__(self, message_ja: str, reason: str = "", field: str = "") -> None:
        super().__init__(reason or "refused")
        self.message_ja = message_ja
        self.field = field


class NotReady(Refused):
    """The reception cannot move on yet (go to the next step, print, close)."""
