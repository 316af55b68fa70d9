"""設定（監督者） by keyboard on real widgets over a real SQLite store: the first supervisor,
refused sign-ins and lockout, idle sign-out, editing a draft with its problems shown, saving,
testing, publishing, restoring, a conflicting save, closed days, sections, procedures,
questions, import and export."""

import json
import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from counter_app.accounts import Role
from counter_app.catalogue_cli import _form_checks
from counter_app.store.accounts import LOCKED_JA, MAX_FAILURES, WRONG_JA, AccountRepository
from counter_app.store.catalogues import CatalogueStore, Status, published_catalogue
from counter_app.store.models import AuditRow
from counter_app.ui.config_page import IDLE_NOTE_JA, LEFT_NOTE_JA, ConfigPage
from counter_app.ui.sign_in import MISMATCH_JA, NOT_SUPERVISOR_JA

PASSWORD = "correct-horse-9"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def store(sessions):
    published_catalogue(sessions).seed()  # version 1, as the app does at start
    return CatalogueStore(sessions, **_form_checks())


@pytest.fixture
def accounts(sessions):
    return AccountRepository(sessions)


@pytest.fixture
def open_page(qapp, qtbot, store, accounts):
    from counter_app.ui.application import configure_application

    configure_application(qapp)

    def build(idle_minutes=10.0):
        page = ConfigPage(store, accounts, idle_minutes=idle_minutes)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        page.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
        qtbot.waitUntil(lambda: page.sign_in.name.hasFocus())
        return page

    return build


def _type_sign_in(qtbot, page, name, password, again=None):
    form = page.sign_in
    qtbot.keyClicks(form.name, name)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.password.hasFocus()
    qtbot.keyClicks(form.password, password)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    if again is not None:
        assert form.again.hasFocus()
        qtbot.keyClicks(form.again, again)
        qtbot.keyClick(form.again, Qt.Key.Key_Return)


@pytest.fixture
def signed_in(open_page, accounts, qtbot):
    accounts.create("kansa", Role.SUPERVISOR, PASSWORD)

    def build(name="kansa", idle_minutes=10.0):
        page = open_page(idle_minutes)
        _type_sign_in(qtbot, page, name, PASSWORD)
        assert page.account is not None and page.account.name == name
        return page

    return build


def _type(qtbot, widget, text):
    """ASCII as keys; Japanese as the IME delivers it, one committed string."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _retype(qtbot, field, text):
    """Select all, delete, type: a line or a text box."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    _type(qtbot, field, text)


def _activate(qtbot, page):
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)


def _new_draft(qtbot, page):
    qtbot.keyClick(page.versions, Qt.Key.Key_D, CTRL)
    assert page.status is Status.DRAFT, page.message.text()


# --- signing in -------------------------------------------------------------------------------


def test_first_run_creates_the_first_supervisor(open_page, accounts, qtbot, caplog, db_url):
    caplog.set_level(logging.DEBUG)
    page = open_page()
    assert page.sign_in.creating and page.sign_in.again.isVisible()
    assert "最初の監督者" in page.sign_in.heading.text()

    _type_sign_in(qtbot, page, "kansa", PASSWORD, again="correct-horse-0")
    assert page.sign_in.message.text() == MISMATCH_JA
    assert not accounts.any_supervisor() and page.account is None

    _type_sign_in(qtbot, page, "", "short", again="short")
    assert "8文字以上" in page.sign_in.message.text()
    assert not accounts.any_supervisor()

    _type_sign_in(qtbot, page, "", PASSWORD, again=PASSWORD)
    assert page.account is not None and page.account.role is Role.SUPERVISOR
    assert accounts.any_supervisor()
    assert page.stack.currentWidget() is page.editor
    assert page.versions.rowCount() == 1 and page.versions.item(0, 1).text() == "公開中"
    assert page.sign_in.password.text() == "" and page.sign_in.again.text() == ""
    database = db_url.removeprefix("sqlite:///")
    with open(database, "rb") as handle:
        assert PASSWORD.encode() not in handle.read()
    assert PASSWORD not in caplog.text


def test_wrong_password_then_lockout(open_page, accounts, qtbot):
    accounts.create("kansa", Role.SUPERVISOR, PASSWORD)
    page = open_page()
    assert not page.sign_in.creating and not page.sign_in.again.isVisible()
    _type_sign_in(qtbot, page, "kansa", "wrong-horse-1")
    assert page.sign_in.message.text() == WRONG_JA
    assert page.account is None and page.sign_in.password.hasFocus()
    for _ in range(MAX_FAILURES - 1):
        qtbot.keyClicks(page.sign_in.password, "wrong-horse-1")
        qtbot.keyClick(page.sign_in.password, Qt.Key.Key_Return)
    qtbot.keyClicks(page.sign_in.password, PASSWORD)  # right, but too late
    qtbot.keyClick(page.sign_in.password, Qt.Key.Key_Return)
    assert page.sign_in.message.text() == LOCKED_JA
    assert page.account is None and page.stack.currentWidget() is page.sign_in


def test_staff_cannot_open_the_config_page(open_page, accounts, qtbot):
    accounts.create("kansa", Role.SUPERVISOR, PASSWORD)
    accounts.create("madoguchi1", Role.STAFF, PASSWORD)
    page = open_page()
    _type_sign_in(qtbot, page, "madoguchi1", PASSWORD)
    assert page.sign_in.message.text() == NOT_SUPERVISOR_JA
    assert page.account is None and page.stack.currentWidget() is page.sign_in


def test_idle_sign_out_after_a_quiet_while(signed_in, store, qtbot):
    page = signed_in(idle_minutes=0.5 / 60)  # half a second
    _new_draft(qtbot, page)
    for _ in range(4):  # typing keeps the supervisor signed in
        qtbot.wait(200)
        _type(qtbot, page.city_name, "市")
    assert page.account is not None
    qtbot.waitUntil(lambda: page.account is None, timeout=3000)
    assert page.stack.currentWidget() is page.sign_in
    assert page.sign_in.message.text() == IDLE_NOTE_JA
    assert page.edit is None
    assert store.document(2)["city"]["name_ja"] == "あおば市"  # nothing saved by the way out


# --- the flow ---------------------------------------------------------------------------------


def test_edit_problem_fix_save_test_publish_restore(signed_in, store, qtbot, sessions):
    page = signed_in()
    _new_draft(qtbot, page)
    assert page.versions.item(0, 1).text() == "下書き"
    draft = page.number
    revision = store.version(draft).revision

    _retype(qtbot, page.retention, "0")
    qtbot.waitUntil(lambda: bool(page.problems))
    rows = [page.problem_list.item(i).text() for i in range(page.problem_list.count())]
    assert rows == ["市の設定 › 個人情報の保存日数：保存日数は1〜3650日の整数です"]
    qtbot.keyClick(page.retention, Qt.Key.Key_S, CTRL)
    assert "保存できません" in page.message.text()
    assert store.version(draft).revision == revision

    _retype(qtbot, page.retention, "45")
    _retype(qtbot, page.grade_cap, "12")
    assert page.grade_hint.text() == "高校3年生の年代まで"
    qtbot.keyClick(page.grade_cap, Qt.Key.Key_S, CTRL)
    assert page.problem_heading.text() == "問題はありません。"
    assert page.message.text() == (f"下書き 版 {draft} を保存しました。テスト（Ctrl+T）で確かめて"
                                   "から公開（Ctrl+P）できます。")
    settings = store.document(draft)["city"]["settings"]
    assert settings == {"child_medical_grade_cap": 12, "retention_days": 45}

    qtbot.keyClick(page.grade_cap, Qt.Key.Key_T, CTRL)
    assert page.tabs.currentIndex() == 4
    lines = [page.test_lines.item(i).text() for i in range(page.test_lines.count())]
    assert "違い 1 件" in page.test_summary.text()
    assert any("子ども医療費" in line for line in lines)
    assert any(line.strip().startswith("理由：") for line in lines)

    qtbot.keyClick(page.tabs, Qt.Key.Key_P, CTRL)
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    assert "公開できません" in page.message.text()
    assert store.version(draft).status is Status.DRAFT
    assert store.latest_published_number() == 1

    _retype(qtbot, page.grade_cap, "9")
    qtbot.keyClick(page.grade_cap, Qt.Key.Key_S, CTRL)
    qtbot.keyClick(page.grade_cap, Qt.Key.Key_T, CTRL)
    assert "違い 0 件" in page.test_summary.text()
    assert page.message.text().endswith("公開（Ctrl+P）できます。")
    assert page.test_lines.item(0).text() == "すべてのテスト世帯が期待どおりです。"
    qtbot.keyClick(page.tabs, Qt.Key.Key_P, CTRL)
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    assert store.latest_published_number() == draft
    assert page.message.text().startswith(f"版 {draft} を公開しました")
    assert [page.versions.item(r, 1).text() for r in range(2)] == ["公開中", "過去"]
    assert published_catalogue(sessions).current().version == draft  # the counters' next case

    page.versions.setFocus()
    qtbot.keyClick(page.versions, Qt.Key.Key_Down)  # version 1, retired
    assert page.number == 1 and page.buttons["restore"].isEnabled()
    assert page.city_name.isReadOnly()
    qtbot.keyClick(page.versions, Qt.Key.Key_R, CTRL)
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    restored = store.latest_published_number()
    assert restored == draft + 1
    assert store.document(restored)["city"]["settings"]["retention_days"] == 30
    assert page.number == restored and page.versions.item(0, 1).text() == "公開中"

    with sessions() as session:
        audited = [(r.action, r.account) for r in session.scalars(
            select(AuditRow).where(AuditRow.action.in_(
                ["sign_in", "catalogue.draft", "catalogue.edit", "catalogue.publish",
                 "catalogue.restore"])).order_by(AuditRow.id))]
    assert audited == [("sign_in", "kansa"), ("catalogue.draft", "kansa"),
                       ("catalogue.edit", "kansa"), ("catalogue.edit", "kansa"),
                       ("catalogue.publish", "kansa"), ("catalogue.restore", "kansa")]

    page.tabs.setCurrentIndex(5)
    history = [page.history.item(i).text() for i in range(page.history.count())]
    assert history[0].startswith(f"版 {restored}　復元　kansa　令和")
    assert any("変更：市の設定 › 個人情報の保存日数：30 → 45" in h for h in history)


def test_a_conflicting_save_keeps_the_edits(signed_in, store, accounts, qtbot):
    accounts.create("kansa2", Role.SUPERVISOR, PASSWORD)
    first = signed_in()
    _new_draft(qtbot, first)
    second = signed_in("kansa2")
    assert second.number == first.number  # both edit the draft
    _activate(qtbot, first)  # two counters: the keys go to the window in front
    _retype(qtbot, first.city_name, "みどり市")
    qtbot.keyClick(first.city_name, Qt.Key.Key_S, CTRL)
    assert first.message.text().startswith(f"下書き 版 {first.number} を保存しました。")
    _activate(qtbot, second)
    _retype(qtbot, second.city_name, "あおぞら市")
    qtbot.keyClick(second.city_name, Qt.Key.Key_S, CTRL)
    assert "kansa さんが" in second.message.text()
    assert "保存されていません" in second.message.text()
    assert second.city_name.text() == "あおぞら市" and second.dirty
    assert store.document(first.number)["city"]["name_ja"] == "みどり市"
    qtbot.keyClick(second.city_name, Qt.Key.Key_F5)  # read again: the other's save
    assert second.city_name.text() == "みどり市" and not second.dirty


def test_unsaved_edits_are_not_lost_by_a_switch_or_sign_out(signed_in, qtbot):
    page = signed_in()
    qtbot.keyClick(page.versions, Qt.Key.Key_R, CTRL)  # version 1 is the published one
    assert page.message.text().startswith("復元できるのは過去の版だけです")
    _new_draft(qtbot, page)
    _retype(qtbot, page.city_name, "みどり市")
    page.versions.setFocus()
    qtbot.keyClick(page.versions, Qt.Key.Key_Down)
    assert page.number == 2 and page.city_name.text() == "みどり市"
    assert "保存していない変更" in page.message.text()
    qtbot.keyClick(page.versions, Qt.Key.Key_Q, CTRL)  # signing out asks first
    assert page.account is not None and page.question_box.isVisible()
    qtbot.keyClick(page.question_box, Qt.Key.Key_Escape)
    assert page.account is not None and page.city_name.text() == "みどり市"
    qtbot.keyClick(page.versions, Qt.Key.Key_Q, CTRL)
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    assert page.account is None and page.sign_in.message.text() == "サインアウトしました。"


# --- the editors ------------------------------------------------------------------------------


def test_closed_days_added_and_removed_by_keyboard(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    page.new_day.setFocus()
    qtbot.keyClicks(page.new_day, "5090105")
    qtbot.keyClick(page.new_day, Qt.Key.Key_Return)
    qtbot.keyClicks(page.new_day, "2027-08-13")
    qtbot.keyClick(page.new_day, Qt.Key.Key_Return)
    assert [page.closed_days.item(i).text() for i in range(page.closed_days.count())] == \
        ["令和9年1月5日（火）", "令和9年8月13日（金）"]
    qtbot.keyClicks(page.new_day, "5090105")
    qtbot.keyClick(page.new_day, Qt.Key.Key_Return)
    assert "すでに市の休日" in page.message.text()
    _retype(qtbot, page.new_day, "5091340")
    qtbot.keyClick(page.new_day, Qt.Key.Key_Return)
    assert page.message.text().startswith("日付を読み取れません")
    page.closed_days.setFocus()
    page.closed_days.setCurrentRow(0)
    qtbot.keyClick(page.closed_days, Qt.Key.Key_Delete)
    qtbot.keyClick(page.closed_days, Qt.Key.Key_S, CTRL)
    assert store.document(page.number)["city"]["calendar"]["closed_dates"] == ["2027-08-13"]


def test_sections_renamed_and_reordered(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    qtbot.keyClick(page.versions, Qt.Key.Key_Tab, CTRL)  # from outside the tabs, too
    assert page.tabs.currentIndex() == 1 and page.sections.hasFocus()
    table = page.sections
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    _type(qtbot, editor, "住民課")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(0, 0).text() == "住民課")  # the view commits queued
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down, CTRL)
    assert table.item(1, 0).text() == "住民課" and table.currentRow() == 1
    qtbot.keyClick(table, Qt.Key.Key_S, CTRL)
    assert page.message.text().startswith(f"下書き 版 {page.number} を保存しました。")
    data = store.document(page.number)
    assert [s["name_ja"] for s in data["city"]["sections"][:2]] == ["保険年金課", "住民課"]
    assert {p["section"] for p in data["procedures"]} >= {"住民課"}
    assert "市民課" not in {p["section"] for p in data["procedures"]}


def test_procedure_fields_and_their_problems(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    page.tabs.setCurrentIndex(2)
    page.procedure_list.setFocus()
    page.procedure_list.setCurrentRow(5)  # 在留カード住居地届出: a condition and a guide text
    assert [r.text_ja for r in page.condition.rows] == ["世帯員の 外国籍の方"]
    _retype(qtbot, page.proc_title, "在留カードの住居地届出")
    assert page.procedure_list.item(5).text() == "在留カードの住居地届出"
    _retype(qtbot, page.proc_days, "1万")
    page.check()
    assert [p.place_ja for p in page.problems] == ["手続「在留カードの住居地届出」 › 期限 › 日数"]
    qtbot.keyClick(page.proc_days, Qt.Key.Key_S, CTRL)
    assert "保存できません" in page.message.text()
    _retype(qtbot, page.proc_days, "20")
    page.proc_documents.setFocus()
    page.proc_documents.selectAll()
    _type(qtbot, page.proc_documents, "在留カード")
    qtbot.keyClick(page.proc_documents, Qt.Key.Key_Return)
    _type(qtbot, page.proc_documents, "パスポート")
    qtbot.keyClick(page.proc_documents, Qt.Key.Key_S, CTRL)
    procedure = store.document(page.number)["procedures"][5]
    assert procedure["title_ja"] == "在留カードの住居地届出"
    assert procedure["deadline"] == {"days": 20, "from": "move_date"}
    assert procedure["documents"] == [{"text_ja": "在留カード"}, {"text_ja": "パスポート"}]


def test_question_text_and_choice_labels(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    page.tabs.setCurrentIndex(3)
    texts = [q["text_ja"] for q in store.document(page.number)["questions"]]
    row = texts.index("{name}さんが加入する健康保険はどれですか？")
    page.question_list.setCurrentRow(row)
    _retype(qtbot, page.question_text, "{name}さんの健康保険はどれですか？")
    table = page.choice_table
    assert table.rowCount() > 1
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    _type(qtbot, editor, "国民健康保険（国保）")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(0, 0).text() == "国民健康保険（国保）")  # queued commit
    qtbot.keyClick(table, Qt.Key.Key_S, CTRL)
    data = store.document(page.number)
    assert data["questions"][row]["text_ja"] == "{name}さんの健康保険はどれですか？"
    fact = next(f for f in data["facts"] if f["key"] == data["questions"][row]["fact"])
    assert fact["choices"][0]["label_ja"] == "国民健康保険（国保）"


# --- files ------------------------------------------------------------------------------------


def test_import_refused_changes_nothing_and_export_round_trips(signed_in, store, qtbot,
                                                               tmp_path):
    page = signed_in()
    before = len(store.versions())
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    page.import_file(bad)
    assert page.message.text().startswith("読み込めません") and "何も変更していません" in \
        page.message.text()
    unknown = store.document(1)
    unknown["procedures"][0]["when"] = {"fact": "no_such_fact"}
    wrong = tmp_path / "unknown.json"
    wrong.write_text(json.dumps(unknown, ensure_ascii=False), encoding="utf-8")
    page.import_file(wrong)
    assert "問題が" in page.message.text() and page.problems
    assert page.problems[0].place_ja.startswith("手続「転入届」 › 条件")
    assert len(store.versions()) == before

    exported = tmp_path / "out.json"
    qtbot.keyClick(page.versions, Qt.Key.Key_E, CTRL)
    assert page.file_dialog is not None and page.file_dialog.isVisible()
    page.file_dialog.reject()
    page.export_file(exported)
    assert json.loads(exported.read_text(encoding="utf-8")) == store.document(1)
    good = json.loads(exported.read_text(encoding="utf-8"))
    good["city"]["name_ja"] = "みどり市"
    exported.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    qtbot.keyClick(page.versions, Qt.Key.Key_O, CTRL)
    dialog = page.file_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(exported))
    dialog.accept()
    assert page.status is Status.DRAFT and page.number == before + 1
    assert page.city_name.text() == "みどり市"


def test_the_window_opens_the_config_page_with_ctrl_7(qapp, qtbot, tmp_path, sessions, store,
                                                      accounts):
    """The page inside the counter window, built when first opened: Ctrl+7 opens it with the
    name field focused (the reception needs no sign-in), F1 lists its keys."""
    from card_reader.sources import VirtualCardSource
    from counter_app.preferences import Preferences
    from counter_app.reception.gate import PrintGate
    from counter_app.reception.packet import form_facts
    from counter_app.rules import default_catalogue
    from counter_app.store import CaseRepository
    from counter_app.ui.application import configure_application
    from counter_app.ui.assembly import CounterWindow
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.main_window import StatusSources
    from forms.templates import load_templates

    configure_application(qapp)
    repository = CaseRepository(sessions)
    saver = CaseSaver(repository)
    catalogue, templates = default_catalogue(), load_templates()
    controller = CounterController(catalogue, repository, saver,
                                   form_facts=form_facts(templates),
                                   gate=PrintGate(templates))
    from counter_app.ui.views.lazy_page import LazyPage

    built = []

    def build():
        built.append(ConfigPage(store, accounts))
        return built[-1]

    window = CounterWindow(StatusSources(True, "SQLite", lambda: [], lambda: None),
                           Preferences(tmp_path), controller, VirtualCardSource(),
                           config=LazyPage(build))
    qtbot.addWidget(window)
    try:
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        assert window.current_page_key() == "reception"  # the counter starts without a sign-in
        assert built == []  # nor the cost of the config page
        qtbot.keyClick(window, Qt.Key.Key_7, CTRL)
        assert window.current_page_key() == "config" and len(built) == 1
        page = built[0]
        assert window.stack.currentWidget().page is page
        qtbot.waitUntil(lambda: page.sign_in.name.hasFocus())
        _type_sign_in(qtbot, page, "kansa", PASSWORD, again=PASSWORD)
        assert page.account is not None
        qtbot.keyClick(page.versions, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: window.help_box is not None and window.help_box.isVisible())
        assert "新しい下書き" in window.help_box.text()
        window.help_box.accept()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        qtbot.keyClick(page.versions, Qt.Key.Key_D, CTRL)
        qtbot.keyClick(page.versions, Qt.Key.Key_P, CTRL)  # the page's, not the printing's
        assert page.question_box is not None and page.question_box.isVisible()
        assert window.current_page_key() == "config"
        page.question_box.reject()

        # Leaving the page signs out: the next one at this PC signs in again.
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
        assert window.current_page_key() == "reception"
        assert page.account is None and page.edit is None
        qtbot.keyClick(window, Qt.Key.Key_7, CTRL)
        assert page.stack.currentWidget() is page.sign_in
        assert page.sign_in.message.text() == LEFT_NOTE_JA
        qtbot.waitUntil(lambda: page.sign_in.name.hasFocus())
        _type_sign_in(qtbot, page, "kansa", PASSWORD)
        assert page.account is not None
    finally:
        saver.shutdown()


# --- the scenario ---------------------------------------------------------------------


HOUSEHOLD_15 = "15_three_generations_with_dog_and_moped"


def _counter_decides(controller, store, qtbot, version):
    """The counter picks up `version` and decides its next case (household 15's people):
    the members of 子ども医療費 it chooses."""
    from counter_app.domain import Case

    controller.refresh_catalogue()
    qtbot.waitUntil(lambda: controller.catalogue.version == version)
    controller.new_case()
    household = next(h["household"] for h in store.households(1) if h["name"] == HOUSEHOLD_15)
    assert controller.adopt(Case.from_dict(household), claim=False)
    assert controller.session.case.catalogue_version == version
    chosen = controller.session.determination.chosen("child_medical")
    return sorted(chosen.members)


def test_cap_9_to_12_accepted_published_decides_the_next_case_and_restored(
        signed_in, store, qtbot, sessions):
    """The issue's test, by keyboard: the cap 9 → 12, the test households show which household,
    procedure, member and why; the supervisor accepts the draft's result as that household's
    expectation (saved with the draft, in the change log and the audit); publishing works; a
    counter's next case is decided with it; restoring version 1 brings the old decision back."""
    from counter_app.store import CaseRepository
    from counter_app.ui.controller import CaseSaver, CounterController

    published = published_catalogue(sessions)
    saver = CaseSaver(CaseRepository(sessions))
    controller = CounterController(published.current(), CaseRepository(sessions), saver,
                                   catalogues=published.current)
    try:
        assert _counter_decides(controller, store, qtbot, 1) == [4]  # 中学1年 only

        page = signed_in()
        _new_draft(qtbot, page)
        draft = page.number
        _retype(qtbot, page.grade_cap, "12")
        qtbot.keyClick(page.grade_cap, Qt.Key.Key_T, CTRL)
        assert page.tabs.currentIndex() == 4 and page.test_lines.hasFocus()
        assert "違い 1 件" in page.test_summary.text()
        lines = [page.test_lines.item(i).text() for i in range(page.test_lines.count())]
        assert lines == ["■ テスト世帯 15（転入・5人）",
                         "　対象者が違う手続：子ども医療費 受給資格登録"
                         "（期待：世田谷 妹　この下書き：世田谷 兄、世田谷 妹）",
                         "　　理由：世田谷 兄：学年 高校1年生の年代"]
        assert page.accept_row.isVisible()
        assert page.accept_button.text() == "選んだテスト世帯は、この結果を期待値にする（Ctrl+K）"

        # Publishing is refused until the household expects the new result.
        qtbot.keyClick(page.test_lines, Qt.Key.Key_S, CTRL)
        qtbot.keyClick(page.tabs, Qt.Key.Key_P, CTRL)
        qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
        assert "公開できません" in page.message.text()
        assert store.latest_published_number() == 1

        page.test_lines.setFocus()
        qtbot.keyClick(page.test_lines, Qt.Key.Key_Down)  # any row of the household
        qtbot.keyClick(page.test_lines, Qt.Key.Key_K, CTRL)
        assert "テスト世帯 15（転入・5人） の期待値を" in page.question_box.text()
        qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
        assert "違い 0 件" in page.test_summary.text()
        assert page.test_lines.item(0).text() == "すべてのテスト世帯が期待どおりです。"
        assert not page.accept_row.isVisible()
        assert page.message.text().startswith("テスト世帯 15（転入・5人） の期待値を変えました")
        assert store.households(draft) == store.households(1)  # not saved yet

        qtbot.keyClick(page.test_lines, Qt.Key.Key_S, CTRL)
        expected = dict(next(h["household"]["expected"] for h in store.households(draft)
                             if h["name"] == HOUSEHOLD_15))
        assert expected["child_medical"] == [2, 4]
        assert store.changes(draft)[-1].lines[-1] == f"~ households: ~ {HOUSEHOLD_15}"
        page.show_tab(5)
        assert "変更：テスト世帯 15の期待値" in page.history.item(0).text()

        qtbot.keyClick(page.history, Qt.Key.Key_P, CTRL)
        qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
        assert store.latest_published_number() == draft, page.message.text()
        assert _counter_decides(controller, store, qtbot, draft) == [2, 4]  # 高校1年 too

        _activate(qtbot, page)
        page.versions.setFocus()
        qtbot.keyClick(page.versions, Qt.Key.Key_Down)  # version 1, retired
        assert page.number == 1
        qtbot.keyClick(page.versions, Qt.Key.Key_R, CTRL)
        qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
        restored = store.latest_published_number()
        assert restored == draft + 1
        assert _counter_decides(controller, store, qtbot, restored) == [4]

        with sessions() as session:
            audited = [(r.action, r.account) for r in session.scalars(
                select(AuditRow).where(AuditRow.action.like("catalogue.%"))
                .order_by(AuditRow.id))]
        assert audited[1:] == [("catalogue.draft", "kansa"), ("catalogue.edit", "kansa"),
                               ("catalogue.edit", "kansa"), ("catalogue.publish", "kansa"),
                               ("catalogue.restore", "kansa")]
    finally:
        saver.shutdown()


# --- the condition builder --------------------------------------------------------------------


def _rows(page):
    return [page.condition.list.item(i).text() for i in range(page.condition.list.count())]


def _choose(qtbot, combo, data):
    """A combo's item by its data, with the arrow keys."""
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0, data
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def _procedure(qtbot, page, pid):
    """The procedures tab and one procedure, by keyboard; the focus on its condition rows."""
    while page.tabs.currentIndex() != 2:
        qtbot.keyClick(page.versions, Qt.Key.Key_Tab, CTRL)
    page.show_tab(2)  # the tab already shown: the focus on its list all the same
    assert page.procedure_list.hasFocus()
    index = next(i for i, p in enumerate(page.edit.procedures()) if p["id"] == pid)
    qtbot.keyClick(page.procedure_list, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(page.procedure_list, Qt.Key.Key_Down)
    page.condition.list.setFocus()
    return index


ALT = Qt.KeyboardModifier.AltModifier


def test_condition_builder_by_keyboard_with_live_problems(signed_in, store, qtbot):
    """介護保険 (65 以上) gains 「でない 外国籍の方」 and an 「いずれか」 over the health insurance;
    a row that makes the condition never true, and a value of the wrong type, are marked on
    their rows as typed; Del removes a row; what is saved is the condition as built."""
    page = signed_in()
    _new_draft(qtbot, page)
    index = _procedure(qtbot, page, "care_insurance_enroll")
    assert _rows(page) == ["世帯員の 年齢（法律上） が 65 以上"]
    assert page.condition.panel.isVisible()

    qtbot.keyClick(page.condition.list, Qt.Key.Key_A, ALT)  # 条件を追加
    assert page.condition.current().path == ".and[1]"
    _choose(qtbot, page.condition.fact, "foreign_resident")
    assert page.condition.values.currentWidget() is page.condition.pick
    assert page.condition.pick.currentText() == "はい"
    qtbot.keyClick(page.condition.fact, Qt.Key.Key_N, ALT)  # でない
    assert _rows(page) == ["次のすべて", "　世帯員の 年齢（法律上） が 65 以上",
                           "　次に当てはまらない", "　　世帯員の 外国籍の方"]

    page.condition.list.setFocus()
    qtbot.keyClick(page.condition.list, Qt.Key.Key_I, ALT)  # 「いずれか」の組
    assert page.condition.current().path == ".and[2].or[0]"
    _choose(qtbot, page.condition.fact, "health_insurance")
    _choose(qtbot, page.condition.operator, "in")
    many = page.condition.pick_many
    assert [many.item(i).text() for i in range(many.count())] == [
        "勤務先の健康保険（被用者保険）", "国民健康保険", "後期高齢者医療", "生活保護"]
    assert many.item(0).checkState() == Qt.CheckState.Checked  # the value it had
    many.setFocus()
    qtbot.keyClick(many, Qt.Key.Key_Space)
    for _ in range(2):
        qtbot.keyClick(many, Qt.Key.Key_Down)
        qtbot.keyClick(many, Qt.Key.Key_Space)
    assert _rows(page)[-1] == \
        "　　世帯員の 加入する健康保険 が 国民健康保険・後期高齢者医療 のいずれか"

    # Never true: 65 以上 and 40 未満. Marked at the group as soon as typing pauses.
    page.condition.list.setFocus()
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Home)
    qtbot.keyClick(page.condition.list, Qt.Key.Key_A, ALT)
    assert page.condition.current().path == ".and[3]"
    _choose(qtbot, page.condition.fact, "legal_age")
    _choose(qtbot, page.condition.operator, "<")
    field = page.condition.text
    field.setFocus()
    field.lineEdit().selectAll()
    qtbot.keyClicks(field, "40")
    qtbot.waitUntil(lambda: _rows(page)[0] == "！次のすべて")
    assert "決して成り立ちません" in page.problem_list.item(0).text()
    # A value of the wrong type: the row itself is marked, with the fact's words.
    field.lineEdit().selectAll()
    _type(qtbot, field.lineEdit(), "四十")
    qtbot.waitUntil(lambda: _rows(page)[-1].startswith("　！"))
    page.condition.list.setFocus()
    assert page.condition.current().path == ".and[3]"
    assert page.condition.problem.text() == "「年齢（法律上）」の値として使えません: '四十'"
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.problem_heading.text() == "問題はありません。")
    assert "！" not in "".join(_rows(page))

    qtbot.keyClick(page.condition.list, Qt.Key.Key_S, CTRL)
    assert store.document(page.number)["procedures"][index]["when"] == {"and": [
        {"fact": "legal_age", "op": ">=", "value": 65},
        {"not": {"fact": "foreign_resident"}},
        {"or": [{"fact": "health_insurance", "op": "in", "value": ["nhi", "late_elderly"]}]}]}


def test_condition_rows_are_read_only_on_a_published_version(signed_in, qtbot):
    page = signed_in()
    assert page.status is Status.PUBLISHED
    _procedure(qtbot, page, "prenatal_vouchers")
    assert _rows(page)[1] == "　世帯員の 性別 が 男 以外"  # the label, never "male"
    assert not any(b.isVisible() for b in page.condition.buttons.values())
    assert not page.condition.panel.isEnabled() or not page.condition.panel.isVisible()
    before = _rows(page)
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Delete)
    qtbot.keyClick(page.condition.list, Qt.Key.Key_A, ALT)
    assert _rows(page) == before and page.dirty is False


# --- adding and removing ----------------------------------------------------------------------


def _problem_texts(page):
    page.check()
    return [page.problem_list.item(i).text() for i in range(page.problem_list.count())]


def test_sections_added_and_removed_by_keyboard(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    page.show_tab(1)
    table = page.sections
    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key.Key_A, ALT)
    assert table.currentRow() == 2 and table.item(2, 0).text() == "新しい課"
    assert page.proc_section.findText("新しい課") >= 0  # procedures can be put in it
    table.setCurrentCell(0, 0)  # 市民課, which procedures use
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert "この課の手続" in page.question_box.text()
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    assert table.item(0, 0).text() == "保険年金課"
    problems = _problem_texts(page)
    assert problems and all(p.endswith("課「市民課」がありません") for p in problems)
    qtbot.keyClick(table, Qt.Key.Key_S, CTRL)
    assert "保存できません" in page.message.text()  # never a crash, nothing half saved
    qtbot.keyClick(table, Qt.Key.Key_F5)  # the stored draft again
    assert table.item(0, 0).text() == "市民課"


def test_a_procedure_added_filled_in_and_removed_by_keyboard(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    _procedure(qtbot, page, "resident_move_out")
    page.procedure_list.setFocus()
    count = page.procedure_list.count()
    qtbot.keyClick(page.procedure_list, Qt.Key.Key_A, ALT)
    assert page.procedure_list.count() == count + 1 and page.proc_title.hasFocus()
    row = page.procedure_list.currentRow()
    assert page.procedure_list.item(row).text() == "新しい手続"
    assert "申請書も案内文もありません" in " ".join(_problem_texts(page))
    _type(qtbot, page.proc_title, "ごみ収集カレンダーの受け取り")
    _retype(qtbot, page.proc_id, "garbage_calendar")
    _choose(qtbot, page.proc_who, "member")
    page.condition.list.setFocus()
    qtbot.keyClick(page.condition.list, Qt.Key.Key_A, ALT)  # a member rule reads members' facts
    assert any(page.condition.fact.itemData(i) == "age" for i in range(page.condition.fact.count()))
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Delete)
    assert _rows(page) == ["常に"]
    kinds = page.proc_kinds
    kinds.setFocus()
    kinds.setCurrentRow(2)  # 転出: not for those who leave
    qtbot.keyClick(kinds, Qt.Key.Key_Space)
    forms = page.proc_forms
    forms.setFocus()
    target = next(i for i in range(forms.count())
                  if forms.item(i).data(Qt.ItemDataRole.UserRole) == "address_change_notice")
    forms.setCurrentRow(target)
    qtbot.keyClick(forms, Qt.Key.Key_Space)
    assert _problem_texts(page) == []
    qtbot.keyClick(forms, Qt.Key.Key_S, CTRL)
    stored = store.document(page.number)["procedures"][row]
    assert stored == {"id": "garbage_calendar", "title_ja": "ごみ収集カレンダーの受け取り",
                      "section": "市民課", "who": "member",
                      "move_kinds": ["move_in", "move_within"], "when": True,
                      "forms": ["address_change_notice"]}
    # Every move now asks for it: the test households say so, one by one.
    qtbot.keyClick(forms, Qt.Key.Key_T, CTRL)
    assert "余分な手続：ごみ収集カレンダーの受け取り" in \
        "".join(page.test_lines.item(i).text() for i in range(page.test_lines.count()))

    _procedure(qtbot, page, "garbage_calendar")
    page.procedure_list.setFocus()
    qtbot.keyClick(page.procedure_list, Qt.Key.Key_Delete)
    assert "ごみ収集カレンダーの受け取り" in page.question_box.text()
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    assert page.procedure_list.count() == count
    qtbot.keyClick(page.procedure_list, Qt.Key.Key_S, CTRL)
    assert store.document(page.number)["procedures"] == store.document(1)["procedures"]


def test_questions_added_typed_ordered_and_removed_by_keyboard(signed_in, store, qtbot):
    page = signed_in()
    _new_draft(qtbot, page)
    page.show_tab(3)
    questions = page.question_list
    count = questions.count()
    questions.setCurrentRow(0)
    qtbot.keyClick(questions, Qt.Key.Key_A, ALT)
    assert questions.count() == count + 1 and questions.currentRow() == 1
    assert page.question_label.hasFocus()
    _type(qtbot, page.question_label, "ごみ袋の引換券")
    _choose(qtbot, page.question_type, "choice")
    table = page.choice_table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["選択肢1", "選択肢2"]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, ALT)
    assert table.rowCount() == 3 and table.currentRow() == 2
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert table.rowCount() == 2
    _choose(qtbot, page.question_scope, "case")
    assert page.edit.questions()[1]["fact"] == "household.city_q1"
    assert page.question_text.toPlainText() == "…ですか？"
    _retype(qtbot, page.question_text, "ごみ袋の引換券は必要ですか？")
    assert "この質問の答えを使う条件や申請書がありません" in " ".join(_problem_texts(page))
    questions.setFocus()
    qtbot.keyClick(questions, Qt.Key.Key_Up, CTRL)
    assert questions.currentRow() == 0
    assert questions.item(0).text() == "ごみ袋の引換券は必要ですか？"

    # Removing a question a rule needs is a problem shown at the rule, not a crash.
    card = next(i for i, q in enumerate(page.edit.questions()) if q["fact"] == "card_held")
    questions.setCurrentRow(card)
    assert not page.question_type.isEnabled()  # the app derives it too: its type stays
    qtbot.keyClick(questions, Qt.Key.Key_Delete)
    qtbot.keyClick(page.question_box, Qt.Key.Key_Return)
    problems = _problem_texts(page)
    assert any("「マイナンバーカードを持っている」を聞く質問がありません" in p for p in problems)
    qtbot.keyClick(questions, Qt.Key.Key_S, CTRL)
    assert "保存できません" in page.message.text()


def test_condition_values_by_number_or_city_setting_and_rows_moved(signed_in, store, qtbot):
    """子ども医療費: the grade compared with the city's cap (a setting picked from the value's
    list) or a number typed; Ctrl+↑ moves a row within its group."""
    page = signed_in()
    _new_draft(qtbot, page)
    index = _procedure(qtbot, page, "child_medical")
    assert _rows(page) == ["世帯員の 学年 が 市の設定「子ども医療費の対象（学年の上限）」"
                           "（中学3年（9）） 以下"]
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Tab)
    qtbot.keyClick(page.condition.fact, Qt.Key.Key_Tab)
    qtbot.keyClick(page.condition.operator, Qt.Key.Key_Tab)
    field = page.condition.text
    assert field.hasFocus() and field.currentText().startswith("市の設定「子ども医療費")
    field.lineEdit().selectAll()
    qtbot.keyClicks(field, "6")
    assert _rows(page) == ["世帯員の 学年 が 小学6年（6） 以下"]
    qtbot.keyClick(field, Qt.Key.Key_F4)  # the value's list: the city's setting again
    qtbot.waitUntil(lambda: field.view().isVisible())
    qtbot.keyClick(field.view(), Qt.Key.Key_Return)
    assert page.edit.procedures()[index]["when"]["value"] == {
        "setting": "child_medical_grade_cap"}

    page.condition.list.setFocus()
    qtbot.keyClick(page.condition.list, Qt.Key.Key_A, ALT)  # a second row: 異動の種類
    assert _rows(page)[2].startswith("　異動の種類 が ")
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Up, CTRL)
    assert page.condition.current().path == ".and[0]"
    assert _rows(page)[1].startswith("　異動の種類 が ")
    qtbot.keyClick(page.condition.list, Qt.Key.Key_X, ALT)  # not a group: nothing changes
    qtbot.keyClick(page.condition.list, Qt.Key.Key_Home)
    qtbot.keyClick(page.condition.list, Qt.Key.Key_X, ALT)  # すべて ⇔ いずれか
    assert _rows(page)[0] == "次のいずれか"
