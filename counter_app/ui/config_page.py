"""設定（監督者）: the city's catalogue versions, and editing, testing and publishing a draft.

Thin over counter_app.store.catalogues (versions, optimistic locking, tests, publishing,
restoring, the change log) and counter_app.rules.editing (the draft's fields, problems and
changes in Japanese). Only a signed-in supervisor sees it; a quiet while signs out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.config import StartupError
from counter_app.domain.dates import DateInputError
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import grade_label
from counter_app.rules.catalogue import Catalogue, declared_facts
from counter_app.rules.condition_edit import problems_by_row
from counter_app.rules.conditions import RuleError
from counter_app.rules.editing import (
    ACTION_JA,
    ANSWER_JA,
    KIND_JA,
    SCOPE_JA,
    START_JA,
    WHO_JA,
    AcceptRefused,
    DraftEdit,
    ProblemRow,
    ResultLine,
    accept_result,
    change_lines_ja,
    date_ja,
    deadline_fields,
    document_lines,
    household_label,
    problem_rows,
    result_rows,
    version_rows,
    when_ja,
)
from counter_app.store.accounts import Account, AccountRepository
from counter_app.store.catalogues import (
    CatalogueInvalid,
    CatalogueStore,
    CatalogueStoreError,
    PublishRefused,
    Status,
)
from counter_app.ui.config_condition import ConditionBuilder
from counter_app.ui.config_lists import row_actions
from counter_app.ui.sign_in import IDLE_MINUTES, IdleWatch, SignInPanel
from counter_app.ui.views.common import page_layout, row_table

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 300  # validation as you type, once typing pauses
TABS = ["市の設定・休日", "課", "手続", "質問", "テスト結果", "変更履歴"]
IDLE_NOTE_JA = ("しばらく操作がなかったため、サインアウトしました。"
                "保存していない変更は破棄しました。")
LEFT_NOTE_JA = ("設定の画面を離れたため、サインアウトしました。"
                "保存していない変更は破棄しました。")


class ConfigPage(QWidget):
    def __init__(self, store: CatalogueStore, accounts: AccountRepository, counter: str = "",
                 idle_minutes: float = IDLE_MINUTES) -> None:
        super().__init__()
        self.store = store
        self.account: Account | None = None
        self.edit: DraftEdit | None = None
        self.number: int | None = None
        self.status: Status | None = None
        self.revision = 0
        self.dirty = False
        self.households: list[dict[str, Any]] = []  # the version's test households, as edited
        self.households_changed = False
        self.result_lines: list[ResultLine] = []  # the test tab's rows after its summary
        self.problems: list[ProblemRow] = []
        self._found: list[RuleError] = []  # the problems behind `problems`, with their paths
        self.question_box: QWidget | None = None
        self.file_dialog: QFileDialog | None = None
        self.row_buttons: list[QWidget] = []  # shown on a draft only
        self._loading = False
        self._rows: list[int] = []  # the version numbers, as the table lists them
        self._procedure = -1
        self._question = -1
        self._catalogue: Catalogue | None = None

        layout = page_layout(self, "config", "設定（監督者）")
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.sign_in = SignInPanel(accounts, counter)
        self.sign_in.signed_in.connect(self._signed_in)
        self.stack.addWidget(self.sign_in)
        self.editor = QWidget()
        self.stack.addWidget(self.editor)
        self._build_editor()
        self.idle = IdleWatch(idle_minutes, self)
        self.idle.expired.connect(lambda: self.sign_out(IDLE_NOTE_JA))
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)

    # --- layout --------------------------------------------------------------------------------

    def _build_editor(self) -> None:
        column = QVBoxLayout(self.editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        top, actions = QHBoxLayout(), QHBoxLayout()
        self.who = QLabel()
        top.addWidget(self.who, 1)
        self.buttons: dict[str, QPushButton] = {}
        for row, key, text, keys, slot in (
                (actions, "new_draft", "新しい下書き", "Ctrl+D", self.new_draft),
                (actions, "save", "保存", "Ctrl+S", self.save),
                (actions, "test", "テスト", "Ctrl+T", self.run_tests),
                (actions, "publish", "公開", "Ctrl+P", self.ask_publish),
                (actions, "restore", "この版を復元", "Ctrl+R", self.ask_restore),
                (top, "import", "読込", "Ctrl+O", self.ask_import),
                (top, "export", "書出", "Ctrl+E", self.ask_export),
                (top, "reload", "読み直す", "F5", self.reload),
                (top, "sign_out", "サインアウト", "Ctrl+Q", self.ask_sign_out)):
            button = QPushButton(f"{text}（{keys}）")
            button.setObjectName(key)
            button.clicked.connect(lambda _=False, s=slot: s())
            QShortcut(QKeySequence(keys), self.editor).activated.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        column.addLayout(top)

        self.versions = row_table("versions", ["版", "状態", "保存・公開した人", "日時", "由来"])
        self.versions.setFixedHeight(104)  # 1366x768: the editors need the height
        header = self.versions.horizontalHeader()
        header.setStretchLastSection(True)
        for index, width in enumerate((60, 100, 220, 260)):
            self.versions.setColumnWidth(index, width)
        self.versions.currentCellChanged.connect(self._version_chosen)
        column.addWidget(self.versions)
        self.message = QLabel()
        self.message.setObjectName("configMessage")
        self.message.setWordWrap(True)
        actions.addStretch(1)
        column.addLayout(actions)
        column.addWidget(self.message)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._settings_tab(), TABS[0])
        self.tabs.addTab(self._sections_tab(), TABS[1])
        self.tabs.addTab(self._procedures_tab(), TABS[2])
        self.tabs.addTab(self._questions_tab(), TABS[3])
        self.test_summary = QLabel()
        self.test_summary.setWordWrap(True)
        self.test_lines = QListWidget()
        self.test_lines.setObjectName("testLines")
        self.test_lines.setWordWrap(True)
        self.test_lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.accept_button = QPushButton("選んだテスト世帯は、この結果を期待値にする（Ctrl+K）")
        self.accept_button.setObjectName("acceptResult")
        self.accept_button.clicked.connect(lambda _=False: self.ask_accept())
        QShortcut(QKeySequence("Ctrl+K"), self.editor).activated.connect(self.ask_accept)
        accept_note = QLabel("違いが意図した変更のときは、その世帯の行を選んで Ctrl+K。"
                             "期待値は下書きと一緒に保存され、変更履歴に残ります。")
        accept_note.setWordWrap(True)
        self.accept_row = QWidget()
        accept_layout = QHBoxLayout(self.accept_row)
        accept_layout.setContentsMargins(0, 0, 0, 0)
        accept_layout.addWidget(self.accept_button)
        accept_layout.addWidget(accept_note, 1)
        self.accept_row.setVisible(False)
        self.tabs.addTab(_stacked(self.test_summary, self.accept_row, self.test_lines), TABS[4])
        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self.history.setSpacing(4)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs.addTab(self.history, TABS[5])
        column.addWidget(self.tabs, 1)
        # From anywhere on the page (a tab widget only switches when it has the focus).
        for keys, step in (("Ctrl+Tab", 1), ("Ctrl+Shift+Tab", -1)):
            QShortcut(QKeySequence(keys), self.editor).activated.connect(
                lambda s=step: self.show_tab((self.tabs.currentIndex() + s) % self.tabs.count()))

        self.problem_heading = QLabel()
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problems")
        self.problem_list.setWordWrap(True)
        self.problem_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problem_list.itemActivated.connect(
            lambda _item: self._go_to_problem(self.problem_list.currentRow()))
        column.addWidget(self.problem_heading)
        column.addWidget(self.problem_list)

    def _settings_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout(tab)
        form = QFormLayout()
        self.city_name = QLineEdit()
        self.grade_cap = QLineEdit()
        self.grade_cap.setMaximumWidth(120)
        self.grade_hint = QLabel()
        self.retention = QLineEdit()
        self.retention.setMaximumWidth(120)
        cap_row = QHBoxLayout()
        cap_row.addWidget(self.grade_cap)
        cap_row.addWidget(self.grade_hint, 1)
        form.addRow("市の名前", self.city_name)
        form.addRow("子ども医療費の対象（学年の上限）", cap_row)
        form.addRow("個人情報の保存日数（完了後）", self.retention)
        self.city_name.textEdited.connect(lambda t: self._change(lambda e: e.set_city_name(t)))
        self.grade_cap.textEdited.connect(
            lambda t: self._change(lambda e: e.set_setting("child_medical_grade_cap", t)))
        self.retention.textEdited.connect(
            lambda t: self._change(lambda e: e.set_setting("retention_days", t)))
        grid.addLayout(form, 0, 0)

        days = QVBoxLayout()
        note = QLabel("土曜・日曜・祝日・年末年始（12月29日～1月3日）は既定で休みです。"
                      "市独自の休日をここに加えます。期限が休日にあたるときは次の開庁日になります。")
        note.setWordWrap(True)
        self.new_day = QLineEdit()
        self.new_day.setObjectName("newClosedDay")
        self.new_day.setPlaceholderText("和暦 5090105 または 2027-01-05 を入力して Enter")
        self.new_day.returnPressed.connect(self.add_closed_day)
        self.closed_days = QListWidget()
        self.closed_days.setObjectName("closedDays")
        remove = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.closed_days)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_closed_day)
        days.addWidget(QLabel("市の休日（Enterで追加、Delで削除）"))
        days.addWidget(note)
        days.addWidget(self.new_day)
        days.addWidget(self.closed_days, 1)
        grid.addLayout(days, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return tab

    def _sections_tab(self) -> QWidget:
        self.sections = QTableWidget(0, 3)
        self.sections.setObjectName("sections")
        self.sections.setHorizontalHeaderLabels(["課の名前", "窓口", "場所"])
        self.sections.verticalHeader().setVisible(False)
        self.sections.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.sections.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                      | QAbstractItemView.EditTrigger.EditKeyPressed
                                      | QAbstractItemView.EditTrigger.DoubleClicked)
        self.sections.horizontalHeader().setStretchLastSection(True)
        self.sections.setColumnWidth(0, 260)
        self.sections.setColumnWidth(1, 200)
        self.sections.itemChanged.connect(self._section_changed)
        for keys, delta in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self.sections)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda d=delta: self.move_section(d))
        note = QLabel("F2 または文字の入力で編集、Enter で確定。Ctrl+↑/↓ で順番を変えます"
                      "（案内シートの並び順）。課の名前を変えると、その課の手続も付いていきます。")
        note.setWordWrap(True)
        actions = row_actions(self.sections, [
            ("addSection", "課を追加", "Alt+A", self.add_section),
            ("removeSection", "課を削除", "Del", self.ask_remove_section)])
        self.row_buttons.append(actions)
        return _stacked(note, actions, self.sections)

    def _procedures_tab(self) -> QWidget:
        self.procedure_list = QListWidget()
        self.procedure_list.setObjectName("procedureList")
        self.procedure_list.setFixedWidth(330)
        self.procedure_list.setWordWrap(True)
        self.procedure_list.setSpacing(2)
        self.procedure_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.procedure_list.currentRowChanged.connect(self._show_procedure)
        procedure_actions = row_actions(self.procedure_list, [
            ("addProcedure", "手続を追加", "Alt+A", self.add_procedure),
            ("removeProcedure", "削除", "Del", self.ask_remove_procedure)], columns=2)
        self.row_buttons.append(procedure_actions)
        form = QFormLayout()
        self.proc_id = QLineEdit()
        self.proc_id.setObjectName("procedureId")
        self.proc_who = QComboBox()
        for value, label in WHO_JA.items():
            self.proc_who.addItem(label, value)
        self.proc_kinds = _checklist("procedureKinds", [(v, t) for v, t in KIND_JA.items()],
                                     flow=True)
        self.proc_forms = _checklist("procedureForms", [])
        self.proc_forms.setFixedHeight(110)
        self.proc_title = QLineEdit()
        self.proc_section = QComboBox()
        self.proc_days = QLineEdit()
        self.proc_days.setMaximumWidth(90)
        self.proc_from = QComboBox()
        for value, label in START_JA.items():
            self.proc_from.addItem(label, value)
        self.proc_words = QLineEdit()
        self.proc_words.setPlaceholderText("日数のない期限（例：速やかに）")
        deadline = QHBoxLayout()
        deadline.addWidget(self.proc_days)
        deadline.addWidget(QLabel("日以内"))
        deadline.addWidget(self.proc_from)
        deadline.addWidget(self.proc_words, 1)
        self.proc_documents = QPlainTextEdit()
        self.proc_documents.setTabChangesFocus(True)
        self.proc_documents.setFixedHeight(70)
        self.proc_guide = QPlainTextEdit()
        self.proc_guide.setTabChangesFocus(True)
        self.proc_guide.setFixedHeight(70)
        self.condition = ConditionBuilder()
        self.condition.changed.connect(
            lambda when: self._change_procedure(lambda e, i: e.set_condition(i, when)))
        # 1366x768 leaves the editor less height than the builder: in it, it comes to the top.
        self.condition.focused.connect(self._condition_to_top)
        form.addRow("名称", self.proc_title)
        form.addRow("手続ID（半角英小文字）", self.proc_id)
        form.addRow("担当課", self.proc_section)
        form.addRow("対象", self.proc_who)
        form.addRow("異動・出来事", self.proc_kinds)
        form.addRow("申請書（Spaceで選ぶ）", self.proc_forms)
        form.addRow("期限", deadline)
        form.addRow(QLabel("条件（この手続が必要になるとき）"))
        form.addRow(self.condition)  # the whole width: its rows and buttons need it
        form.addRow("持ち物（1行に1つ）", self.proc_documents)
        form.addRow("案内文", self.proc_guide)
        self.proc_title.textEdited.connect(
            lambda t: self._change_procedure(lambda e, i: e.set_procedure(i, "title_ja", t)))
        self.proc_section.activated.connect(
            lambda _i: self._change_procedure(
                lambda e, i: e.set_procedure(i, "section", self.proc_section.currentText())))
        self.proc_id.textEdited.connect(
            lambda t: self._change_procedure(lambda e, i: e.set_procedure(i, "id", t)))
        self.proc_who.activated.connect(lambda _i: self._who_changed())
        self.proc_kinds.itemChanged.connect(
            lambda _item: self._change_procedure(
                lambda e, i: e.set_kinds(i, _checked(self.proc_kinds))))
        self.proc_forms.itemChanged.connect(
            lambda _item: self._change_procedure(
                lambda e, i: e.set_forms(i, _checked(self.proc_forms))))
        self.proc_days.textEdited.connect(lambda _t: self._deadline_edited())
        self.proc_from.activated.connect(lambda _i: self._deadline_edited())
        self.proc_words.textEdited.connect(lambda _t: self._deadline_edited())
        self.proc_documents.textChanged.connect(
            lambda: self._change_procedure(lambda e, i: e.set_documents(
                i, self.proc_documents.toPlainText().splitlines())))
        self.proc_guide.textChanged.connect(
            lambda: self._change_procedure(lambda e, i: e.set_procedure(
                i, "guide_ja", self.proc_guide.toPlainText())))
        details = QWidget()
        stacked = QVBoxLayout(details)
        stacked.addLayout(form)
        stacked.addStretch(1)  # a large screen leaves the room below, not between the rows
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.proc_scroll: QScrollArea = scroll
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.addWidget(_stacked(self.procedure_list, procedure_actions))
        row.addWidget(scroll, 1)
        return tab

    def _who_changed(self) -> None:
        """Who the procedure is for decides which facts its condition may read."""
        index = self._procedure
        self._change_procedure(lambda e, i: e.set_who(i, str(self.proc_who.currentData())))
        if index >= 0 and self._editable():
            self._show_procedure(index)
            self.proc_who.setFocus()

    def _condition_to_top(self) -> None:
        self.proc_scroll.verticalScrollBar().setValue(self.condition.y() - 24)

    def _questions_tab(self) -> QWidget:
        self.question_list = QListWidget()
        self.question_list.setObjectName("questionList")
        self.question_list.setFixedWidth(330)
        self.question_list.setWordWrap(True)
        self.question_list.setSpacing(2)
        self.question_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.question_list.currentRowChanged.connect(self._show_question)
        question_actions = row_actions(self.question_list, [
            ("addQuestion", "質問を追加", "Alt+A", self.add_question),
            ("removeQuestion", "削除", "Del", self.ask_remove_question),
            ("questionUp", "上へ", "Ctrl+↑", lambda: self.move_question(-1)),
            ("questionDown", "下へ", "Ctrl+↓", lambda: self.move_question(1))], columns=2)
        self.row_buttons.append(question_actions)
        self.question_label = QLineEdit()
        self.question_label.setObjectName("questionLabel")
        self.question_type = QComboBox()
        for value, label in ANSWER_JA.items():
            self.question_type.addItem(label, value)
        self.question_scope = QComboBox()
        for value, label in SCOPE_JA.items():
            self.question_scope.addItem(label, value)
        self.question_label.textEdited.connect(
            lambda t: self._change_question(lambda e, i: e.set_question_label(i, t)))
        self.question_type.activated.connect(lambda _i: self._question_kind_changed())
        self.question_scope.activated.connect(lambda _i: self._question_kind_changed())
        self.question_text = QPlainTextEdit()
        self.question_household = QPlainTextEdit()
        self.question_household.setPlaceholderText("配慮が必要な質問を世帯全体に尋ねるときの文")
        for text in (self.question_text, self.question_household):
            text.setTabChangesFocus(True)
            text.setFixedHeight(70)
        self.choice_table = QTableWidget(0, 1)
        self.choice_table.setObjectName("choices")
        self.choice_table.setHorizontalHeaderLabels(["選択肢（表示名）"])
        self.choice_table.horizontalHeader().setStretchLastSection(True)
        self.choice_table.verticalHeader().setVisible(False)
        self.choice_table.itemChanged.connect(self._choice_changed)
        self.choice_actions = row_actions(self.choice_table, [
            ("addChoice", "選択肢を追加", "Alt+A", self.add_choice),
            ("removeChoice", "選択肢を削除", "Del", self.remove_choice)])
        self.question_text.textChanged.connect(
            lambda: self._change_question(lambda e, i: e.set_question(
                i, "text_ja", self.question_text.toPlainText())))
        self.question_household.textChanged.connect(
            lambda: self._change_question(lambda e, i: e.set_question(
                i, "household_text_ja", self.question_household.toPlainText())))
        for text in (self.question_text, self.question_household):
            text.setFixedHeight(56)
        self.choice_table.setFixedHeight(110)
        kind = QHBoxLayout()
        kind.addWidget(self.question_type, 1)
        kind.addWidget(self.question_scope, 1)
        form = QFormLayout()
        form.addRow("答えの名前（条件での呼び名）", self.question_label)
        form.addRow("答えの種類・尋ね方", kind)
        form.addRow("質問文（{name} は氏名）", self.question_text)
        form.addRow("世帯向けの質問文", self.question_household)
        form.addRow("選択肢", self.choice_table)
        form.addRow("", self.choice_actions)
        details = QWidget()
        stacked = QVBoxLayout(details)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.addLayout(form)
        stacked.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.question_scroll: QScrollArea = scroll
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.addWidget(_stacked(self.question_list, question_actions))
        row.addWidget(scroll, 1)
        return tab

    def show_tab(self, index: int) -> None:
        """A tab, with the focus on its first field."""
        self.tabs.setCurrentIndex(index)
        (self.city_name, self.sections, self.procedure_list, self.question_list,
         self.test_lines, self.history)[index].setFocus()

    # --- signing in and out --------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.account is None:
            self.sign_in.reset(self.sign_in.message.text())
            # After the window's page switch, which focuses the navigation: the name is next.
            QTimer.singleShot(0, self.sign_in.name.setFocus)

    def _signed_in(self, account: Account) -> None:
        self.account = account
        self.who.setText(f"監督者：{account.name}")
        self.stack.setCurrentWidget(self.editor)
        self.idle.start()
        self.message.clear()
        self.refresh_versions()
        self.versions.setFocus()

    def ask_sign_out(self) -> None:
        if self.dirty:
            self._confirm("保存していない変更があります。変更を破棄してサインアウトしますか？",
                          "破棄してサインアウト（Enter）", self.sign_out)
        else:
            self.sign_out()

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page (another page chosen) signs out; a minimized window does not."""
        super().hideEvent(event)
        if not event.spontaneous() and self.account is not None:
            self.sign_out(LEFT_NOTE_JA)

    def sign_out(self, note: str = "サインアウトしました。") -> None:
        why = {IDLE_NOTE_JA: "idle", LEFT_NOTE_JA: "page left"}.get(note, "asked")
        log.info("config page signed out (%s)", why)
        self.idle.stop()
        self.account = None
        self.edit = None
        self.number = None
        self.dirty = False
        self.households, self.households_changed = [], False
        self._show_tests("", [], switch=False)
        self._check_timer.stop()
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.reset(note)

    # --- versions ------------------------------------------------------------------------------

    def refresh_versions(self, select: int | None = None) -> None:
        """The list of versions, newest first; `select` (or the draft, else the published
        one) is loaded into the editors."""
        versions = self.store.versions()
        rows = version_rows(versions)
        if select is None:
            drafts = [v.number for v in versions if v.status is Status.DRAFT]
            published = [v.number for v in versions if v.status is Status.PUBLISHED]
            select = max(drafts) if drafts else (published[0] if published else None)
        self.versions.blockSignals(True)
        self.versions.setRowCount(len(rows))
        chosen = 0
        for r, row in enumerate(rows):
            for c, text in enumerate((f"{row.number}", row.status_ja, row.who, row.when_ja,
                                      row.note_ja)):
                self.versions.setItem(r, c, QTableWidgetItem(text))
            if row.number == select:
                chosen = r
        self.versions.blockSignals(False)
        self._rows = [row.number for row in rows]
        if rows:
            self.versions.setCurrentCell(chosen, 0)
            self.load(self._rows[chosen])
        self._show_history()

    def _version_chosen(self, row: int, _column: int, previous: int, _pc: int) -> None:
        if row < 0 or row == previous or row >= len(self._rows):
            return
        if self.dirty:
            self.versions.blockSignals(True)
            self.versions.setCurrentCell(previous, 0)
            self.versions.blockSignals(False)
            self.say("保存していない変更があります。保存（Ctrl+S）するか、読み直し（F5）で"
                     "変更を破棄してから版を切り替えてください。", error=True)
            return
        self.load(self._rows[row])

    def load(self, number: int) -> None:
        version = self.store.version(number)
        self.number, self.status, self.revision = number, version.status, version.revision
        self.edit = DraftEdit(self.store.document(number))
        self.households, self.households_changed = self.store.households(number), False
        self.dirty = False
        self._show_tests("", [], switch=False)
        editable = version.status is Status.DRAFT
        for widget in (self.city_name, self.grade_cap, self.retention, self.new_day,
                       self.proc_title, self.proc_days, self.proc_words):
            widget.setReadOnly(not editable)
        for text in (self.proc_documents, self.proc_guide, self.question_text,
                     self.question_household):
            text.setReadOnly(not editable)
        for combo in (self.proc_section, self.proc_from, self.proc_who, self.proc_kinds,
                      self.proc_forms, self.question_type, self.question_scope):
            combo.setEnabled(editable)
        for widget in (self.proc_id, self.question_label):
            widget.setReadOnly(not editable)
        for actions in (*self.row_buttons, self.choice_actions):
            actions.setVisible(editable)
        triggers = QAbstractItemView.EditTrigger.NoEditTriggers if not editable else (
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked)
        self.sections.setEditTriggers(triggers)
        self.choice_table.setEditTriggers(triggers)
        self.buttons["save"].setEnabled(editable)
        self.buttons["publish"].setEnabled(editable)
        self.buttons["restore"].setEnabled(version.status is Status.RETIRED)
        self._fill()
        self.check()
        if not editable:
            self.say(f"版 {number} は{'公開中' if version.status is Status.PUBLISHED else '過去'}"
                     "の版で、変更できません。変更するには新しい下書き（Ctrl+D）を作ります。")
        else:
            self.say(f"下書き 版 {number} を編集中です。")

    def _fill(self) -> None:
        """Every editor from the draft's JSON, without counting as an edit."""
        assert self.edit is not None
        edit = self.edit
        self._loading = True
        try:
            self._catalogue = _parsed(edit.data)
            self.city_name.setText(str(edit.city.get("name_ja", "")))
            self.grade_cap.setText(_text(edit.setting("child_medical_grade_cap")))
            self.retention.setText(_text(edit.setting("retention_days")))
            self._show_grade_hint()
            self._fill_closed_days()
            self._fill_sections()
            self._fill_forms()
            self._fill_procedures(0)
            self._fill_questions(0)
        finally:
            self._loading = False

    def _fill_forms(self) -> None:
        assert self.edit is not None
        forms = self.edit.data.get("forms")
        _fill_checklist(self.proc_forms, list(forms.items()) if isinstance(forms, dict) else [])

    def _fill_procedures(self, select: int) -> None:
        assert self.edit is not None
        loading, self._loading = self._loading, True
        self.procedure_list.clear()
        self.procedure_list.addItems([str(p.get("title_ja", ""))
                                      for p in self.edit.procedures()])
        self._loading = loading
        self._procedure = -1
        self.procedure_list.setCurrentRow(min(select, self.procedure_list.count() - 1))

    def _fill_questions(self, select: int) -> None:
        assert self.edit is not None
        loading, self._loading = self._loading, True
        self.question_list.clear()
        self.question_list.addItems([_question_shown(q) for q in self.edit.questions()])
        self._loading = loading
        self._question = -1
        self.question_list.setCurrentRow(min(select, self.question_list.count() - 1))

    def _fill_closed_days(self) -> None:
        assert self.edit is not None
        self.closed_days.clear()
        self.closed_days.addItems([date_ja(d) for d in self.edit.closed_dates()])

    def _fill_sections(self) -> None:
        assert self.edit is not None
        loading, self._loading = self._loading, True
        self.sections.setRowCount(len(self.edit.sections()))
        for r, section in enumerate(self.edit.sections()):
            for c, field in enumerate(("name_ja", "counter_ja", "floor_ja")):
                self.sections.setItem(r, c, QTableWidgetItem(str(section.get(field, ""))))
        self.proc_section.clear()
        self.proc_section.addItems([str(s.get("name_ja", "")) for s in self.edit.sections()])
        self._loading = loading

    def _show_history(self) -> None:
        self.history.clear()
        data = self.edit.data if self.edit is not None else {}
        for change in reversed(self.store.changes()):
            action = ACTION_JA.get(change.action, change.action)
            who = "システム" if change.account == "system" else change.account
            lines = change_lines_ja(change.lines, data)
            self.history.addItem(f"版 {change.version}　{action}　{who}　{when_ja(change.at)}"
                                 + "".join(f"\n　{line}" for line in lines[:20])
                                 + (f"\n　ほか {len(lines) - 20} 件" if len(lines) > 20 else ""))

    # --- editing -------------------------------------------------------------------------------

    def _change(self, apply: Callable[[DraftEdit], None]) -> None:
        if self._loading or self.edit is None or self.status is not Status.DRAFT:
            return
        apply(self.edit)
        self.dirty = True
        self._check_timer.start()
        self._show_grade_hint()

    def _change_procedure(self, apply: Callable[[DraftEdit, int], None]) -> None:
        index = self._procedure
        if index < 0:
            return
        self._change(lambda e: apply(e, index))
        if not self._loading and self.edit is not None:
            item = self.procedure_list.item(index)
            item.setText(str(self.edit.procedures()[index].get("title_ja", "")))

    def _change_question(self, apply: Callable[[DraftEdit, int], None]) -> None:
        index = self._question
        if index < 0:
            return
        self._change(lambda e: apply(e, index))
        if not self._loading and self.edit is not None:
            item = self.question_list.item(index)
            item.setText(_question_shown(self.edit.questions()[index]))

    def _deadline_edited(self) -> None:
        self._change_procedure(lambda e, i: e.set_deadline(
            i, self.proc_days.text(), str(self.proc_from.currentData()), self.proc_words.text()))

    def _show_grade_hint(self) -> None:
        cap = self.edit.setting("child_medical_grade_cap") if self.edit else None
        self.grade_hint.setText(f"{grade_label(cap)}まで" if isinstance(cap, int)
                                and not isinstance(cap, bool) and 0 <= cap <= 12 else "")

    def add_closed_day(self) -> None:
        if self.edit is None or self.status is not Status.DRAFT:
            return
        try:
            day = default_era_table().parse_typed(self.new_day.text())
        except DateInputError as exc:
            self.say(f"日付を読み取れません：{exc}", error=True)
            return
        if not self.edit.add_closed_date(day):
            self.say(f"{date_ja(day)} はすでに市の休日です。", error=True)
            return
        self.new_day.clear()
        self._change(lambda e: None)
        self._fill_closed_days()
        self.say(f"{date_ja(day)} を市の休日に加えました（保存はまだです）。")

    def remove_closed_day(self) -> None:
        row = self.closed_days.currentRow()
        if self.edit is None or self.status is not Status.DRAFT or row < 0:
            return
        day = self.edit.closed_dates()[row]
        self._change(lambda e: e.remove_closed_date(day))
        self._fill_closed_days()
        self.closed_days.setCurrentRow(min(row, self.closed_days.count() - 1))

    def _section_changed(self, item: QTableWidgetItem) -> None:
        field = ("name_ja", "counter_ja", "floor_ja")[item.column()]
        self._change(lambda e: e.set_section(item.row(), field, item.text()))
        if not self._loading and field == "name_ja":
            current = self.proc_section.currentIndex()
            self.proc_section.setItemText(item.row(), item.text().strip())
            self.proc_section.setCurrentIndex(current)

    def _check_now(self) -> None:
        """After adding or removing: the problems it leaves, at once."""
        self._check_timer.stop()
        self.check()

    def _editable(self) -> bool:
        return self.edit is not None and self.status is Status.DRAFT and not self._loading

    def add_section(self) -> None:
        if not self._editable():
            return
        assert self.edit is not None
        at = self.edit.add_section(self.sections.currentRow())
        self._change(lambda e: None)
        self._check_now()
        self._fill_sections()
        self.sections.setCurrentCell(at, 0)
        self.sections.setFocus()
        self.say("課を加えました。名前・窓口・場所を入力してください（保存はまだです）。")

    def ask_remove_section(self) -> None:
        row = self.sections.currentRow()
        if not self._editable() or row < 0:
            return
        assert self.edit is not None
        name = str(self.edit.sections()[row].get("name_ja", ""))
        used = sum(1 for p in self.edit.procedures() if p.get("section") == name)
        self._confirm(f"課「{name}」を削除しますか？" + (
            f"この課の手続 {used} 件は、別の課を選ぶまで問題として表示されます。" if used else ""),
            "削除する（Enter）", lambda: self.remove_section(row))

    def remove_section(self, row: int) -> None:
        if not self._editable():
            return
        assert self.edit is not None
        self._change(lambda e: e.remove_section(row))
        self._check_now()
        self._fill_sections()
        self.sections.setCurrentCell(min(row, self.sections.rowCount() - 1), 0)
        self.sections.setFocus()
        self.say("課を削除しました（保存はまだです）。")

    def add_procedure(self) -> None:
        if not self._editable():
            return
        assert self.edit is not None
        at = self.edit.add_procedure(self.procedure_list.currentRow())
        self._change(lambda e: None)
        self._check_now()
        self._fill_procedures(at)
        self.proc_scroll.verticalScrollBar().setValue(0)
        self.proc_title.setFocus()
        self.proc_title.selectAll()
        self.say("新しい手続を加えました。名称・申請書または案内文・条件を入れてください"
                 "（保存はまだです）。")

    def ask_remove_procedure(self) -> None:
        row = self.procedure_list.currentRow()
        if not self._editable() or row < 0:
            return
        assert self.edit is not None
        title = str(self.edit.procedures()[row].get("title_ja", ""))
        self._confirm(f"手続「{title}」をこの下書きから削除しますか？テスト世帯がこの手続を"
                      "期待していれば、テストで違いとして表示されます。", "削除する（Enter）",
                      lambda: self.remove_procedure(row))

    def remove_procedure(self, row: int) -> None:
        if not self._editable():
            return
        self._change(lambda e: e.remove_procedure(row))
        self._check_now()
        self._fill_procedures(row)
        self.procedure_list.setFocus()
        self.say("手続を削除しました（保存はまだです）。")

    def add_question(self) -> None:
        if not self._editable():
            return
        assert self.edit is not None
        at = self.edit.add_question(self.question_list.currentRow())
        self._change(lambda e: None)
        self._check_now()
        self._fill_questions(at)
        self.question_label.setFocus()
        self.question_label.selectAll()
        self.say("質問を加えました。答えの名前・種類と質問文を入れ、手続の条件で使ってください"
                 "（保存はまだです）。")

    def ask_remove_question(self) -> None:
        row = self.question_list.currentRow()
        if not self._editable() or row < 0:
            return
        assert self.edit is not None
        text = _question_shown(self.edit.questions()[row])
        self._confirm(f"質問「{text}」を削除しますか？この答えを使う条件があれば、"
                      "問題として表示されます。", "削除する（Enter）",
                      lambda: self.remove_question(row))

    def remove_question(self, row: int) -> None:
        if not self._editable():
            return
        self._change(lambda e: e.remove_question(row))
        self._check_now()
        self._fill_questions(row)
        self.question_list.setFocus()
        self.say("質問を削除しました（保存はまだです）。")

    def move_question(self, delta: int) -> None:
        row = self.question_list.currentRow()
        if not self._editable() or row < 0:
            return
        assert self.edit is not None
        target = self.edit.move_question(row, delta)
        if target != row:
            self._change(lambda e: None)
            self._fill_questions(target)
            self.question_list.setFocus()

    def _question_kind_changed(self) -> None:
        index = self._question
        kind, scope = str(self.question_type.currentData()), str(self.question_scope.currentData())
        def change(edit: DraftEdit, i: int) -> None:
            edit.set_answer_type(i, kind)
            edit.set_question_scope(i, scope)

        self._change_question(change)
        if index >= 0 and self._editable():
            self._show_question(index)

    def add_choice(self) -> None:
        index = self._question
        if not self._editable() or index < 0:
            return
        assert self.edit is not None
        key = str(self.edit.questions()[index].get("fact", ""))
        at = self.edit.add_choice(key)
        self._change(lambda e: None)
        self._check_now()
        self._show_question(index)
        self.choice_table.setCurrentCell(at, 0)
        self.choice_table.setFocus()

    def remove_choice(self) -> None:
        index, row = self._question, self.choice_table.currentRow()
        if not self._editable() or index < 0 or row < 0:
            return
        assert self.edit is not None
        key = str(self.edit.questions()[index].get("fact", ""))
        if row >= len(self.edit.choices(key)):
            return
        self._change(lambda e: e.remove_choice(key, row))
        self._check_now()
        self._show_question(index)
        self.choice_table.setCurrentCell(min(row, self.choice_table.rowCount() - 1), 0)
        self.choice_table.setFocus()

    def move_section(self, delta: int) -> None:
        row = self.sections.currentRow()
        if self.edit is None or self.status is not Status.DRAFT or row < 0:
            return
        target = self.edit.move_section(row, delta)
        if target != row:
            self._change(lambda e: None)
            self._fill_sections()
            self.sections.setCurrentCell(target, self.sections.currentColumn())

    def _show_procedure(self, index: int) -> None:
        if self.edit is None or not 0 <= index < len(self.edit.procedures()):
            return
        self._procedure = -1  # filling the fields is not an edit
        self.proc_scroll.verticalScrollBar().setValue(0)  # another procedure: from its top
        procedure = self.edit.procedures()[index]
        self.proc_title.setText(str(procedure.get("title_ja", "")))
        self.proc_id.setText(str(procedure.get("id", "")))
        self.proc_who.setCurrentIndex(max(0, self.proc_who.findData(procedure.get("who"))))
        kinds = procedure.get("move_kinds", []), procedure.get("event_kinds", [])
        loading, self._loading = self._loading, True
        _check(self.proc_kinds, [k for group in kinds if isinstance(group, list) for k in group])
        forms = procedure.get("forms")
        _check(self.proc_forms, forms if isinstance(forms, list) else [])
        self._loading = loading
        self.proc_section.setCurrentIndex(self.proc_section.findText(
            str(procedure.get("section", ""))))
        days, start, words = deadline_fields(procedure)
        self.proc_days.setText(days)
        self.proc_from.setCurrentIndex(max(0, self.proc_from.findData(start)))
        self.proc_words.setText(words)
        self.proc_documents.setPlainText("\n".join(document_lines(procedure)))
        self.proc_guide.setPlainText(str(procedure.get("guide_ja", "")))
        settings = self.edit.city.get("settings")
        self.condition.load(procedure.get("when", True), declared_facts(self.edit.data) or None,
                            settings if isinstance(settings, dict) else {},
                            procedure.get("who") == "member", self.status is Status.DRAFT)
        self._procedure = index
        self._condition_problems()

    def _condition_problems(self) -> None:
        if self._procedure >= 0:
            self.condition.show_problems(problems_by_row(
                self._found, f"procedures[{self._procedure}].when", self.condition.rows))

    def _show_question(self, index: int) -> None:
        if self.edit is None or not 0 <= index < len(self.edit.questions()):
            return
        self._question = -1
        question = self.edit.questions()[index]
        fact = self.edit.question_fact(index) or {}
        self.question_text.setPlainText(str(question.get("text_ja", "")))
        self.question_household.setPlainText(str(question.get("household_text_ja", "")))
        self.question_label.setText(str(fact.get("label_ja", "")))
        self.question_type.setCurrentIndex(self.question_type.findData(fact.get("type")))
        self.question_scope.setCurrentIndex(self.question_scope.findData(fact.get("scope")))
        # What the app also derives (the card, the insurance) keeps its type: the rules and
        # the forms read it as the app gives it.
        kind_editable = self.status is Status.DRAFT and self.edit.only_asked(index)
        for combo in (self.question_type, self.question_scope):
            combo.setEnabled(kind_editable)
        loading, self._loading = self._loading, True
        choices = self.edit.choices(str(question.get("fact", "")))
        self.choice_table.setRowCount(len(choices))
        for r, choice in enumerate(choices):
            self.choice_table.setItem(r, 0, QTableWidgetItem(str(choice.get("label_ja", ""))))
        is_choice = fact.get("type") == "choice"
        if not is_choice:
            self.choice_table.setRowCount(1)
            item = QTableWidgetItem(ANSWER_JA.get(str(fact.get("type")), "")
                                    + "（選択肢はありません）")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.choice_table.setItem(0, 0, item)
        self.choice_actions.setVisible(is_choice and self.status is Status.DRAFT)
        self._loading = loading
        self._question = index

    def _choice_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or self.edit is None or self._question < 0:
            return
        fact = str(self.edit.questions()[self._question].get("fact", ""))
        self._change(lambda e: e.set_choice_label(fact, item.row(), item.text()))

    # --- checking ------------------------------------------------------------------------------

    def check(self) -> None:
        """The draft's problems, each with its place, under the editors."""
        if self.edit is None:
            return
        data = self.edit.data
        found = self.store.problems(data)
        self._found = found
        self.problems = problem_rows(found, data)
        self._show_problems(self.problems)
        self._catalogue = _parsed(data) or self._catalogue
        self._condition_problems()

    def _show_problems(self, rows: list[ProblemRow]) -> None:
        self.problem_list.clear()
        self.problem_list.setVisible(bool(rows))
        if not rows:
            self.problem_heading.setText("問題はありません。")
            self.problem_heading.setStyleSheet("color: #2b8a3e;")
            return
        self.problem_heading.setText(f"問題が {len(rows)} 件あります（Enterでその場所へ）")
        self.problem_heading.setStyleSheet("color: #c92a2a; font-weight: bold;")
        self.problem_list.addItems([f"{r.place_ja}：{r.message_ja}" for r in rows])
        # As high as its rows, three at most: the editors above need the height.
        row_height = self.problem_list.sizeHintForRow(0)
        self.problem_list.setFixedHeight(min(len(rows), 3) * row_height + 8)

    def _go_to_problem(self, row: int) -> None:
        if not 0 <= row < len(self.problems):
            return
        path = self.problems[row].path
        if path.startswith("city.sections"):
            self.tabs.setCurrentIndex(1)
            self.sections.setFocus()
        elif path.startswith("procedures"):
            self.tabs.setCurrentIndex(2)
            index = _index(path)
            if index is not None:
                self.procedure_list.setCurrentRow(index)
            self.procedure_list.setFocus()
            if index is not None and path.startswith(f"procedures[{index}].when"):
                self.condition.select_problem(path.removeprefix(f"procedures[{index}].when"))
        elif path.startswith(("questions", "facts")):
            self.tabs.setCurrentIndex(3)
            index = _index(path)
            if index is not None and path.startswith("facts") and self.edit is not None:
                facts = self.edit.data.get("facts")
                fact = facts[index] if isinstance(facts, list) and index < len(facts) else None
                key = fact.get("key") if isinstance(fact, dict) else None
                index = next((i for i, q in enumerate(self.edit.questions())
                              if isinstance(q, dict) and q.get("fact") == key),
                             None)  # the question that asks it
            if index is not None:
                self.question_list.setCurrentRow(index)
            self.question_list.setFocus()
        elif path.startswith("city"):
            self.tabs.setCurrentIndex(0)
            target = {"city.settings.retention_days": self.retention,
                      "city.settings.child_medical_grade_cap": self.grade_cap,
                      "city.name_ja": self.city_name}.get(path, self.new_day)
            target.setFocus()

    # --- the store's operations ----------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c92a2a; font-weight: bold;" if error else
                                   "color: #1d3f5e;")

    def _signed(self) -> str | None:
        return self.account.name if self.account is not None else None

    def new_draft(self) -> None:
        name = self._signed()
        if name is None:
            return
        if self.dirty:
            self.say("保存していない変更があります。保存（Ctrl+S）してから下書きを作ってください。",
                     error=True)
            return
        try:
            number = self.store.create_draft(name)
        except CatalogueStoreError as exc:
            self.say(exc.message_ja, error=True)
            return
        log.info("catalogue draft %s created", number)
        self.refresh_versions(number)
        self.say(f"公開中の版から下書き 版 {number} を作りました。")

    def save(self) -> bool:
        name = self._signed()
        if name is None or self.edit is None or self.number is None:
            return False
        if self.status is not Status.DRAFT:
            self.say("この版は下書きではないため保存できません。", error=True)
            return False
        self._check_timer.stop()
        self.check()
        if self.problems:
            self.say(f"問題が {len(self.problems)} 件あるため保存できません。下の一覧の問題を"
                     "直してください。", error=True)
            return False
        try:
            self.revision = self.store.save_draft(
                self.number, self.edit.data, self.revision, name,
                households=self.households if self.households_changed else None)
        except CatalogueStoreError as exc:  # DraftConflict among them: the edits stay
            log.info("catalogue draft %s not saved: %s", self.number, exc)
            self.say(exc.message_ja, error=True)
            return False
        self.dirty = False
        number = self.number
        self.refresh_versions(number)
        self.say(f"下書き 版 {number} を保存しました。テスト（Ctrl+T）で確かめてから公開（Ctrl+P）"
                 "できます。")
        return True

    def run_tests(self) -> None:
        if self.edit is None or self.number is None:
            return
        self._check_timer.stop()
        self.check()  # the problems shown are those of what is tested
        try:
            results = self.store.test(self.edit.data, self.households)
        except CatalogueInvalid:
            self.check()
            self.say("問題があるためテストできません。先に問題を直してください。", error=True)
            return
        summary, lines = result_rows(results, self.edit.data)
        self._show_tests(summary, lines)
        if any(not r.passed for r in results):
            self.say(f"{summary}。違いを下の一覧で確かめてください。", error=True)
        elif self.dirty:
            self.say(f"{summary}。保存（Ctrl+S）してから公開（Ctrl+P）できます。")
        else:
            self.say(f"{summary}。公開（Ctrl+P）できます。")

    def _show_tests(self, summary: str, lines: list[ResultLine], switch: bool = True) -> None:
        """The test results; on a draft, a differing household's rows can become its
        expectation (Ctrl+K), the first of them selected."""
        self.test_summary.setText(summary)
        self.result_lines = lines
        self.test_lines.clear()
        self.test_lines.addItems([line.text for line in lines] or
                                 (["すべてのテスト世帯が期待どおりです。"] if summary else []))
        self.accept_row.setVisible(bool(lines) and self.status is Status.DRAFT)
        if lines:
            self.test_lines.setCurrentRow(0)
        if switch:
            self.tabs.setCurrentIndex(4)
            self.test_lines.setFocus()

    def ask_accept(self) -> None:
        """Ctrl+K: the selected household's result under this draft becomes its expectation."""
        row = self.test_lines.currentRow()
        if self._signed() is None or self.edit is None or self.status is not Status.DRAFT \
                or not self.result_lines:
            return
        if not 0 <= row < len(self.result_lines):
            self.say("期待値にするテスト世帯の行を選んでください。", error=True)
            return
        name = self.result_lines[row].household
        label = self.result_lines[next(i for i, line in enumerate(self.result_lines)
                                       if line.household == name)].text.removeprefix("■ ")
        self._confirm(f"{label} の期待値を、この下書きでの判定結果に置き換えますか？"
                      "公開すると、この結果が正しいものとしてテストされます。",
                      "期待値にする（Enter）", lambda: self.accept(name, label))

    def accept(self, name: str, label: str) -> None:
        if self.edit is None or self.status is not Status.DRAFT:
            return
        catalogue = _parsed(self.edit.data)
        if catalogue is None:
            self.say("問題があるため判定できません。先に問題を直してください。", error=True)
            return
        try:
            self.households = accept_result(catalogue, self.households, name)
        except AcceptRefused as exc:
            log.info("test household not accepted: %s", exc)
            self.say(exc.message_ja, error=True)
            return
        log.info("test household %s: expectation set from draft %s", name, self.number)
        self.households_changed = True
        self._change(lambda e: None)
        self.run_tests()
        if self.test_lines.count() and self.result_lines:
            return  # other households still differ: run_tests said so
        self.say(f"{label} の期待値を変えました（保存はまだです）。保存（Ctrl+S）してから"
                 "公開（Ctrl+P）できます。")

    def ask_publish(self) -> None:
        if self._signed() is None or self.number is None:
            return
        if self.status is not Status.DRAFT:
            self.say("公開できるのは下書きだけです。新しい下書き（Ctrl+D）を作って変更してください。",
                     error=True)
            return
        if self.dirty:
            self.say("保存していない変更があります。保存（Ctrl+S）してから公開してください。",
                     error=True)
            return
        self._confirm(f"下書き 版 {self.number} を公開しますか？各窓口は次の受付からこの版で"
                      "判定します。", "公開する（Enter）", self.publish)

    def publish(self) -> None:
        name, number = self._signed(), self.number
        if name is None or number is None or self.edit is None:
            return
        try:
            self.store.publish(number, name)
        except PublishRefused as exc:
            summary, lines = result_rows(exc.failing, self.edit.data)
            self._show_tests(summary, lines)
            self.say("テスト世帯の結果が期待と違うため公開できません："
                     + "、".join(household_label(r.household) for r in exc.failing),
                     error=True)
            return
        except CatalogueStoreError as exc:
            self.say(exc.message_ja, error=True)
            return
        log.info("catalogue version %s published", number)
        self.refresh_versions(number)
        self.say(f"版 {number} を公開しました。各窓口は次の受付からこの版を使います。")

    def ask_restore(self) -> None:
        if self._signed() is None or self.number is None:
            return
        if self.status is not Status.RETIRED:
            self.say("復元できるのは過去の版だけです。版の一覧で過去の版を選んでください。",
                     error=True)
            return
        self._confirm(f"過去の版 {self.number} を新しい版として公開し直しますか？"
                      "各窓口は次の受付からこの内容で判定します。", "復元する（Enter）",
                      self.restore)

    def restore(self) -> None:
        name, number = self._signed(), self.number
        if name is None or number is None:
            return
        try:
            new = self.store.restore(number, name)
        except PublishRefused as exc:
            summary, lines = result_rows(exc.failing, self.store.document(number))
            self._show_tests(summary, lines)
            self.say("テスト世帯の結果が期待と違うため復元できません。", error=True)
            return
        except CatalogueStoreError as exc:
            self.say(exc.message_ja, error=True)
            return
        log.info("catalogue version %s restored as %s", number, new)
        self.refresh_versions(new)
        self.say(f"版 {number} の内容を版 {new} として公開しました。")

    def reload(self) -> None:
        """F5: the selected version as stored (unsaved edits are dropped)."""
        if self.number is not None and self.account is not None:
            self.refresh_versions(self.number)

    def _confirm(self, text: str, yes: str, then: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "確認", text, parent=self)
        accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("やめる（Esc）", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(accept)

        def answered(_result: int) -> None:
            if box.clickedButton() is accept:
                then()

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        self.question_box = box
        box.open()

    # --- files ---------------------------------------------------------------------------------

    def _file_dialog(self, saving: bool, then: Callable[[Path], None]) -> None:
        dialog = QFileDialog(self, "手続ルールを書き出す" if saving else "手続ルールを読み込む")
        dialog.setNameFilter("手続ルール (*.json)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        if saving:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("json")
            dialog.selectFile(f"手続ルール_版{self.number}.json")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.resize(1000, 600)
        dialog.fileSelected.connect(lambda path: then(Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()

    def ask_import(self) -> None:
        if self._signed() is not None:
            self._file_dialog(False, self.import_file)

    def ask_export(self) -> None:
        if self._signed() is not None and self.number is not None:
            self._file_dialog(True, self.export_file)

    def import_file(self, path: Path) -> None:
        """The file as a new draft; a bad file is refused with its problems, nothing changes."""
        from counter_app.commands import read_json_file

        name = self._signed()
        if name is None:
            return
        if self.dirty:
            self.say("保存していない変更があります。保存（Ctrl+S）してから読み込んでください。",
                     error=True)
            return
        try:
            data = read_json_file(path, "catalogue")
            number = self.store.import_draft(data, name)
        except StartupError as exc:
            self.say(f"読み込めません：{exc.message_ja}。何も変更していません。", error=True)
            return
        except CatalogueInvalid as exc:
            shown = data if isinstance(data, dict) else {}
            self.problems = problem_rows(exc.problems, shown)
            self._show_problems(self.problems)
            self.say(f"読み込めません：ファイルに問題が {len(exc.problems)} 件あります"
                     "（下の一覧）。何も変更していません。", error=True)
            return
        except CatalogueStoreError as exc:
            self.say(f"読み込めません：{exc.message_ja}。何も変更していません。", error=True)
            return
        log.info("catalogue file imported as draft %s", number)
        self.refresh_versions(number)
        self.say(f"ファイルを下書き 版 {number} として読み込みました。")

    def export_file(self, path: Path) -> None:
        if self.number is None:
            return
        text = json.dumps(self.store.document(self.number), ensure_ascii=False, indent=1) + "\n"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            log.warning("catalogue export failed: %s", exc.strerror or exc)
            self.say("ファイルを書き込めません。保存先を確かめてください。", error=True)
            return
        log.info("catalogue version %s exported", self.number)
        self.say(f"版 {self.number} をファイル「{path.name}」に書き出しました。")


def _stacked(*widgets: QWidget) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    for widget in widgets:
        column.addWidget(widget, 1 if isinstance(widget, QListWidget | QTableWidget) else 0)
    return box


def _checklist(name: str, items: list[tuple[str, str]], flow: bool = False) -> QListWidget:
    """A list of (value, label) each checked with Space."""
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if flow:  # a few short words side by side
        widget.setFlow(QListWidget.Flow.LeftToRight)
        widget.setWrapping(True)
        widget.setFixedHeight(44)
    _fill_checklist(widget, items)
    return widget


def _fill_checklist(widget: QListWidget, items: list[tuple[str, Any]]) -> None:
    blocked = widget.blockSignals(True)
    widget.clear()
    for value, label in items:
        item = QListWidgetItem(str(label))
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.blockSignals(blocked)


def _check(widget: QListWidget, values: list[Any]) -> None:
    """Exactly `values` checked, without counting as an edit."""
    blocked = widget.blockSignals(True)
    for i in range(widget.count()):
        item = widget.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                           in values else Qt.CheckState.Unchecked)
    widget.blockSignals(blocked)


def _checked(widget: QListWidget) -> list[str]:
    return [str(widget.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def _question_shown(question: dict[str, Any]) -> str:
    """The question as the list shows it: {name} as ○○, the way staff will read it."""
    return str(question.get("text_ja", "")).replace("{name}", "○○")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _parsed(data: dict[str, Any]) -> Catalogue | None:
    from counter_app.rules.catalogue import parse

    catalogue, _found = parse(data)
    return catalogue


def _index(path: str) -> int | None:
    start, end = path.find("["), path.find("]")
    text = path[start + 1:end] if 0 <= start < end else ""
    return int(text) if text.isdigit() else None

