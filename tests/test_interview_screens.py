"""The interview page of the real application on a real X server (Xvfb) at the two counter
screen sizes, shot at each stage into artifacts/screenshots/interview_*.png for people to look
at; the page must fit the width (nothing scrolls sideways, nothing sticks out of a row)."""

import json

import pytest
from PIL import Image
from processes import run_on_xvfb

SIZES = ["1366x768", "1920x1080"]


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
def test_interview_screens_fit_the_counter_screen(size, tmp_path, screenshot_dir):
    run = run_on_xvfb("interview_driver.py", [str(screenshot_dir), size], size,
                      str(tmp_path / "data"), 120)
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
