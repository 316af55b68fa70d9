"""Child process for test_refcounts.py: how far the reference counts of None, True and False
drift over many void Qt calls and many signal emits from Python.

A binding that drops a reference on each call (PySide6 6.12.0 did) frees None or True before
the loop ends and the process aborts ("none_dealloc"), so this runs apart from pytest. One JSON
line per phase on stdout: {"phase": ..., "calls": N, "drift": {"None": d, "True": d, "False": d}}.

    python tests/refcount_probe.py [CALLS]
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SINGLETONS = {"None": None, "True": True, "False": False}


def counts() -> dict[str, int]:
    return {name: sys.getrefcount(value) for name, value in SINGLETONS.items()}


class Source(QObject):
    plain = Signal()
    flag = Signal(bool)
    thing = Signal(object)


def void_calls(window: QWidget, calls: int) -> int:
    """The calls the pages make on every refresh; each returns nothing."""
    label, line, table, names, choice, bar = (window.findChild(kind) for kind in (
        QLabel, QLineEdit, QTableWidget, QListWidget, QComboBox, QProgressBar))
    made = 0
    while made < calls:
        label.setText("受付中")
        line.setText("12")
        table.setRowCount(2)
        table.setItem(0, 0, QTableWidgetItem("a"))
        table.setItem(1, 1, QTableWidgetItem("b"))
        table.selectRow(1)
        table.clearSelection()
        line.setFocus()
        names.addItem("x")
        names.clear()
        choice.setCurrentIndex(0)
        bar.setValue(made % 100)
        label.setEnabled(made % 2 == 0)
        label.setVisible(True)
        window.update()
        table.setRowCount(0)
        made += 16
    return made


def emits(source: Source, received: list[object], calls: int) -> int:
    """Emits with and without values, each delivered to a Python slot."""
    made = 0
    while made < calls:
        source.plain.emit()
        source.flag.emit(True)
        source.flag.emit(False)
        source.thing.emit(None)
        source.thing.emit(True)
        source.thing.emit(False)
        made += 6
        received.clear()
    return made


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QApplication([])  # noqa: F841 (kept alive while the widgets exist)
    window = QWidget()
    layout = QVBoxLayout(window)
    table = QTableWidget(0, 2)
    choice = QComboBox()
    choice.addItems(["はい", "いいえ"])
    for widget in (QLabel(), QLineEdit(), table, QListWidget(), choice, QProgressBar()):
        layout.addWidget(widget)
    # Not shown: the defect is in how the binding returns from a call, painting adds only time
    # (50 times as much; the real window is tested with 10,000 open cases instead).
    source, received = Source(), []
    source.plain.connect(lambda: received.append(None))
    source.flag.connect(received.append)
    source.thing.connect(received.append)
    for phase, run in (("void calls", lambda n: void_calls(window, n)),
                       ("emits", lambda n: emits(source, received, n))):
        run(1000)  # warm-up: caches and lazily created wrappers settle first
        before = counts()
        made = run(calls)
        after = counts()
        drift = {name: after[name] - before[name] for name in SINGLETONS}
        print(json.dumps({"phase": phase, "calls": made, "drift": drift}), flush=True)


if __name__ == "__main__":
    main()
