"""統計: anonymous statistics of closed cases on screen, by keyboard, and as CSV."""

import json
import uuid
from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.domain import Case, CaseStatus, ChecklistStatus
from counter_app.domain.case import ChecklistEntry
from counter_app.store import CaseRepository

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "02_family_of_four_nhi.json"


def _closed_case(repository, procedures):
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    case.id = str(uuid.uuid4())
    case.version = repository.save(case)
    for procedure_id in procedures:
        case.checklist[procedure_id] = ChecklistEntry(ChecklistStatus.DONE)
    case.status = CaseStatus.CLOSED
    repository.save(case)
    return case


def test_statistics_of_closed_cases_by_period_with_csv(make_window, sessions, qtbot, tmp_path,
                                                      screenshot_dir):
    repository = CaseRepository(sessions)
    _closed_case(repository, ["resident_move_in", "nhi_enroll"])
    _closed_case(repository, ["resident_move_in"])
    window = make_window(sessions)
    page = window.statistics
    with qtbot.waitSignal(page.loaded, timeout=10000):
        window.show_page_key("statistics")
    assert "受付件数：2件" in page.totals.text()
    assert "記入済みで印刷した申請書" in page.totals.text()
    assert len(page.chart.counts) == 30  # 直近30日, quiet days included
    assert [n for _day, n in page.chart.counts][-1] == 2 and sum(
        n for _day, n in page.chart.counts) == 2
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "2"
    assert "北見" not in page.totals.text()  # anonymous: there is no name to show
    window.resize(1366, 768)
    qtbot.wait(100)
    window.grab().save(str(screenshot_dir / "offscreen_statistics.png"))

    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.keyClick(page.period, Qt.Key.Key_1)  # 今日
    assert page.range[0] == page.range[1]
    csv_path = tmp_path / "統計.csv"
    assert page.export_csv(csv_path)
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on a Japanese Windows reads it as UTF-8
    assert "受付件数,2" in data.decode("utf-8-sig")
    assert not page.export_csv(tmp_path / "missing" / "x.csv")
    assert "保存できませんでした" in page.message.text()
