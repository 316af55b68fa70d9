"""The checklist model and the print gate without Qt: the next row to mark, whole sections, where
each form stands after printing and after a later change."""

import datetime as dt
import json
from pathlib import Path

import pytest

from counter_app.domain import Case, ChecklistStatus, PersonRef
from counter_app.reception import NotReady, ReceptionSession
from counter_app.reception.checklist import build_checklist
from counter_app.reception.gate import PrintGate
from counter_app.reception.outputs import CHANGED_JA, form_outputs
from counter_app.reception.packet import build_packet, form_facts, form_fingerprints
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter
from forms.templates import load_templates

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "02_family_of_four_nhi.json"
KANA = ["キタミ　タロウ", "キタミ　ハナコ", "キタミ　イチロウ", "キタミ　サクラ"]
TODAY = dt.date(2026, 4, 3)


@pytest.fixture(scope="module")
def setup():
    catalogue, templates = default_catalogue(), load_templates()
    return catalogue, templates, PrintGate(templates, lambda: TODAY)


@pytest.fixture
def session(setup, sessions):
    catalogue, templates, gate = setup
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    return ReceptionSession(case, catalogue, CaseWriter(CaseRepository(sessions)).save, TODAY,
                            form_facts(templates), gate)


def finish_interview(session):
    claimant = next(p for p in session.prompts() if p.fact == "allowance_claimant")
    session.answer_which_one(claimant, 1)


def make_printable(session):
    finish_interview(session)
    for index, kana in enumerate(KANA):
        session.update_member(index, kana=kana)
    session.set_filer(PersonRef(member=0, phone="090-0000-0000"))


def checklist(session):
    return build_checklist(session.case, session.determination, session.catalogue)


def test_next_pending_follows_screen_order_and_wraps_round(session):
    finish_interview(session)
    model = checklist(session)
    ids = [r.procedure_id for r in model.rows]
    assert model.next_pending(None) == ids[0]
    assert model.next_pending(ids[0]) == ids[1]
    session.set_statuses(ids[1:3], ChecklistStatus.DONE)
    model = checklist(session)
    assert model.next_pending(ids[0]) == ids[3]  # marked rows are passed over
    notices = [r.procedure_id for r in model.rows if not r.visit]
    last_pending = [p for p in ids if p not in notices][-1]
    assert model.next_pending(last_pending) == ids[0]  # round to the top
    session.set_statuses(model.pending(), ChecklistStatus.LATER)
    assert checklist(session).next_pending(ids[0]) is None


def test_a_whole_section_is_marked_at_once(session):
    finish_interview(session)
    model = checklist(session)
    group = model.group_of("card_continued_use")
    assert group.section == "市民課"
    assert group.pending() == ["resident_move_in", "card_continued_use", "ecert_reissue",
                               "seal_registration"]
    session.set_statuses(group.pending(), ChecklistStatus.DONE)
    after = checklist(session)
    assert after.group_of("resident_move_in").pending() == []
    assert {session.entry(p).status for p in group.pending()} == {ChecklistStatus.DONE}
    assert session.entry("nhi_enroll").status is ChecklistStatus.PENDING  # other sections wait
    assert model.group_of("no_such_procedure") is None


def test_marks_are_refused_while_the_interview_is_open(session):
    with pytest.raises(NotReady) as refused:
        session.set_statuses(["resident_move_in"], ChecklistStatus.DONE)
    assert refused.value.message_ja.startswith("聞き取りが終わっていません（残り1問）")
    assert session.entry("resident_move_in").status is ChecklistStatus.PENDING


def test_the_gate_check_lists_problems_then_nothing_once_fixed(session):
    report = session.gate_check()()
    paths = [p.path for p in report.problems]
    assert paths[0] == "answers"
    assert "forms.resident_move.member.kana" in paths
    assert "filer" not in paths  # the head moves: he files
    assert [p.message_ja for p in report.problems] == [p.message_ja for p in session.problems()]
    make_printable(session)
    report = session.gate_check()()
    assert report.problems == []
    assert report.outputs and report.unprinted == report.outputs  # nothing printed yet


def test_the_gate_check_reads_the_case_as_it_was_when_taken(session):
    make_printable(session)
    check = session.gate_check()
    session.set_move(session.case.move.kind, session.case.move.date,
                     session.case.move.previous_address, "")  # a later change: no new address
    assert check().problems == []  # what was asked of the earlier state
    assert session.gate_check()().problems[0].path == "move.new_address"


def test_a_change_after_printing_makes_the_form_unprinted_again(session, setup):
    catalogue, templates, gate = setup
    make_printable(session)
    # What the printing page prints (a demo packet): the same fingerprints as the gate's.
    packet = build_packet(session.case, session.determination, catalogue, templates, True, TODAY)
    printed = form_fingerprints(packet)
    assert printed == gate.fingerprints(session.case, session.determination, session.catalogue)
    session.record_output(printed, "saved", "packet.pdf")
    outputs = {o.form: o for o in session.gate_check()().outputs}
    assert {o.label for o in outputs.values()} == {"PDF保存済"}
    assert not any(o.changed for o in outputs.values())

    move = session.case.move
    session.set_move(move.kind, move.date, move.previous_address, "北海道あおば市本町１－２")
    report = session.gate_check()()
    changed = {o.form for o in report.changed}
    assert "resident_move" in changed  # it prints the new address
    assert "dog_registration" not in changed  # the dog's form does not
    assert {o.label for o in report.changed} == {"未印刷"}
    assert set(report.unprinted) == set(report.changed)
    assert CHANGED_JA == "内容が変わったため再印刷が必要です"

    session.set_move(move.kind, move.date, move.previous_address, move.new_address)
    assert session.gate_check()().unprinted == []  # back as printed: the paper is right again


def test_form_outputs_take_the_latest_matching_print(session):
    make_printable(session)
    fingerprints = {"resident_move": "aaaa", "nhi_change": "bbbb"}
    session.record_output({"resident_move": "aaaa"}, "saved", "packet.pdf")
    session.record_output({"resident_move": "aaaa"}, "printed", "COUNTER")
    session.record_output({"nhi_change": "old"}, "printed", "COUNTER")
    outputs = form_outputs(session.case, fingerprints)
    assert [(o.form, o.label, o.changed) for o in outputs] == [
        ("resident_move", "印刷済", False), ("nhi_change", "未印刷", True)]
