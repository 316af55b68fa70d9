"""Signals emitted from Python must not eat references to True (PySide6 6.12.0 defect)."""

import ast
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal

from counter_app.ui.signals import emit

ROOT = Path(__file__).resolve().parent.parent


class _Source(QObject):
    plain = Signal()
    carrying = Signal(object, object)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12")
def test_emitting_keeps_true_alive(qapp):
    source = _Source()
    source.plain.connect(lambda: None)
    source.carrying.connect(lambda a, b: None)
    before = sys.getrefcount(True)
    for _ in range(2000):
        emit(source.plain)
        emit(source.carrying, True, None)
    assert sys.getrefcount(True) >= before


def test_no_module_emits_a_signal_directly():
    offenders = []
    for path in (ROOT / "counter_app").rglob("*.py"):
        if path.name == "signals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "emit":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
