"""The real application in a real X server (Xvfb): the window is drawn and a screenshot saved.

Screenshots land in artifacts/screenshots/ for people to look at.
"""

import os

import pytest
from conftest import run_counter_app
from PIL import Image

BANNER_BORDER = (0xD9, 0x48, 0x0F)  # the demo banner's orange


def _run(tmp_path, display, *args):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MADOGUCHI_") and k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, MADOGUCHI_DATA_DIR=str(tmp_path / "data"))
    return run_counter_app("--smoke-test", *args, env=env)


def _orange_pixels(image):
    return sum(1 for pixel in image.convert("RGB").get_flattened_data()
               if all(abs(a - b) < 12 for a, b in zip(pixel, BANNER_BORDER, strict=True)))


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
def test_demo_window_under_xvfb(tmp_path, xvfb_display, screenshot_dir):
    shot = screenshot_dir / "main_window_demo.png"
    shot.unlink(missing_ok=True)
    result = _run(tmp_path, xvfb_display, "--demo", "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    image = Image.open(shot)
    assert image.size == (1280, 800)  # the whole X screen, not just the widget
    assert len(image.getcolors(1 << 16) or []) > 50, "the screen is not blank"
    assert _orange_pixels(image) > 1000, "demo banner and badge are drawn"


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
def test_production_window_under_xvfb_has_no_demo_marks(tmp_path, xvfb_display, screenshot_dir):
    shot = screenshot_dir / "main_window.png"
    result = _run(tmp_path, xvfb_display, "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    assert _orange_pixels(Image.open(shot)) == 0
