"""Training scenarios (resources/demo/scenarios) and the scoring of a trainee's closed case:
each expected checklist is what `counter-app determine` gives for its household; what a
trainee missed, added or got wrong is reported with the reason from the rules."""

import datetime as dt
import json

import pytest

from card_reader.kenhojo import Pin
from card_reader.sources import VirtualCardSource, read_card
from counter_app.app import main
from counter_app.demo import load_roster
from counter_app.domain import ChecklistEntry, ChecklistStatus, MoveKind, PersonRef, Transfer
from counter_app.domain.members import member_from_card
from counter_app.reception.session import ReceptionSession
from counter_app.rules import default_catalogue
from counter_app.training.panel import CardPanel
from counter_app.training.scenarios import ScenarioError, load_scenarios
from counter_app.training.scoring import EXTRA, MISSING, WRONG, score_case

# `determine` logs to the data directory: a private one per test.
pytestmark = pytest.mark.usefixtures("data_dir")

SCENARIOS = load_scenarios()
CATALOGUE = default_catalogue()


def _scenario(key_start):
    return next(s for s in SCENARIOS if s.key.startswith(key_start))


def _findings(score, kind=None, item=None):
    return [f for f in score.findings
            if (kind is None or f.kind == kind) and (item is None or f.item == item)]


def test_at_least_six_scenarios_each_on_a_roster_household():
    assert len(SCENARIOS) >= 6
    roster = {json.dumps(h.document, sort_keys=True) for h in load_roster()}
    for scenario in SCENARIOS:
        assert scenario.title and len(scenario.task) > 80
        assert json.dumps(scenario.household, sort_keys=True) in roster
        assert {"head", "filer"} <= set(scenario.roles) and scenario.fields


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.key for s in SCENARIOS])
def test_expected_checklist_equals_determine_on_the_household(scenario, tmp_path, capsys):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(scenario.household, ensure_ascii=False), encoding="utf-8")
    assert main(["determine", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["unanswered"] == []
    assert sorted([p["id"], p["members"]] for p in result["procedures"]) == sorted(
        [pid, list(members)] for pid, members in scenario.expected)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.key for s in SCENARIOS])
def test_the_household_itself_scores_full_marks_in_any_order(scenario):
    case = scenario.case()
    assert score_case(scenario, case, CATALOGUE).findings == ()
    case.reorder(list(reversed(range(len(case.members)))))  # entered the other way round
    score = score_case(scenario, case, CATALOGUE)
    assert score.findings == () and score.percent == 100
    assert score.total == (len(case.members) + len(scenario.expected) + len(scenario.roles)
                           + len(scenario.fields))


def test_a_trainee_case_missing_a_procedure_reports_it_as_missing():
    """A trainee's reception through the real session: cards read on the simulated reader,
    every question answered as the task says except that nobody was marked pregnant."""
    scenario = _scenario("01_kitami")
    household = scenario.case()
    reader = VirtualCardSource()
    panel = CardPanel([c for h in load_roster() for c in h.cards
                       if h.key == "01_kitami_family_move_in"], reader)
    session = ReceptionSession.new(CATALOGUE, lambda case: None, dt.date(2026, 12, 7))
    move = household.move
    session.set_move(MoveKind.MOVE_IN, move.date, move.previous_address, move.new_address,
                     new_building=move.new_building, transfer=Transfer.CARD)
    for state in panel.states():
        panel.place(state.key)
        session.add_member(member_from_card(read_card(reader, Pin(state.pin))))
    for i, member in enumerate(household.members):
        session.set_relationship(i, member.relationship)
    answers = dict(household.answers)
    answers["member.1.pregnant"] = False  # the trainee did not ask
    session.set_answers(answers)
    session.set_filer(PersonRef(member=1, phone="090-0000-0101"))
    session.set_statuses([p.id for p in session.determination.procedures],
                         ChecklistStatus.DONE)
    session.close()

    score = score_case(scenario, session.case, CATALOGUE)
    (missing,) = _findings(score, MISSING)
    assert missing.item == "prenatal_vouchers"
    assert missing.text == "「妊婦健診受診票の交換」が手続一覧にありません"
    assert "北見 花子：妊娠中" in missing.reasons  # why the rules want it
    assert not _findings(score, EXTRA)
    # The card has no kana and nobody typed one: the two フリガナ fields are wrong too.
    assert {f.item for f in _findings(score, WRONG)} == {"member.1.kana", "member.3.kana"}
    assert score.points == score.total - 3 and score.percent == 88


def test_extra_procedures_and_wrong_members_come_with_the_rules_reasons():
    scenario = _scenario("01_kitami")
    case = scenario.case()
    case.answers["household.has_dog"] = True
    case.answers["member.2.health_insurance"] = "employee"
    score = score_case(scenario, case, CATALOGUE)
    (extra,) = _findings(score, EXTRA)
    assert extra.item == "dog_registration"
    assert extra.reasons == ("世帯：犬を飼っている",)  # the answer that brought it in
    (wrong,) = _findings(score, WRONG, "nhi_enroll")
    assert "足りない：北見 一郎" in wrong.text
    assert wrong.reasons == ("北見 一郎：加入する健康保険 国民健康保険",)
    assert score.total == 26 and score.points == 24  # one point lost, one extra counted


def test_a_needed_procedure_marked_not_needed_counts_as_missed():
    scenario = _scenario("01_kitami")
    case = scenario.case()
    case.checklist["infant_health"] = ChecklistEntry(ChecklistStatus.NOT_NEEDED, "本人の申出")
    (finding,) = score_case(scenario, case, CATALOGUE).findings
    assert (finding.kind, finding.item) == (MISSING, "infant_health")
    assert "不要にしました（理由：本人の申出）" in finding.text


def test_people_missing_extra_or_entered_wrongly():
    scenario = _scenario("01_kitami")
    case = scenario.case()
    case.reorder([0, 1, 2])  # さくら was never entered
    case.members[2].birth_date = dt.date(2017, 4, 3)  # 一郎's birth date mistyped
    extra = scenario.case().members[0]
    extra.name, extra.birth_date = "北見　次郎", dt.date(1960, 1, 1)
    case.members.append(extra)
    score = score_case(scenario, case, CATALOGUE)
    texts = [f.text for f in _findings(score, item="member")]
    assert "「北見 一郎」の生年月日が違います" in texts
    assert "「北見 さくら」が入力されていません" in texts
    assert "「北見 次郎」はこの世帯の人ではありません" in texts
    missed = {f.item for f in _findings(score, MISSING)}
    assert {"infant_health", "childcare_application", "member.3.kana"} <= missed


def test_roles_and_fields_compared_as_typed_not_as_encoded():
    scenario = _scenario("01_kitami")
    case = scenario.case()
    case.filer = PersonRef(member=0, phone="090-0000-0101")
    case.move.new_address = "北海道あおば市若葉町99-99"  # half-width: the same address
    case.members[1].kana = "キタミ ハナコ"  # an ASCII space: the same kana
    case.move.new_building = "若葉コーポ９９８号室"
    score = score_case(scenario, case, CATALOGUE)
    assert [(f.kind, f.item, f.text) for f in score.findings] == [
        (WRONG, "filer", "届出人が違います（正：北見 花子／入力：北見 太郎）"),
        (WRONG, "move.new_building",
         "新住所の方書が違います（正：若葉コーポ９９９号室／入力：若葉コーポ９９８号室）"),
    ]


def _write(directory, name, data):
    (directory / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False),
                                            encoding="utf-8")


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d.update(colour="red"), "unknown keys colour"),
    (lambda d: d.pop("task"), "task: a text is required"),
    (lambda d: d.update(household="/etc/passwd"), "household: a relative path"),
    (lambda d: d.update(household="missing.json"), "household: cannot read"),
    (lambda d: d.update(roles=["previous_head"]), "roles: the household states no"),
    (lambda d: d.update(roles=["mayor"]), "roles: 'mayor' is not one of"),
    (lambda d: d.update(fields=["member.0.__class__"]), "is not a field a scenario can check"),
    (lambda d: d.update(fields=["member.7.kana"]), "there is no member 7"),
    (lambda d: d.update(expected=[["resident_move_in", [9]]]), "expected[0]"),
    (lambda d: d.update(expected=[]), "expected: a list"),
    (lambda d: d.update(open_case="yes"), "open_case: true or false"),
])
def test_a_bad_scenario_is_refused_naming_file_and_field(tmp_path, change, problem):
    household = load_roster()[1].document
    _write(tmp_path, "household", household)
    data = {"title": "t", "task": "words", "household": "household.json",
            "expected": [["resident_move_in", []]], "roles": ["head"], "fields": ["move.date"]}
    change(data)
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    _write(scenarios, "42_broken", data)
    (scenarios / "household.json").write_text((tmp_path / "household.json").read_text())
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(scenarios)
    assert "42_broken" in str(caught.value) and problem in str(caught.value)


def test_a_bundled_scenario_cannot_reach_outside_the_resources():
    from counter_app.training import scenarios as module

    with pytest.raises(ScenarioError) as caught:
        module._scenario("x", json.dumps({"title": "t", "task": "w",
                                          "household": "../../../../etc/passwd.json",
                                          "expected": [["a", []]]}),
                         module.scenarios_dir(), ("demo", "scenarios"))
    assert "leaves the bundled resources" in str(caught.value)
