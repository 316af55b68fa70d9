"""Row actions of the config page's lists and tables: a button for each, with its key, the keys
acting while the list has the focus (Del in a text box deletes a character, not a row)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget


def row_actions(view: QWidget, actions: Sequence[tuple[str, str, str, Callable[[], None]]],
                columns: int = 4) -> QWidget:
    """(name, text, keys, action) as buttons in `columns` columns under `view`."""
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    for n, (name, text, keys, action) in enumerate(actions):
        button = QPushButton(f"{text}（{keys}）")
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys act from the list itself
        button.clicked.connect(lambda _=False, a=action: a())
        shortcut = QShortcut(QKeySequence(keys.replace("↑", "Up").replace("↓", "Down")), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(action)
        grid.addWidget(button, n // columns, n % columns)
    grid.setColumnStretch(columns, 1)
    return box
