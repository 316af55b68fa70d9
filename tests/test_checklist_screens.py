"""The checklist and printing pages on a real X server at the two screen sizes counters have:
screenshots to look at (artifacts/screenshots/checklist_*.png, printing_*.png) and what the
driver measured on screen."""

import json

import pytest
from PIL import Image
from processes import run_on_xvfb


@pytest.mark.slow
@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_checklist_and_printing_screens(tmp_path, screenshot_dir, width, height):
    child = run_on_xvfb("checklist_screens_driver.py", [str(screenshot_dir), str(width)],
                        f"{width}x{height}", str(tmp_path / "data"))
    assert child.returncode == 0, child.stderr[-3000:]
    measured = json.loads(child.stdout.strip().splitlines()[-1])

    assert measured["refused"].startswith("聞き取りが終わっていません（残り1問）")
    assert not measured["horizontal_scroll"]
    assert measured["columns"] <= measured["viewport"]
    assert measured["cut_off"] == []
    assert measured["bring"] == "転出証明書（マイナンバーカードによる転出の方は不要）、本人確認書類"
    assert "住民異動届：「フリガナ」が空欄です" in measured["problems"]
    assert measured["reason_dialog_width"] >= 680  # the reason fits on one line
    assert measured["confirm"].startswith("印刷していない申請書が12件あります")
    assert measured["saved_status"].startswith("PDFを保存しました（受付番号 ")
    assert "次は「受付を完了」（Ctrl+Enter）です。" in measured["saved_status"]
    assert "/" not in measured["saved_status"]  # no path, no case id
    assert measured["focus_after_save"]
    changed = [f for f in measured["forms_after_change"] if "内容が変わったため" in f]
    assert changed and all(f.startswith("未印刷") for f in changed)
    assert measured["status_after_change"].startswith("内容が変わったため再印刷が必要です")
    for name in ("checklist", "checklist_interview_open", "checklist_reason", "checklist_ready",
                 "checklist_close_unprinted", "printing_saved", "printing_changed"):
        image = Image.open(screenshot_dir / f"{name}_{width}.png")
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or []) > 50, f"{name} is blank"
