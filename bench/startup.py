"""Cold start of counter-app: process spawn to the main window shown.

Runs `counter-app --demo --smoke-test` N times under a private Xvfb (or offscreen when Xvfb is
missing), each with a fresh data directory so every run also creates and migrates its database.

    .venv/bin/python bench/startup.py [--runs 15]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from processes import start_xvfb, stop_process


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    try:
        xvfb, display = start_xvfb()
    except (FileNotFoundError, RuntimeError):
        xvfb, display = None, None
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    if display:
        env["DISPLAY"] = display
        env.pop("QT_QPA_PLATFORM", None)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    wall, inside = [], []
    try:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as data:
                env["MADOGUCHI_DATA_DIR"] = data
                begin = time.perf_counter()
                proc = subprocess.Popen([sys.executable, "-m", "counter_app", "--demo",
                                         "--smoke-test"], env=env, stdout=subprocess.PIPE,
                                        text=True)
                line = proc.stdout.readline()  # printed once the window is shown
                wall.append((time.perf_counter() - begin) * 1000)
                proc.wait(timeout=30)
                if not line.startswith("window shown after"):
                    sys.exit(f"unexpected output: {line!r}")
                inside.append(float(line.split()[3]))
    finally:
        if xvfb is not None:
            stop_process(xvfb)
    platform = f"Xvfb {display}" if display else "offscreen"
    print(f"startup ({platform}, {args.runs} runs, fresh data directory each):")
    print(f"  spawn to window shown: median {statistics.median(wall):.0f} ms "
          f"(min {min(wall):.0f}, max {max(wall):.0f})")
    print(f"  main() to window shown: median {statistics.median(inside):.0f} ms")


if __name__ == "__main__":
    main()
