"""Which printers this PC can reach, through Qt's print support (CUPS on Linux)."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinterInfo


def available_printers() -> list[str]:
    """Queue names; [] when no print service answers. May block on CUPS: not on the GUI thread."""
    return list(QPrinterInfo.availablePrinterNames())


def default_printer() -> str | None:
    return QPrinterInfo.defaultPrinterName() or None


def choose_printer(preferred: str | None) -> str | None:
    """The preferred queue if it exists, else the system default, else None (save PDFs)."""
    names = available_printers()
    if preferred and preferred in names:
        return preferred
    default = default_printer()
    if default and default in names:
        return default
    return names[0] if names else None
