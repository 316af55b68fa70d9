"""統計: what the counters did over a period, for supervisors. Anonymous by construction (the
case_statistics rows a closed case leaves; no name, address or birth date exists there), so the
page needs no sign-in: cases and procedures per day and section, handling time (median, p90),
forms printed pre-filled, a bar chart of cases per day and a CSV export."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from counter_app.domain.era import default_era_table
from counter_app.store.statistics import Summary
from counter_app.ui.tasks import run_task
from counter_app.ui.views.common import page_layout, row_table

log = logging.getLogger(__name__)

# (label, days back from today for the first day; None: this calendar month)
PERIODS: list[tuple[str, int | None]] = [
    ("今日", 0), ("直近7日", 6), ("直近30日", 29), ("今月", None), ("直近1年", 364)]

Source = Callable[[dt.date, dt.date], tuple[Summary, list[str]]]  # summary, section order


def period(choice: int, today: dt.date) -> tuple[dt.date, dt.date]:
    days = PERIODS[choice][1]
    if days is None:
        return today.replace(day=1), today
    return today - dt.timedelta(days=days), today


class DayBars(QWidget):
    """Cases per day as a plain painted bar chart (Qt Charts is in the Addons wheel)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("statisticsChart")
        self.setMinimumHeight(140)
        self.counts: list[tuple[dt.date, int]] = []

    def show_counts(self, counts: list[tuple[dt.date, int]]) -> None:
        self.counts = counts
        self.setToolTip("、".join(f"{d.month}/{d.day} {n}件" for d, n in counts))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if not self.counts:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "この期間の受付はありません")
            return
        top = max(max(n for _d, n in self.counts), 1)
        metrics = self.fontMetrics()
        label_h = metrics.height() + 4
        width = self.width() / len(self.counts)
        height = self.height() - 2 * label_h
        # A date under every k-th bar only, so the labels never run into each other.
        every = max(1, math.ceil((metrics.horizontalAdvance("12/31") + 8) / width))
        painter.setPen(QColor("#1c3d5a"))
        painter.drawLine(0, label_h + int(height), self.width(), label_h + int(height))
        for i, (day, cases) in enumerate(self.counts):
            bar = height * cases / top
            x = i * width
            painter.fillRect(QRectF(x + width * 0.15, label_h + height - bar, width * 0.7, bar),
                             QColor("#3b7dd8"))
            if cases and metrics.horizontalAdvance(str(cases)) <= width:
                painter.drawText(QRectF(x, label_h + height - bar - label_h, width, label_h),
                                 Qt.AlignmentFlag.AlignCenter, str(cases))
            if i % every == 0:
                painter.drawText(QRectF(x, self.height() - label_h, width * every, label_h),
                                 Qt.AlignmentFlag.AlignLeft, f"{day.month}/{day.day}")


class StatisticsPage(QWidget):
    loaded = Signal()

    def __init__(self, source: Source, today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__()
        self._source = source
        self._today = today
        self.summary: Summary | None = None
        self.sections: list[str] = []
        self.range: tuple[dt.date, dt.date] | None = None
        layout = page_layout(self, "statistics", "統計（匿名の集計）")
        row = QHBoxLayout()
        self.period = QComboBox()
        self.period.setObjectName("statisticsPeriod")
        for number, (label, _days) in enumerate(PERIODS, start=1):
            self.period.addItem(f"{number} {label}")
        self.period.setCurrentIndex(2)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.export_button = QPushButton("CSVに保存（Ctrl+S）")
        self.export_button.clicked.connect(self.ask_export)
        row.addWidget(QLabel("期間"))
        row.addWidget(self.period)
        self.range_label = QLabel()
        row.addWidget(self.range_label, 1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.totals = QLabel()
        self.totals.setObjectName("statisticsTotals")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        self.chart = DayBars()
        layout.addWidget(self.chart)
        self.table = row_table("statisticsTable", ["日付", "受付件数"])
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        layout.addWidget(self.message)
        for number in range(1, len(PERIODS) + 1):
            key = QShortcut(QKeySequence(str(number)), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(lambda n=number: self.period.setCurrentIndex(n - 1))
        save = QShortcut(QKeySequence("Ctrl+S"), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.ask_export)

    def reload(self) -> None:
        since, until = period(self.period.currentIndex(), self._today())
        era = default_era_table()
        self.range_label.setText(f"{era.display(since)} ～ {era.display(until)}")
        self.message.setText("集計しています…")
        run_task(lambda: self._source(since, until),
                 lambda result, error: self._show(since, until, result, error), self)

    def _show(self, since: dt.date, until: dt.date, result: object,
              error: BaseException | None) -> None:
        if error is not None or not isinstance(result, tuple):
            log.warning("statistics not read: %s", type(error).__name__)
            self.message.setText("集計を読み込めませんでした。データベースを確認してください。")
            return
        summary, sections = result
        self.summary, self.range = summary, (since, until)
        self.sections = [s for s in sections if any(s in d.procedures for d in summary.days)]
        self.sections += sorted({s for d in summary.days for s in d.procedures}
                                - set(self.sections))
        self.message.setText("")
        self.totals.setText("　".join(f"{label}：{_minutes(value)}"
                                     for label, value in _totals(summary)))
        # Every day of the period, quiet ones included, so the bars read as a timeline.
        cases = {d.date: d.cases for d in summary.days}
        self.chart.show_counts([(since + dt.timedelta(days=n),
                                 cases.get(since + dt.timedelta(days=n), 0))
                                for n in range((until - since).days + 1)])
        self._fill_table(summary)
        self.loaded.emit()

    def _fill_table(self, summary: Summary) -> None:
        era = default_era_table()
        headers = ["日付", "受付件数", *[f"{s}（手続）" for s in self.sections]]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(summary.days))
        for row, day in enumerate(summary.days):
            cells = [era.display(day.date), str(day.cases),
                     *[str(day.procedures.get(s, 0)) for s in self.sections]]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def ask_export(self) -> None:
        if self.summary is None:
            return
        since, until = self.range or (self._today(), self._today())
        path, _filter = QFileDialog.getSaveFileName(
            self, "統計をCSVに保存", f"統計_{since:%Y%m%d}-{until:%Y%m%d}.csv", "CSV (*.csv)")
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> bool:
        """With a BOM: Excel on a Japanese Windows otherwise reads UTF-8 as Shift_JIS."""
        if self.summary is None:
            return False
        try:
            path.write_text(self.summary.to_csv(self.sections), encoding="utf-8-sig")
        except OSError as exc:
            log.warning("statistics CSV not written: %s", type(exc).__name__)
            self.message.setText("CSVファイルを保存できませんでした。保存先を確認してください。")
            return False
        self.message.setText(f"CSVに保存しました：{path.name}")
        return True

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.reload()
        self.period.setFocus()


def _totals(summary: Summary) -> Sequence[tuple[str, object]]:
    return [("受付件数", f"{summary.cases}件"), ("取消", f"{summary.discarded}件"),
            ("処理時間（中央値）", summary.median_minutes),
            ("処理時間（90%）", summary.p90_minutes),
            ("記入済みで印刷した申請書", f"{summary.forms_prefilled}枚")]


def _minutes(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.0f}分"
    return str(value)
