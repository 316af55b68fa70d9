"""The interview page of the real application on a real X server (Xvfb) at the two counter
screen sizes, shot at each stage into artifacts/screenshots/interview_*.png for people to look
at; the page must fit the width (nothing scrolls sideways, nothing sticks out of a row)."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT
from PIL import Image
from processes import start_xvfb, stop_process

SIZES = ["1366x768", "1920x1080"]


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
def test_interview_screens_fit_the_counter_screen(size, tmp_path, screenshot_dir):
    xvfb, display = start_xvfb(f"{size}x24")
    try:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("MADOGUCHI_") and k not in ("QT_QPA_PLATFORM",
                                                                 "WAYLAND_DISPLAY")}
        env.update(DISPLAY=display, MADOGUCHI_DATA_DIR=str(tmp_path / "data"))
        run = subprocess.run([sys.executable, str(ROOT / "tests" / "interview_driver.py"),
                              str(screenshot_dir), size], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    finally:
        stop_process(xvfb)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    width, height = (int(n) for n in size.split("x"))
    assert report["interview_needs"] <= width  # the page fits beside the navigation
    assert report["left"] == []  # the whole interview answered by keyboard
    assert [s["shot"] for s in report["shots"]] == [
        f"interview_{stage}_{size}.png" for stage in ("start", "pension", "done", "set_aside")]
    for shot in report["shots"]:
        assert shot["sideways"] == 0 and shot["content_width"] <= shot["viewport"], shot
        assert shot["overflow"] == [], shot
        image = Image.open(screenshot_dir / shot["shot"])
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or []) > 50, "the screen is not blank"
