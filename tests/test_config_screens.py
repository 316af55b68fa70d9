"""The 設定（監督者） page at the two screen sizes counters have (1366x768 first, and 1920x1080),
drawn by the real application on a real X server; the screenshots are kept in
artifacts/screenshots/ for people to look at."""

from pathlib import Path

import pytest
from PIL import Image
from processes import run_on_xvfb

SCREENS = ["first_supervisor", "settings_problem", "sections", "procedures", "questions",
           "procedure_detail", "test_refused", "tests", "condition_problem", "test_differences",
           "history", "keys", "procedure_new", "question_new", "wrong_password"]


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1366x768", "1920x1080"])
def test_config_screens_fit_the_screen(size, tmp_path, screenshot_dir):
    result = run_on_xvfb("config_screens_driver.py", [str(screenshot_dir), size], size,
                         str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr[-3000:]
    shots = result.stdout.split()
    assert [Path(s).stem.removeprefix(f"{size}_config_") for s in shots] == SCREENS
    width, height = (int(v) for v in size.split("x"))
    for shot in shots:
        image = Image.open(shot)
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or []) > 20, f"{shot} is blank"
