"""The life-event screens of the real application on a real X server (Xvfb) at the two counter
screen sizes, shot into artifacts/screenshots/event_*.png for people to look at."""

import json

import pytest
from PIL import Image
from processes import run_on_xvfb

SIZES = ["1366x768", "1920x1080"]
STAGES = ("first_screen", "deceased_choice", "code_b", "okuyami_household", "newborn")


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
def test_event_screens_fit_the_counter_screen(size, tmp_path, screenshot_dir):
    run = run_on_xvfb("event_screens_driver.py", [str(screenshot_dir), size], size,
                      str(tmp_path / "data"), 120)
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
