"""Starting and stopping the helper processes that tests and benchmarks need, by PID."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess


def stop_process(proc: subprocess.Popen, timeout_s: float = 5) -> None:
    """SIGTERM, then SIGKILL if it does not end in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_xvfb(size: str = "1280x800x24") -> tuple[subprocess.Popen, str]:
    """A private X server on a free display number; returns the process and its DISPLAY."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise FileNotFoundError("Xvfb is not installed: run scripts/setup.sh")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        stop_process(proc)
        raise RuntimeError("Xvfb did not report a display number")
    return proc, f":{number}"


def run_on_xvfb(driver: str, args: list[str], screen: str, data_dir: str,
                timeout_s: float = 180) -> subprocess.CompletedProcess:
    """Run a screen driver (a script in tests/) in its own Python on a private Xvfb of
    `screen` ("1366x768"), with its own data directory and none of the Qt platform or
    MADOGUCHI_ settings of the test run; the X server is stopped whatever happens."""
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    xvfb, display = start_xvfb(f"{screen}x24")
    try:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("MADOGUCHI_")
               and k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env.update(DISPLAY=display, MADOGUCHI_DATA_DIR=data_dir)
        return subprocess.run([sys.executable, str(root / "tests" / driver), *args],
                              capture_output=True, text=True, env=env, cwd=root,
                              timeout=timeout_s)
    finally:
        stop_process(xvfb)
