"""Open cases: receptions not yet closed, to resume exactly where they stopped."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from counter_app.domain import Step
from counter_app.domain.era import default_era_table
from counter_app.store import CaseRepository, CaseSummary
from counter_app.ui.tasks import run_task
from counter_app.ui.views.common import page_layout, row_table
from printing.qr import parse_qr_payload

COLUMNS = ["世帯主", "種類", "異動日", "人数", "段階", "最終更新", "担当窓口"]
STEP_LABELS = {Step.MOVE: "受付", Step.INTERVIEW: "聞き取り", Step.CHECKLIST: "手続一覧"}


class OpenCasesPage(QWidget):
    resume_requested = Signal(str)  # case id
    discard_requested = Signal(str, str)  # case id, reason

    def __init__(self, repository: CaseRepository) -> None:
        super().__init__()
        self._repository = repository
        self.summaries: list[CaseSummary] = []
        layout = page_layout(self, "open_cases", "受付中の案件")
        self.note = QLabel()
        self.table = row_table("openCases", COLUMNS)
        # Sized once after a fill: ResizeToContents would measure every row again on each
        # setItem, quadratic in the open cases (10,000 took minutes).
        self.table.horizontalHeader().setStretchLastSection(True)
        self.scan = QLineEdit()
        self.scan.setObjectName("qrScan")
        self.scan.setPlaceholderText("申請書のQRコードを読み取ると、その案件を開きます")
        self.scan_error = QLabel()
        self.scan_error.setStyleSheet("color: #c92a2a;")
        layout.addWidget(self.scan)
        layout.addWidget(self.scan_error)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        # A barcode scanner types the code and Enter, as a keyboard would.
        self.scan.returnPressed.connect(self._scanned)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._resume(row))
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(self._ask_discard)
        self.reason_dialog: QInputDialog | None = None
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            # Only in the table: Enter in the scan field belongs to the scanner.
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: self._resume(self.table.currentRow()))

    def reload(self) -> None:
        run_task(self._repository.open_cases, self._show)

    def _show(self, summaries: list[CaseSummary] | None, error: BaseException | None) -> None:
        if error is not None:
            self.note.setText("受付中の案件を読み込めませんでした。データベースを確認してください。")
            return
        self.summaries = summaries or []
        self.note.setText("Enter（またはダブルクリック）で、止まったところから再開します。"
                          if self.summaries else "受付中の案件はありません。")
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(self.summaries))
        era = default_era_table()
        for row, s in enumerate(self.summaries):
            local = s.updated_at.astimezone()
            cells = [s.initials or "—", s.kind_label, era.display(s.date) if s.date else "—",
                     f"{s.member_count}人", STEP_LABELS[s.step],
                     f"{era.display(local.date())} {local:%H:%M}", s.claimed_by or ""]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.setUpdatesEnabled(True)
        if self.summaries:
            self.table.selectRow(0)
            self.table.setFocus()

    def _scanned(self) -> None:
        code = parse_qr_payload(self.scan.text())
        self.scan.clear()
        if code is None:
            self.scan_error.setText("この窓口支援システムのQRコードではありません")
            return
        self.scan_error.setText("")
        self.resume_requested.emit(code[0])

    def _ask_discard(self) -> None:
        """Del: a case nobody will come back for (the resident left) is discarded with a
        reason, so the list does not fill up."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.summaries):
            return
        summary = self.summaries[row]
        dialog = QInputDialog(self)
        dialog.setWindowTitle("受付の取消")
        dialog.setLabelText(f"{summary.initials}（{summary.member_count}人）の受付を取り消します。"
                            "理由を入力してください")
        dialog.setMinimumWidth(720)
        dialog.textValueSelected.connect(
            lambda reason: self.discard_requested.emit(summary.id, reason))
        dialog.finished.connect(dialog.deleteLater)
        self.reason_dialog = dialog
        dialog.open()

    def _resume(self, row: int) -> None:
        if 0 <= row < len(self.summaries):
            self.resume_requested.emit(self.summaries[row].id)

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.reload()
