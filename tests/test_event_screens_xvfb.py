"""The life-event screens of the real application on a real X server (Xvfb) at the two counter
screen sizes, shot into artifacts/screenshots/event_*.png for people to look at."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT
from PIL import Image
from processes import start_xvfb, stop_process

SIZES = ["1366x768", "1920x1080"]
STAGES = ("first_screen", "deceased_choice", "code_b", "okuyami_household", "newborn")


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
def test_event_screens_fit_the_counter_screen(size, tmp_path, screenshot_dir):
    xvfb, display = start_xvfb(f"{size}x24")
    try:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("MADOGUCHI_") and k not in ("QT_QPA_PLATFORM",
                                                                 "WAYLAND_DISPLAY")}
        env.update(DISPLAY=display, MADOGUCHI_DATA_DIR=str(tmp_path / "data"))
        run = subprocess.run([sys.executable, str(ROOT / "tests" / "event_screens_driver.py"),
                              str(screenshot_dir), size], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    finally:
        stop_process(xvfb)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert [s["shot"] for s in report["shots"]] == [f"event_{s}_{size}.png" for s in STAGES]
    assert "300〜6000グラム" in report["error"]
    width, height = (int(n) for n in size.split("x"))
    for shot in report["shots"]:
        if "fits" in shot:  # a dialog: on the screen whole, and as wide as it needs
            assert shot["fits"] and shot["needs"] <= shot["width"] <= width, shot
        image = Image.open(screenshot_dir / shot["shot"])
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or []) > 50, "the screen is not blank"
