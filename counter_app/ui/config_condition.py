"""The procedure editor's condition builder: rows of Japanese, and the selected comparison's
fact, operator and value below them. Thin over counter_app.rules.condition_edit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.rules.condition_edit import (
    OPERATOR_JA,
    BuilderRow,
    ConditionEdit,
    ValueInput,
    operators_for,
)
from counter_app.rules.conditions import FactSpec

PROBLEM_MARK = "！"


class ConditionBuilder(QWidget):
    changed = Signal(object)  # the condition's new JSON
    focused = Signal()  # the focus came into the rows or the fields (to scroll them into view)

    def __init__(self) -> None:
        super().__init__()
        self.edit: ConditionEdit | None = None
        self.editable = False
        self.rows: list[BuilderRow] = []
        self.problems: Mapping[str, list[str]] = {}
        self._input = ValueInput("text")
        self._loading = False

        self.list = QListWidget()
        self.list.setObjectName("conditionRows")
        self.list.setWordWrap(True)
        self.list.setFixedHeight(130)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(
            lambda _r: None if self._loading else self._show_row())

        self.fact = QComboBox()
        self.fact.setObjectName("conditionFact")
        self.fact.setMaxVisibleItems(20)
        self.operator = QComboBox()
        self.operator.setObjectName("conditionOperator")
        self.pick = QComboBox()
        self.pick.setObjectName("conditionPick")
        self.pick_many = QListWidget()
        self.pick_many.setObjectName("conditionPickMany")
        self.pick_many.setFixedHeight(64)
        self.text = QComboBox()
        self.text.setObjectName("conditionText")
        self.text.setEditable(True)
        self.text.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.values = QStackedWidget()
        for widget in (self.pick, self.pick_many, self.text):
            self.values.addWidget(widget)
        self.fact.activated.connect(lambda _i: self._fact_chosen())
        self.operator.activated.connect(lambda _i: self._operator_chosen())
        self.pick.activated.connect(lambda _i: self._value_chosen())
        self.pick_many.itemChanged.connect(lambda _item: self._value_chosen())
        self.text.activated.connect(lambda _i: self._value_chosen(picked=True))
        line = self.text.lineEdit()
        assert line is not None
        line.textEdited.connect(lambda _t: self._value_chosen())
        self.panel = QWidget()
        panel = QGridLayout(self.panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addWidget(QLabel("項目"), 0, 0)
        panel.addWidget(self.fact, 0, 1)
        panel.addWidget(QLabel("比べ方"), 0, 2)
        panel.addWidget(self.operator, 0, 3)
        panel.addWidget(QLabel("値"), 1, 0)
        panel.addWidget(self.values, 1, 1, 1, 3)
        panel.setColumnStretch(1, 3)
        panel.setColumnStretch(3, 1)

        self.problem = QLabel()
        self.problem.setObjectName("conditionProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c92a2a; font-weight: bold;")
        self.note = QLabel()
        self.note.setWordWrap(True)

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        # Alt keys: short enough to show on every button at 1366x768. Del and Ctrl+↑/↓ act on
        # the rows only, as in the page's other lists (in a text box Del deletes a character).
        for n, (key, text, keys, action) in enumerate((
                ("add", "条件を追加", "Alt+A", self._add),
                ("and", "すべての組", "Alt+S", lambda: self._group("and")),
                ("or", "いずれかの組", "Alt+I", lambda: self._group("or")),
                ("any_member", "誰かの組", "Alt+M", lambda: self._group("any_member")),
                ("not", "でない", "Alt+N", self._toggle_not),
                ("switch", "すべて⇔いずれか", "Alt+X", self._switch),
                ("remove", "削除", "Del", self._remove),
                ("up", "上へ", "Ctrl+↑", lambda: self._move(-1)),
                ("down", "下へ", "Ctrl+↓", lambda: self._move(1)))):
            button = QPushButton(f"{text}（{keys}）")
            button.setObjectName(f"condition_{key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys reach them from the rows
            button.clicked.connect(lambda _=False, a=action: a())
            on_rows = key in ("remove", "up", "down")
            shortcut = QShortcut(QKeySequence(keys.replace("↑", "Up").replace("↓", "Down")),
                                 self.list if on_rows else self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut if on_rows
                                else Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
            self.buttons[key] = button
            grid.addWidget(button, n // 3, n % 3)

        for widget in (self.list, self.fact, self.operator, self.pick, self.pick_many,
                       self.text):
            widget.installEventFilter(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list)
        column.addWidget(self.problem)
        column.addWidget(self.panel)
        column.addWidget(self.note)
        column.addLayout(grid)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.focused.emit()
        return super().eventFilter(watched, event)

    # --- showing -------------------------------------------------------------------------------

    def load(self, when: Any, facts: Mapping[str, FactSpec] | None,
             settings: Mapping[str, object], member_rule: bool, editable: bool) -> None:
        """A procedure's condition; without facts (a draft that does not parse) only words."""
        self.edit = ConditionEdit(when, facts, settings, member_rule) if facts else None
        self.editable = editable and self.edit is not None
        for button in self.buttons.values():
            button.setVisible(self.editable)
        self.problems = {}
        self._fill("")

    def show_problems(self, problems: Mapping[str, list[str]]) -> None:
        """Marks on the rows with problems, and the selected row's; the fields being typed
        in are left alone."""
        self.problems = problems
        for index, row in enumerate(self.rows):
            self._draw(index, row)
        selected = self.current()
        self.problem.setText("\n".join(self.problems.get(selected.path, [])) if selected
                             else "")
        self.problem.setVisible(bool(self.problem.text()))

    def select_problem(self, rest: str) -> None:
        """The row a problem's path (after `.when`) is about, focused."""
        paths = [row.path for row in self.rows]
        for path in sorted(paths, key=len, reverse=True):
            if rest == path or (rest.startswith(path) and rest[len(path)] == "."):
                self.list.setCurrentRow(paths.index(path))
                break
        self.list.setFocus()

    def _draw(self, index: int, row: BuilderRow) -> None:
        item = self.list.item(index)
        mark = PROBLEM_MARK if row.path in self.problems else ""
        item.setText(f"{'　' * row.depth}{mark}{row.text_ja}")
        item.setForeground(Qt.GlobalColor.red if mark else self.list.palette().text())

    def _fill(self, select: str) -> None:
        self._loading = True
        try:
            self.list.clear()
            if self.edit is None:
                self.rows = []
                self.list.addItem("（手続ルールに誤りがあるため表示できません。"
                                  "下の問題を先に直してください）")
                self.panel.setVisible(False)
                self.problem.clear()
                return
            self.rows = self.edit.rows()
            for index, row in enumerate(self.rows):
                self.list.addItem(QListWidgetItem())
                self._draw(index, row)
            index = next((i for i, r in enumerate(self.rows) if r.path == select), 0)
            self.list.setCurrentRow(index)
        finally:
            self._loading = False
        self._show_row()

    def current(self) -> BuilderRow | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_row(self) -> None:
        """The selected row's problems, and its fact, operator and value when it compares."""
        row = self.current()
        if self.edit is None or row is None:
            return
        self.problem.setText("\n".join(self.problems.get(row.path, [])))
        self.problem.setVisible(row.path in self.problems)
        compare = row.kind == "compare"
        self.panel.setVisible(compare)
        self.panel.setEnabled(self.editable)
        self.note.setText(_note(row.kind, self.editable))
        self.note.setVisible(not compare)
        if not compare:
            return
        loading, self._loading = self._loading, True
        try:
            spec, op, value = self.edit.compare_parts(row.path)
            facts = self.edit.facts_at(row.path)
            self.fact.clear()
            for fact in facts:
                self.fact.addItem(_fact_label(fact), fact.key)
            if spec is None:
                return
            self.fact.setCurrentIndex(max(0, self.fact.findData(spec.key)))
            self.operator.clear()
            for operator in operators_for(spec):
                self.operator.addItem(OPERATOR_JA[operator], operator)
            self.operator.setCurrentIndex(max(0, self.operator.findData(op)))
            self._show_value(spec, op, value, row.path)
        finally:
            self._loading = loading

    def _show_value(self, spec: FactSpec, op: str, value: Any, path: str) -> None:
        assert self.edit is not None
        self._input = self.edit.value_input(spec, op, path)
        options = self._input.options
        if self._input.kind == "pick":
            self.pick.clear()
            for label, option in options:
                self.pick.addItem(label, option)
            self.pick.setCurrentIndex(next((i for i, (_, o) in enumerate(options)
                                            if o == value), -1))
            self.values.setCurrentWidget(self.pick)
            self.values.setFixedHeight(self.pick.sizeHint().height())
        elif self._input.kind == "pick_many":
            self.pick_many.clear()
            chosen = value if isinstance(value, list) else []
            for label, option in options:
                item = QListWidgetItem(label)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if option in chosen
                                   else Qt.CheckState.Unchecked)
                self.pick_many.addItem(item)
            self.pick_many.setCurrentRow(0)
            self.values.setCurrentWidget(self.pick_many)
            self.values.setFixedHeight(self.pick_many.sizeHint().height())
        else:
            self.text.clear()
            for label, option in options:
                self.text.addItem(label, option)
            picked = next((label for label, o in options if o == value), None)
            self.text.setEditText(picked if picked is not None else
                                  ConditionEdit.value_text(value))
            self.values.setCurrentWidget(self.text)
            self.values.setFixedHeight(self.text.sizeHint().height())

    # --- changing ------------------------------------------------------------------------------

    def _apply(self, change: Callable[[ConditionEdit, str], str | None]) -> None:
        row = self.current()
        if self._loading or not self.editable or self.edit is None or row is None:
            return
        select = change(self.edit, row.path)
        self.changed.emit(self.edit.when)
        self._fill(select if select is not None else row.path)

    def _compare_change(self, change: Callable[[ConditionEdit, str], str]) -> None:
        """A change of the selected comparison: its row text is redrawn, the focus stays."""
        row = self.current()
        if self._loading or not self.editable or self.edit is None or row is None \
                or row.kind != "compare":
            return
        change(self.edit, row.path)
        self.changed.emit(self.edit.when)
        self.rows = self.edit.rows()
        index = self.list.currentRow()
        self._draw(index, self.rows[index])

    def _fact_chosen(self) -> None:
        key = self.fact.currentData()
        self._compare_change(lambda e, p: e.set_fact(p, str(key)))
        self._show_row()

    def _operator_chosen(self) -> None:
        op = str(self.operator.currentData())
        self._compare_change(lambda e, p: e.set_operator(p, op))
        self._show_row()

    def _value_chosen(self, picked: bool = False) -> None:
        row = self.current()
        if self.edit is None or row is None or self._loading:
            return
        spec, op, _old = self.edit.compare_parts(row.path)
        if spec is None:
            return
        kind = self._input.kind
        if kind == "pick":
            value: Any = self.pick.currentData()
        elif kind == "pick_many":
            value = [option for i, (_, option) in enumerate(self._input.options)
                     if self.pick_many.item(i).checkState() == Qt.CheckState.Checked]
        elif picked and self.text.currentIndex() >= 0:
            value = self.text.currentData()
        else:
            value = ConditionEdit.typed(spec, op, self.text.currentText())
        self._compare_change(lambda e, p: e.set_compare(p, spec.key, op, value))

    def _add(self) -> None:
        self._apply(lambda e, p: e.add_compare(p))
        self.list.setFocus()

    def _group(self, kind: str) -> None:
        self._apply(lambda e, p: e.add_group(p, kind))
        self.list.setFocus()

    def _toggle_not(self) -> None:
        self._apply(lambda e, p: e.toggle_not(p))

    def _switch(self) -> None:
        def switch(edit: ConditionEdit, path: str) -> str:
            edit.switch_group(path)
            return path

        row = self.current()
        if row is not None and row.kind in ("and", "or"):
            self._apply(switch)

    def _remove(self) -> None:
        self._apply(lambda e, p: e.remove(p))
        self.list.setFocus()

    def _move(self, delta: int) -> None:
        self._apply(lambda e, p: e.move(p, delta))


def _fact_label(spec: FactSpec) -> str:
    return f"世帯員の {spec.label_ja}" if spec.scope == "member" else spec.label_ja


def _note(kind: str, editable: bool) -> str:
    what = {"and": "この組の行がすべて当てはまるとき",
            "or": "この組の行のどれかが当てはまるとき",
            "not": "中の行が当てはまらないとき",
            "any_member": "世帯の誰か一人でも中の行に当てはまるとき",
            "const": "条件なし"}.get(kind, "")
    if not editable:
        return what
    return f"{what}。行を選んで Tab で項目・比べ方・値へ。" if what else ""

