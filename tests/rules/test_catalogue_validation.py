"""Catalogue validation tells the truth: every broken catalogue is refused with its path, and a
catalogue that passes cannot fail later (deadlines, questions, derived facts)."""

import copy
import datetime as dt

import pytest
from broken_catalogues import BROKEN, broken, default_dict

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.domain.facts import DERIVED_FACTS, derived_case_facts, derived_member_facts
from counter_app.reception.packet import form_facts
from counter_app.reception.session import ReceptionSession
from counter_app.rules import Catalogue, RuleError, default_catalogue, determine
from forms.templates import load_templates

FORM_FACTS = form_facts(load_templates())


def test_every_broken_catalogue_is_refused_naming_its_path():
    # One test for all of them (each test costs a garbage collection): every miss is listed.
    misses = []
    for name, change, path in BROKEN:
        try:
            Catalogue.from_dict(broken(change), FORM_FACTS)
            misses.append(f"{name}: accepted")
        except RuleError as exc:
            if exc.path != path:
                misses.append(f"{name}: {exc}")
        except Exception as exc:  # a crash instead of a message
            misses.append(f"{name}: {type(exc).__name__}: {exc}")
    assert misses == []
    assert len(BROKEN) >= 34


@pytest.mark.parametrize("root", [[], None, "catalogue", 1])
def test_a_catalogue_is_an_object(root):
    with pytest.raises(RuleError) as info:
        Catalogue.from_dict(root)
    assert info.value.path == "(root)"


def test_the_default_catalogue_is_valid_and_asks_only_what_something_reads():
    catalogue = Catalogue.from_dict(default_dict(), FORM_FACTS)
    assert len(catalogue.procedures) == 69  # 33 for moves, 36 for life events
    # move.from_abroad / move.to_abroad had questions that nothing read: they are facts only.
    assert "move.from_abroad" in catalogue.facts
    assert "move.from_abroad" not in catalogue.questions
    # Among the move procedures allowance_claimant is read by the 児童手当 form alone, and that
    # counts (a divorce's 受給者変更 rule reads it too).
    assert "allowance_claimant" in catalogue.questions
    moves_only = default_dict()
    moves_only["procedures"] = [p for p in moves_only["procedures"] if "event_kinds" not in p]
    with pytest.raises(RuleError, match="nothing reads allowance_claimant"):
        Catalogue.from_dict(moves_only, {})


def _cat_question(data, scope="case"):
    key = "household.has_cat" if scope == "case" else "cat_owner"
    data["facts"].append({"key": key, "scope": scope, "type": "bool", "label_ja": "猫",
                          "source": "asked"})
    text = "猫を飼っていますか？" if scope == "case" else "{name}さんは猫を飼っていますか？"
    data["questions"].append({"fact": key, "text_ja": text})
    return key


@pytest.mark.parametrize("scope", ["case", "member"])
def test_a_question_only_a_printed_form_reads_is_needed(scope):
    data = default_dict()
    key = _cat_question(data, scope)
    printed = {**FORM_FACTS, "resident_move": {key}}
    assert Catalogue.from_dict(copy.deepcopy(data), printed).questions[key]
    not_printed = {**FORM_FACTS, "no_procedure_prints_this": {key}}
    with pytest.raises(RuleError, match=f"nothing reads {key}"):
        Catalogue.from_dict(copy.deepcopy(data), not_printed)
    assert Catalogue.from_dict(data).questions[key]  # forms unknown: not checked


def test_a_question_a_document_condition_reads_is_needed():
    data = default_dict()
    key = _cat_question(data)
    data["procedures"][0]["documents"].append({"text_ja": "猫の登録証", "when": {"fact": key}})
    assert Catalogue.from_dict(data, FORM_FACTS).questions[key]


def test_every_catalogue_fact_said_to_be_derived_is_in_the_registry():
    catalogue = default_catalogue()
    derived = {k for k, spec in catalogue.facts.items() if spec.source != "asked"}
    assert derived == set(DERIVED_FACTS)
    for key in derived:
        spec = catalogue.facts[key]
        assert (spec.scope, spec.type) == (DERIVED_FACTS[key].scope, DERIVED_FACTS[key].type)


def _case():
    return Case(Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市千現１",
                     "北海道あおば市本町１"),
                [Member("試験　一", dt.date(1950, 4, 1), "male", "世帯主", MemberSource.CARD),
                 Member("試験　二", dt.date(2019, 5, 5), "female", "子")])


def test_the_registry_derives_values_of_the_declared_type():
    catalogue = default_catalogue()
    case = _case()
    facts = dict(derived_case_facts(case))
    for i in range(len(case.members)):
        facts.update(derived_member_facts(case, i))
    assert facts["move.other_prefecture"] is True
    assert facts["health_insurance"] == "late_elderly"  # 76 on the move date
    for key, value in facts.items():
        spec = catalogue.facts[key]
        if spec.type == "date":
            assert isinstance(value, dt.date)
        else:
            assert spec.accepts(value), key


def test_derived_or_asked_is_derived_when_it_can_be_and_asked_otherwise():
    unanswered = determine(_case(), default_catalogue()).unanswered
    assert "member.0.card_held" not in unanswered  # read from a card
    assert "member.1.card_held" in unanswered  # typed by hand: asked
    assert "member.0.health_insurance" not in unanswered  # 75 or over: by law
    assert "member.1.health_insurance" in unanswered


def test_questions_that_validate_can_be_shown_for_every_member():
    # {name} is the one placeholder; every question of the default catalogue formats.
    session = ReceptionSession(_case(), default_catalogue(), lambda case: None)
    assert session.prompts()
    assert all("{" not in p.text_ja for p in session.prompts())


def test_deadlines_of_the_longest_allowed_length_still_compute():
    data = default_dict()
    data["procedures"][0]["deadline"] = {"days": 3650, "from": "move_date"}
    catalogue = Catalogue.from_dict(data)
    chosen = determine(_case(), catalogue).chosen("resident_move_in")
    # 2036-03-29 is a Saturday: the city's next open day.
    assert chosen.deadline == catalogue.city.calendar.deadline(dt.date(2026, 4, 1), 3650, False)
    assert chosen.deadline == dt.date(2036, 3, 31)
