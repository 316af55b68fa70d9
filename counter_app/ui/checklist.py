"""The checklist: every chosen procedure by section, with members, deadline and where it stands;
the selected row in full underneath (持ち物, what is handed over, deadline, reasons, guidance).

Staff mark the selected row 済 (D), 不要 with a reason (N) or 後日 (L), or the whole section
of the selected row 済 (S); the selection then moves to the next row still to be marked. The
print gate's problems are listed above the table. Ctrl+P goes to printing; Ctrl+Enter closes
the case, refused while a problem or an unmarked procedure remains.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from counter_app.domain import ChecklistStatus
from counter_app.reception.checklist import ChecklistRow, SectionGroup, build_checklist
from counter_app.reception.outputs import CHANGED_JA
from counter_app.ui.controller import CounterController
from counter_app.ui.print_gate import (
    CaseCloser,
    GateWatcher,
    MessageBanner,
    ProblemBanner,
    emphasize,
)
from counter_app.ui.views.common import page_layout

COLUMNS = ["手続", "対象の方", "期限", "状態"]
TITLE, WHO, DEADLINE, STATUS = range(len(COLUMNS))
# How the width left beside the deadline is shared: each column wraps within its share.
SHARES = {TITLE: 0.34, WHO: 0.36, STATUS: 0.30}
STATUS_COLORS = {ChecklistStatus.PENDING: "#c92a2a", ChecklistStatus.DONE: "#2b8a3e",
                 ChecklistStatus.NOT_NEEDED: "#495057", ChecklistStatus.LATER: "#e67700"}
NOTICE_COLOR = "#1864ab"
OVERDUE_COLOR = "#c92a2a"
ID_ROLE = Qt.ItemDataRole.UserRole
SECTION_ROLE = Qt.ItemDataRole.UserRole + 1
NOTICE_JA = "手続は不要です（お知らせ）"
OVERDUE_JA = "期限を過ぎています"
WORD_JOINER, NO_BREAK_SPACE = "\u2060", "\u00a0"
LONGEST_UNBROKEN = 12  # characters (240 px): longer may break anywhere, as the column needs
PHRASE_BREAKS = re.compile(r"(?<=[・、 ）])|(?=（)")
CELL_PADDING = 12  # the item padding of the application's style sheet, and a margin
DETAIL_HEIGHT = 160  # fixed: a long row scrolls inside, the table above never jumps
REASON_WIDTH = 680  # px: a typical reason on one line, the question on two


def _unbroken(phrase: str) -> str:
    return WORD_JOINER.join(phrase) if len(phrase) <= LONGEST_UNBROKEN else phrase


def whole_names(who: str) -> str:
    """Lines break between names, never inside one (北見 太郎、北見 / 花子 is hard to read): the
    characters of each name are joined by WORD JOINER, which draws nothing."""
    return "、".join(_unbroken(part.replace(" ", NO_BREAK_SPACE)) for part in who.split("、"))


def whole_phrases(title: str) -> str:
    """A title breaks after ・, 、 or a space, or before （, not one character from its end
    (国民年金 住所変更・種別確 / 認)."""
    return "".join(_unbroken(part) for part in PHRASE_BREAKS.split(title))


class WrappingDelegate(QStyledItemDelegate):
    """Row heights for text wrapped at its column's width (QTreeView asks for a row's height
    without saying how wide its cells are)."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        spanned = index.column() == 0 and self._tree.isFirstColumnSpanned(index.row(),
                                                                          index.parent())
        width = self._tree.viewport().width() if spanned \
            else self._tree.header().sectionSize(index.column())
        sized = QStyleOptionViewItem(option)
        # Less the item's padding (style sheet) and a little more: never a line short.
        sized.rect = QRect(0, 0, width - CELL_PADDING, 10_000)  # a rect needs some height
        return super().sizeHint(sized, index)


class ChecklistTree(QTreeWidget):
    """The table: columns share the width and wrap, so nothing is cut off and nothing scrolls
    sideways at 1366x768."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("checklist")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: a scroll bar that comes and goes would change the width, then the
        # wrapping, then the height, and again.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(WrappingDelegate(self))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionsMovable(False)

    def fit_columns(self) -> None:
        metrics = self.fontMetrics()
        texts = [COLUMNS[DEADLINE]] + [self.topLevelItem(i).text(DEADLINE)
                                       for i in range(self.topLevelItemCount())
                                       if self.topLevelItem(i).data(0, ID_ROLE)]
        deadline = max(metrics.horizontalAdvance(t) for t in texts) + 2 * metrics.averageCharWidth()
        rest = max(self.viewport().width() - deadline, 0)
        header = self.header()
        header.resizeSection(DEADLINE, deadline)
        header.resizeSection(TITLE, int(rest * SHARES[TITLE]))
        header.resizeSection(WHO, int(rest * SHARES[WHO]))
        header.resizeSection(STATUS, rest - int(rest * SHARES[TITLE]) - int(rest * SHARES[WHO]))
        self.doItemsLayout()  # rows take the height their wrapped text needs

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()


class RowDetail(QScrollArea):
    """The selected row in full, under the table."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("checklistDetail")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(DETAIL_HEIGHT)
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(10, 6, 10, 6)
        self.form.setVerticalSpacing(4)
        self.heading = self._label()
        bold = QFont(self.heading.font())
        bold.setBold(True)
        self.heading.setFont(bold)
        self.form.addRow(self.heading)
        self.fields: dict[str, QLabel] = {}
        for caption in ("対象の方", "持ち物", "お渡しするもの", "期限", "状態", "理由", "案内"):
            label = self._label()
            self.fields[caption] = label
            name = QLabel(f"{caption}：")
            self.form.addRow(name, label)
            self.form.itemAt(self.form.rowCount() - 1, QFormLayout.ItemRole.LabelRole) \
                .setAlignment(Qt.AlignmentFlag.AlignTop)  # beside the first line of a long text
        self.bring, self.issued = self.fields["持ち物"], self.fields["お渡しするもの"]
        self.deadline, self.status = self.fields["期限"], self.fields["状態"]
        self.reasons, self.guide = self.fields["理由"], self.fields["案内"]
        self.setWidget(body)

    @staticmethod
    def _label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _set(self, caption: str, text: str) -> None:
        self.fields[caption].setText(text)
        self.form.setRowVisible(self.fields[caption], bool(text))

    def show_row(self, row: ChecklistRow) -> None:
        # Where to go, as the guide sheet says it: 市民課 1番窓口（本庁舎1階）
        self.heading.setText(f"{row.title}　{row.section} {row.counter}（{row.floor}）")
        self._set("対象の方", row.who)
        self._set("持ち物", "、".join(row.bring) or "なし")
        self._set("お渡しするもの", "、".join(row.issued))
        deadline = row.deadline_text or "—"
        self._set("期限", f"{deadline}　{OVERDUE_JA}" if row.overdue else deadline)
        self.deadline.setStyleSheet(f"color: {OVERDUE_COLOR}; font-weight: bold;"
                                    if row.overdue else "")
        self._set("状態", NOTICE_JA if not row.visit else row.status_label)
        self._set("理由", "\n".join(row.reasons))
        self._set("案内", row.guide)
        self.verticalScrollBar().setValue(0)

    def show_group(self, group: SectionGroup) -> None:
        self.heading.setText(f"{group.heading}　{group.floor}")
        pending = len(group.pending())
        for caption in self.fields:
            self._set(caption, "")
        self._set("状態", f"未対応 {pending}件（Sでこの課の未対応をすべて済にします）"
                  if pending else "この課の手続はすべて対応済みです")

    def clear(self) -> None:
        self.heading.setText("")
        for caption in self.fields:
            self._set(caption, "")


class ChecklistPage(QWidget):
    closed = Signal()
    back_requested = Signal()
    print_requested = Signal()
    fix_requested = Signal(str)  # a problem's case-file path: the place to put it right

    def __init__(self, controller: CounterController) -> None:
        super().__init__()
        self.controller = controller
        self.model = build_checklist(controller.session.case, controller.session.determination,
                                     controller.catalogue)
        layout = page_layout(self, "checklist", "手続一覧")
        layout.setSpacing(8)
        self.summary = QLabel()
        self.summary.setObjectName("checklistSummary")
        self.summary.setWordWrap(True)
        # Beside the title, not under it: at 1366x768 every line is a row of the table.
        title = layout.itemAt(0).widget()
        layout.removeWidget(title)
        top = QHBoxLayout()
        top.setSpacing(24)
        top.addWidget(title)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.gate = ProblemBanner()
        layout.addWidget(self.gate)
        # Why the last operation was refused: across the page, where it cannot be missed.
        self.message = MessageBanner()
        layout.addWidget(self.message)
        self.tree = ChecklistTree()
        layout.addWidget(self.tree, 1)

        below = QHBoxLayout()
        self.detail = RowDetail()
        below.addWidget(self.detail, 1)
        marks = QGridLayout()
        marks.setSpacing(6)
        self.done = QPushButton("済（D）")
        self.not_needed = QPushButton("不要（N）")
        self.later = QPushButton("後日（L）")
        self.section_done = QPushButton("この課をすべて済（S）")
        marks.addWidget(self.done, 0, 0)
        marks.addWidget(self.not_needed, 1, 0)
        marks.addWidget(self.later, 2, 0)
        marks.addWidget(self.section_done, 3, 0)
        marks.setRowStretch(4, 1)
        below.addLayout(marks)
        layout.addLayout(below)

        buttons = QHBoxLayout()
        self.back = QPushButton("戻る：聞き取り（Ctrl+2）")
        self.to_print = QPushButton("印刷へ（Ctrl+P）")
        self.to_print.setObjectName("toPrint")
        self.close_case = QPushButton("受付を完了（Ctrl+Enter）")
        self.close_case.setObjectName("closeCase")
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.to_print)
        buttons.addWidget(self.close_case)
        layout.addLayout(buttons)
        self.reason_dialog: QInputDialog | None = None

        self.watcher = GateWatcher.of(controller)
        self.watcher.watch(self)
        self.watcher.changed.connect(self._show_gate)
        self.closer = CaseCloser(self, controller, self.gate)
        self.closer.closed.connect(self.closed)  # signal to signal: no Python emit
        self.closer.refused.connect(self.show_message)
        self.gate.fix_requested.connect(self.fix_requested)

        self.back.clicked.connect(self.back_requested)
        self.done.clicked.connect(lambda: self.mark(ChecklistStatus.DONE))
        self.later.clicked.connect(lambda: self.mark(ChecklistStatus.LATER))
        self.not_needed.clicked.connect(self.ask_reason)
        self.section_done.clicked.connect(self.mark_section)
        self.close_case.clicked.connect(self.closer.close_case)
        self.to_print.clicked.connect(self.print_requested)
        QShortcut(QKeySequence("Ctrl+P"), self).activated.connect(self.to_print.click)
        QShortcut(QKeySequence("F6"), self).activated.connect(self.gate.focus)
        self.tree.currentItemChanged.connect(lambda *_: self._show_detail())
        for key, slot in ((Qt.Key.Key_D, lambda: self.mark(ChecklistStatus.DONE)),
                          (Qt.Key.Key_L, lambda: self.mark(ChecklistStatus.LATER)),
                          (Qt.Key.Key_N, self.ask_reason),
                          (Qt.Key.Key_S, self.mark_section)):
            shortcut = QShortcut(QKeySequence(key), self.tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.closer.close_case)
        controller.session_replaced.connect(self._session_replaced)
        controller.case_changed.connect(self.refresh)
        controller.refused.connect(self._refused)
        self.refresh()

    # --- drawing -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Draw the checklist model: the same rows, in the same counter order, as the guide
        sheet the resident takes away."""
        session = self.controller.session
        current = self.current_id() or self._current_section()
        self.model = build_checklist(session.case, session.determination,
                                     self.controller.catalogue)
        self.tree.clear()
        for group in self.model.groups:
            heading = self._group_item(group)
            self.tree.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)  # only once in the tree
            for row in group.rows:
                self.tree.addTopLevelItem(self._row_item(row))
        self.tree.fit_columns()
        self._show_summary()
        self.select(current or self.model.next_pending(None))

    @staticmethod
    def _group_item(group: SectionGroup) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"{group.heading}　{group.floor}"])
        item.setData(0, SECTION_ROLE, group.section)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setBackground(0, QBrush(QColor("#e9ecef")))
        return item

    @staticmethod
    def _row_item(row: ChecklistRow) -> QTreeWidgetItem:
        status = row.status_label if row.visit else "お知らせ（手続不要）"
        item = QTreeWidgetItem(["　" + whole_phrases(row.title), whole_names(row.who),
                                row.deadline_text or "—", status])
        item.setData(0, ID_ROLE, row.procedure_id)
        color = STATUS_COLORS[row.status] if row.visit else NOTICE_COLOR
        item.setForeground(STATUS, QBrush(QColor(color)))
        if row.overdue:
            item.setForeground(DEADLINE, QBrush(QColor(OVERDUE_COLOR)))
            item.setToolTip(DEADLINE, OVERDUE_JA)
        for column, text in ((TITLE, row.title), (WHO, row.who), (STATUS, status)):
            item.setToolTip(column, text)
        return item

    def _show_summary(self) -> None:
        rows = [r for r in self.model.rows if r.visit]
        later = sum(r.status is ChecklistStatus.LATER for r in rows)
        pending = len(self.model.pending())
        text = f"手続 {len(rows)}件（未対応 {pending}件"
        text += f"・後日 {later}件）" if later else "）"
        notices = len(self.model.rows) - len(rows)
        if notices:
            text += f"　お知らせ {notices}件"
        report = self.watcher.report if self.watcher.current() else None
        if report is not None and report.outputs:
            unprinted = len(report.unprinted)
            text += f"　申請書 {len(report.outputs)}件（未印刷 {unprinted}件）" if unprinted \
                else f"　申請書 {len(report.outputs)}件（すべて印刷済み）"
            if report.changed:
                text += f"　{CHANGED_JA}（{len(report.changed)}件）"
        self.summary.setText(text)
        # The next step stands out: printing until every form is out, then closing.
        printed = report is not None and not report.unprinted
        emphasize(self.to_print, not printed)
        emphasize(self.close_case, printed and not pending)

    def _show_gate(self) -> None:
        report = self.watcher.report
        self.gate.show_problems(report.problems if report is not None else [])
        self._show_summary()

    def _show_detail(self) -> None:
        row = self.model.row(self.current_id() or "")
        group = self._group(self._current_section())
        if row is not None:
            self.detail.show_row(row)
        elif group is not None:
            self.detail.show_group(group)
        else:
            self.detail.clear()

    def show_message(self, text: str) -> None:
        self.message.show_message(text)

    def _refused(self, text: str) -> None:
        if self.isVisible():  # the controller speaks for every page: this one is on screen
            self.show_message(text)

    def _session_replaced(self) -> None:
        self.show_message("")
        self.refresh()

    # --- selection -----------------------------------------------------------------------

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _current_section(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, SECTION_ROLE) if item is not None else None

    def _group(self, section: str | None) -> SectionGroup | None:
        return next((g for g in self.model.groups if g.section == section), None)

    def select(self, key: str | None) -> None:
        """Select a procedure's row (or a section's heading); else the first procedure."""
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        rows = [i for i in items if i.data(0, ID_ROLE)]
        found = next((i for i in items if key is not None
                      and key in (i.data(0, ID_ROLE), i.data(0, SECTION_ROLE))), None)
        target = found or (rows[0] if rows else None)
        if target is not None:
            self.tree.setCurrentItem(target)
            self.tree.scrollToItem(target)
        self._show_detail()

    # --- marks ---------------------------------------------------------------------------

    def mark(self, status: ChecklistStatus, reason: str = "") -> None:
        procedure_id = self.current_id()
        if procedure_id is None:
            self.show_message("手続の行を選んでください（見出しの行ではSでこの課をまとめて済にできます）")
            return
        self._mark([procedure_id], status, reason, procedure_id)

    def mark_section(self) -> None:
        """The whole section of the selected row (or heading): its rows still pending, 済."""
        section = self._current_section()
        if section is None and self.current_id() is not None:
            section = self.model.row(self.current_id() or "").section  # type: ignore[union-attr]
        group = self._group(section)
        if group is None:
            return
        last = group.rows[-1].procedure_id
        pending = group.pending()
        if not pending:
            self.select(self.model.next_pending(last))
            return
        self._mark(pending, ChecklistStatus.DONE, "", last)

    def _mark(self, ids: list[str], status: ChecklistStatus, reason: str, after: str) -> None:
        if self.controller.apply(lambda s: s.set_statuses(ids, status, reason)):
            self.show_message("")
            self.select(self.model.next_pending(after) or ids[-1])  # straight on to the next
            self.tree.setFocus()

    def ask_reason(self) -> None:
        row = self.model.row(self.current_id() or "")
        if row is None:
            self.mark(ChecklistStatus.NOT_NEEDED)  # says to choose a row
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle("不要の理由")
        dialog.setLabelText(f"「{row.title}」が不要な理由を入力してください。\n"
                            "（例：勤務先の保険に加入済み）")
        dialog.setTextValue("")  # builds the dialog's layout, which sets the dialog's width:
        dialog.findChild(QLineEdit).setMinimumWidth(REASON_WIDTH)  # room for a whole reason
        dialog.textValueSelected.connect(lambda text: self.mark(ChecklistStatus.NOT_NEEDED, text))
        dialog.finished.connect(dialog.deleteLater)
        self.reason_dialog = dialog
        dialog.open()

    def try_close(self) -> None:
        self.closer.close_case()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.watcher.request()
        self._show_gate()
        self.tree.setFocus()

