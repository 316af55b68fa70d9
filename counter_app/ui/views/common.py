"""Layout pieces every page uses the same way."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


def page_layout(page: QWidget, name: str, title: str) -> QVBoxLayout:
    """A page's column: object name, margins, and its large title."""
    page.setObjectName(f"page_{name}")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 10, 24, 10)  # 1366x768 leaves little height to spare
    layout.setSpacing(8)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    layout.addWidget(heading)
    return layout


def row_table(name: str, columns: list[str]) -> QTableWidget:
    """A read-only table of whole rows, one selected at a time, navigated by keyboard."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    return table


def confirm_row(layout: QVBoxLayout) -> tuple[QPushButton, QPushButton]:
    """A dialog's bottom row, right-aligned: 確定 (Enter, the default) and 取消 (Esc)."""
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    ok = QPushButton("確定（Enter）")
    ok.setDefault(True)
    cancel = QPushButton("取消（Esc）")
    buttons.addWidget(ok)
    buttons.addWidget(cancel)
    layout.addLayout(buttons)
    return ok, cancel
