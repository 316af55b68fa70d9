"""bench/counters.py: its lost-write check finds what it must, and a short run loses nothing."""

import importlib.util
import re
import subprocess
import sys

import pytest
from conftest import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_counters", ROOT / "bench" / "counters.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_counts_overwritten_and_vanished_acknowledged_saves():
    check = _bench().check
    stored = {"a": (3, "a3", "closed"), "b": (2, "b2", "open")}
    kept = [("a", 1, "a1"), ("a", 2, "a2"), ("a", 3, "a3"), ("b", 1, "b1"), ("b", 2, "b2")]
    assert check(kept, stored) == (0, 0)
    # Two counters both told they wrote version 2 of case a: one overwrote the other.
    assert check([*kept, ("a", 2, "other")], stored) == (2, 0)
    # The final acknowledged state of case b is not what the database holds.
    assert check([*kept[:4], ("b", 2, "b2-mine")], stored) == (1, 0)
    # Version 3 of case a was written, but nobody was told.
    assert check(kept[:2] + kept[3:], stored) == (1, 1)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the private PostgreSQL runs on Linux")
def test_a_short_run_with_collisions_loses_no_write():
    result = subprocess.run([sys.executable, "bench/counters.py", "--counters", "3",
                             "--seconds", "4"], capture_output=True, text=True, timeout=300,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    found = re.fullmatch(r"counters=3 cases=(\d+) lost=0 conflicts_detected=(\d+) "
                         r"p95_save_ms=[0-9.]+", last)
    assert found and int(found.group(1)) > 0, last
