"""The checklist: every chosen procedure by section, with members, deadline and reasons.

Staff mark each one 済 (D), 不要 with a reason (N) or 後日 (L); the case closes (Ctrl+Enter)
only when none is left unaddressed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from counter_app.domain import ChecklistStatus
from counter_app.reception.checklist import build_checklist
from counter_app.ui.controller import CounterController
from counter_app.ui.views.common import page_layout

COLUMNS = ["手続", "対象の方", "期限", "持ち物", "状態"]
STATUS_COLORS = {ChecklistStatus.PENDING: "#c92a2a", ChecklistStatus.DONE: "#2b8a3e",
                 ChecklistStatus.NOT_NEEDED: "#495057", ChecklistStatus.LATER: "#e67700"}
ID_ROLE = Qt.ItemDataRole.UserRole


class ChecklistPage(QWidget):
    closed = Signal()
    back_requested = Signal()
    print_requested = Signal()

    def __init__(self, controller: CounterController) -> None:
        super().__init__()
        self.controller = controller
        layout = page_layout(self, "checklist", "手続一覧")
        self.summary = QLabel()
        self.summary.setObjectName("checklistSummary")
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("checklist")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tree, 1)
        self.reasons = QLabel()
        self.reasons.setObjectName("reasons")
        self.reasons.setWordWrap(True)
        layout.addWidget(self.reasons)
        buttons = QHBoxLayout()
        self.back = QPushButton("戻る：聞き取り")
        self.done = QPushButton("済（D）")
        self.not_needed = QPushButton("不要（N）")
        self.later = QPushButton("後日（L）")
        self.message = QLabel()
        self.message.setObjectName("pageMessage")
        self.message.setStyleSheet("color: #c92a2a;")
        self.message.setWordWrap(True)
        self.to_print = QPushButton("印刷へ（Ctrl+P）")
        self.close_case = QPushButton("受付を完了（Ctrl+Enter）")
        self.close_case.setObjectName("closeCase")
        for widget in (self.back, self.done, self.not_needed, self.later):
            buttons.addWidget(widget)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.to_print)
        buttons.addWidget(self.close_case)
        layout.addLayout(buttons)
        self.reason_dialog: QInputDialog | None = None

        self.back.clicked.connect(self.back_requested)  # signal to signal: no Python emit
        self.done.clicked.connect(lambda: self.mark(ChecklistStatus.DONE))
        self.later.clicked.connect(lambda: self.mark(ChecklistStatus.LATER))
        self.not_needed.clicked.connect(self.ask_reason)
        self.close_case.clicked.connect(self.try_close)
        self.to_print.clicked.connect(self.print_requested)  # signal to signal
        QShortcut(QKeySequence("Ctrl+P"), self).activated.connect(self.to_print.click)
        self.tree.currentItemChanged.connect(lambda *_: self._show_reasons())
        for keys, slot in ((Qt.Key.Key_D, lambda: self.mark(ChecklistStatus.DONE)),
                           (Qt.Key.Key_L, lambda: self.mark(ChecklistStatus.LATER)),
                           (Qt.Key.Key_N, self.ask_reason)):
            shortcut = QShortcut(QKeySequence(keys), self.tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.try_close)
        controller.session_replaced.connect(self.refresh)
        controller.case_changed.connect(self.refresh)
        controller.refused.connect(self.message.setText)
        self.refresh()

    def refresh(self) -> None:
        """Draw the checklist model: the same rows, in the same counter order, as the guide
        sheet the resident takes away."""
        session = self.controller.session
        current = self.current_id()
        self.tree.clear()
        self.model = build_checklist(session.case, session.determination,
                                     self.controller.catalogue)
        for group in self.model.groups:
            header = QTreeWidgetItem([group.heading])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            self.tree.addTopLevelItem(header)
            for row in group.rows:
                item = QTreeWidgetItem(["　" + row.title, row.who,
                                        row.deadline_text or "—", "、".join(row.bring),
                                        row.status_label])
                item.setData(0, ID_ROLE, row.procedure_id)
                item.setForeground(4, QBrush(QColor(STATUS_COLORS[row.status])))
                item.setToolTip(0, "\n".join(row.reasons))
                self.tree.addTopLevelItem(item)
        pending = self.model.pending()
        total = len(self.model.rows)
        self.summary.setText(f"手続 {total}件（未対応 {len(pending)}件）　D：済　N：不要　L：後日")
        self.select(current or (pending[0] if pending else None))

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def select(self, procedure_id: str | None) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if procedure_id is not None and item.data(0, ID_ROLE) == procedure_id:
                self.tree.setCurrentItem(item)
                return
        for i in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(i).data(0, ID_ROLE):
                self.tree.setCurrentItem(self.tree.topLevelItem(i))
                return

    def _show_reasons(self) -> None:
        row = self.model.row(self.current_id() or "")
        if row is None:
            self.reasons.setText("")
            return
        guide = row.guide
        self.reasons.setText("理由：" + "／".join(row.reasons) + (f"\n案内：{guide}" if guide
                                                               else ""))

    def mark(self, status: ChecklistStatus, reason: str = "") -> None:
        procedure_id = self.current_id()
        if procedure_id is None:
            return
        if self.controller.apply(lambda s: s.set_status(procedure_id, status, reason)):
            self.message.setText("")
            pending = self.model.pending()
            self.select(pending[0] if pending else procedure_id)  # straight on to the next
            self.tree.setFocus()

    def ask_reason(self) -> None:
        if self.current_id() is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle("不要の理由")
        dialog.setLabelText("この手続が不要な理由を入力してください（例：勤務先の保険に加入済み）")
        dialog.textValueSelected.connect(lambda text: self.mark(ChecklistStatus.NOT_NEEDED, text))
        dialog.finished.connect(dialog.deleteLater)
        self.reason_dialog = dialog
        dialog.open()

    def try_close(self) -> None:
        if self.controller.apply(lambda s: s.close()):
            self.message.setText("")
            self.closed.emit()
