"""Emitting Qt signals from Python, safely.

PySide6 6.12.0's `SignalInstance.emit()` returns `True` without taking a reference to it, so
every emit from Python drops one reference to `True`. In a counter that runs all day the count
reaches zero and Python aborts ("bool_dealloc"). `emit()` here hands the reference back when
the binding in use has the defect, which is measured once at start-up, not assumed. An extra
reference to `True` is harmless; on Python 3.12 and later `True` is immortal and the probe
finds nothing to mend.

Every signal this application emits from Python goes through `emit()` (a test checks).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 16


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    probe.deleteLater()
    return lost >= _PROBES


EMIT_DROPS_A_REFERENCE = _emit_drops_a_reference()
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def emit(signal: SignalInstance, *args: Any) -> None:
    result = signal.emit(*args)
    if EMIT_DROPS_A_REFERENCE and isinstance(result, bool):
        _incref(result)  # the reference emit() should have taken for what it returned
