"""The counter's screens at the two screen sizes counters have (1366x768 first, and 1920x1080),
drawn by the real application on a real X server; the screenshots are kept in
artifacts/screenshots/ for people to look at."""

from pathlib import Path

import pytest
from PIL import Image
from processes import run_on_xvfb

SCREENS = ["reception_empty", "reception_family", "member_dialog", "details_dialog",
           "roles_dialog", "keys_help", "reception_card_problem", "next_resident_question",
           "open_cases"]


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1366x768", "1920x1080"])
def test_reception_screens_fit_the_screen(size, tmp_path, screenshot_dir):
    result = run_on_xvfb("screens_driver.py", [str(screenshot_dir), size], size,
                         str(tmp_path / "data"), 120)
    assert result.returncode == 0, result.stderr[-3000:]
    shots = result.stdout.split()
    assert [Path(shot).stem.removeprefix(f"{size}_") for shot in shots] == SCREENS
    width, height = (int(v) for v in size.split("x"))
    for shot in shots:
        image = Image.open(shot)
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or []) > 20, f"{shot} is blank"
