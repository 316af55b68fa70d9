"""Card presence seen by the monitor thread, through the session's real pcscd."""

import os
import queue
import subprocess
import sys

from pcsc_sandbox import READER_0

from card_reader.monitor import INSERTED, READERS, REMOVED, SERVICE_DOWN, CardPresenceMonitor

HOLDER = {"name": "北見\u3000太郎", "address": "北海道北見市", "birth_date": "1980-01-01",
          "sex": "1"}


def _next(events, kind, timeout=5):
    while True:
        event = events.get(timeout=timeout)
        if event.kind == kind:
            return event


def test_insertion_and_removal_are_reported(pcsc):
    events = queue.Queue()
    monitor = CardPresenceMonitor(events.put, poll_ms=100)
    monitor.start()
    try:
        assert _next(events, READERS).readers[:1] == (READER_0,)
        card = pcsc.insert(HOLDER)
        assert _next(events, INSERTED).reader == READER_0
        card.remove()
        assert _next(events, REMOVED).reader == READER_0
    finally:
        monitor.stop()
    assert not monitor._thread.is_alive()


def test_missing_service_is_reported_not_raised(tmp_path):
    script = (
        "import queue; from card_reader.monitor import CardPresenceMonitor\n"
        "q = queue.Queue(); m = CardPresenceMonitor(q.put); m.start()\n"
        "print(q.get(timeout=5).kind); m.stop()\n"
    )
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "none.comm")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=30)
    assert result.stdout.strip() == SERVICE_DOWN, result.stderr
    assert result.stderr == ""
