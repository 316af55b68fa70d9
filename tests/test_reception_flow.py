"""A four-person move-in driven through the real window, from card reads to a closed case."""

import json

import pytest
from reception_script import FAMILY, KANA, VISIT_DAY, run_four_person_move_in

from counter_app.demo import load_demo_residents
from counter_app.domain import CaseStatus, ChecklistStatus, Step
from counter_app.reception import PromptKind
from counter_app.reception.packet import reception_number
from counter_app.ui.assembly import PrintSetup
from forms.templates import load_templates


@pytest.fixture
def window(make_window, sessions, tmp_path):
    return make_window(sessions, residents=load_demo_residents(), print_setup=PrintSetup(
        load_templates(), lambda: [], None, tmp_path / "pdf"),  # no printer: PDF
        today=lambda: VISIT_DAY)


def test_four_person_move_in_from_cards_to_a_closed_case(window, qtbot, screenshot_dir,
                                                         tmp_path):
    controller = window.controller
    case_id = controller.session.case.id
    staff = run_four_person_move_in(window, qtbot)
    controller.saver.flush()

    stored = controller.repository.load(case_id)
    assert stored.status is CaseStatus.CLOSED
    saved = list((tmp_path / "pdf").iterdir())  # printed (as a PDF) before closing
    assert len(saved) == 1 and saved[0].name.endswith(f"{reception_number(case_id)}.pdf")
    assert {p.how for p in stored.prints} == {"saved"}
    assert [m.name.replace("\u3000", " ") for m in stored.members] == [n for n, _ in FAMILY]
    assert [m.relationship for m in stored.members] == ["世帯主", "妻", "子", "子"]
    assert stored.move.date.isoformat() == "2026-04-01"
    assert stored.move.previous_address.startswith("北海道札幌市")  # from the first card
    assert stored.move.new_address == "北海道あおば市本町1-1"
    assert stored.move.new_postal_code == "0999901"
    assert [m.kana for m in stored.members] == KANA  # proposed, confirmed with one Enter
    assert stored.answers["member.1.pregnant"] is True
    assert stored.answers["member.0.wants_seal_registration"] is True
    notices = {"voter_registration", "infant_health"}  # nothing to do at a counter
    assert all(e.status is ChecklistStatus.DONE for p, e in stored.checklist.items()
               if p not in notices)
    chosen = {p: sorted(stored.checklist) for p in stored.checklist}
    assert {"resident_move_in", "nhi_enroll", "national_pension", "child_allowance_claim",
            "child_medical", "school_transfer_in", "childcare_application",
            "prenatal_vouchers", "infant_health", "seal_registration", "dog_registration",
            "card_continued_use", "ecert_reissue", "voter_registration"} == set(chosen)
    # The window moved on to the next resident.
    assert window.current_page_key() == "reception"
    assert window.controller.session.case.id != case_id

    (screenshot_dir.parent / "reception_flow_counts.json").write_text(json.dumps(
        {"keys": staff.keys, "clicks": staff.clicks, "questions": staff.questions}))
    assert staff.keys + staff.clicks < 4 * 7 * 4  # fewer than the handwritten fields
    assert staff.keys + staff.clicks <= 40  # the counter's target (bench/reception_keys.py)


def test_screens_along_the_way(window, qtbot, screenshot_dir):
    from reception_script import read_family_cards

    read_family_cards(window, qtbot)
    window.grab().save(str(screenshot_dir / "flow_1_reception.png"))
    page = window.reception
    page.move.date.setText("5080401")
    page.move.new_address.setText("東京都千代田区霞が関1-1")
    page._apply_move()
    page.go_next()
    qtbot.waitUntil(lambda: window.current_page_key() == "interview")
    window.grab().save(str(screenshot_dir / "flow_2_interview.png"))
    session = window.controller.session
    for prompt in session.prompts():
        if prompt.kind is PromptKind.WHICH_ONE:
            window.controller.apply(lambda s, p=prompt: s.answer_which_one(p, p.members[0]))
            continue
        for key in prompt.keys():
            window.controller.apply(lambda s, k=key: s.answer(
                k, "nhi" if k.endswith("health_insurance") else
                "1" if k.endswith("pension_category") else False))
    window.interview.go_next()
    qtbot.waitUntil(lambda: window.current_page_key() == "checklist")
    window.grab().save(str(screenshot_dir / "flow_3_checklist.png"))
    assert session.case.step is Step.CHECKLIST
