"""Broken variants of the default catalogue, each with the path its error must name.

Every one of them is a catalogue that once passed validation and failed later (a deadline of
10^9 days, `{0}` in a question, `sensitive: "no"`…) or failed validation with a crash instead of
a message (an operator given as a list). Used by the rules tests and the command-line tests.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from counter_app.bundled import resource


def default_dict() -> dict[str, Any]:
    return json.loads(resource("catalogue", "default.json").read_text(encoding="utf-8"))


def _index(items: list[dict], field: str, value: str) -> int:
    return next(i for i, item in enumerate(items) if item[field] == value)


def _procedure(d: dict, pid: str) -> dict:
    return d["procedures"][_index(d["procedures"], "id", pid)]


def _fact(d: dict, key: str) -> dict:
    return d["facts"][_index(d["facts"], "key", key)]


def _question(d: dict, key: str) -> dict:
    return d["questions"][_index(d["questions"], "fact", key)]


def _where(kind: str, key: str) -> str:
    items, field = {"procedures": ("procedures", "id"), "facts": ("facts", "key"),
                    "questions": ("questions", "fact")}[kind]
    return f"{kind}[{_index(default_dict()[items], field, key)}]"


_CAT = {"key": "household.has_cat", "scope": "case", "type": "bool", "label_ja": "猫",
        "source": "asked"}


def _add_fact(**fact: Any) -> Callable[[dict], None]:
    return lambda d: d["facts"].append(fact)


def _nested_not(depth: int) -> dict:
    condition: Any = {"fact": "card_held"}
    for _ in range(depth):
        condition = {"not": condition}
    return condition


def _deadline(value: Any) -> Callable[[dict], None]:
    return lambda d: _procedure(d, "resident_move_in").update(deadline=value)


def _when(pid: str, condition: Any) -> Callable[[dict], None]:
    return lambda d: _procedure(d, pid).update(when=condition)


def _text(key: str, **change: Any) -> Callable[[dict], None]:
    return lambda d: _question(d, key).update(change)


MOVE_IN = _where("procedures", "resident_move_in")
NHI = _where("procedures", "nhi_enroll")
CHILD_MEDICAL = _where("procedures", "child_medical")
DEATH = _where("procedures", "death_registration")
BIRTH = _where("procedures", "birth_registration")
DIVORCE = _where("procedures", "divorce_registration")
PROPERTY = _where("procedures", "property_heir_representative")
N_FACTS = len(default_dict()["facts"])
N_QUESTIONS = len(default_dict()["questions"])

# (id, change to the default catalogue, path the error names)
BROKEN: list[tuple[str, Callable[[dict], None], str]] = [
    ("days_huge", _deadline({"days": 10**9, "from": "move_date"}), f"{MOVE_IN}.deadline.days"),
    ("days_negative", _deadline({"days": -1}), f"{MOVE_IN}.deadline.days"),
    ("days_over_ten_years", _deadline({"days": 3651}), f"{MOVE_IN}.deadline.days"),
    ("days_true", _deadline({"days": True}), f"{MOVE_IN}.deadline.days"),
    ("days_fraction", _deadline({"days": 14.5}), f"{MOVE_IN}.deadline.days"),
    ("days_text", _deadline({"days": "14"}), f"{MOVE_IN}.deadline.days"),
    ("deadline_text", _deadline("14 days"), f"{MOVE_IN}.deadline"),
    ("deadline_from_unknown", _deadline({"days": 14, "from": "moving_day"}),
     f"{MOVE_IN}.deadline.from"),
    ("deadline_from_unhashable", _deadline({"days": 14, "from": ["move_date"]}),
     f"{MOVE_IN}.deadline.from"),
    ("deadline_unknown_key", _deadline({"weeks": 2}), f"{MOVE_IN}.deadline"),
    ("question_positional_field", _text("household.has_dog", text_ja="犬{0}"),
     f"{_where('questions', 'household.has_dog')}.text_ja"),
    ("question_unbalanced_brace", _text("card_held", text_ja="{nameさん"),
     f"{_where('questions', 'card_held')}.text_ja"),
    ("question_other_field", _text("card_held", text_ja="{age}歳の方"),
     f"{_where('questions', 'card_held')}.text_ja"),
    ("question_conversion", _text("card_held", text_ja="{name!r}さん"),
     f"{_where('questions', 'card_held')}.text_ja"),
    ("question_name_in_case_question", _text("household.has_dog", text_ja="{name}さん"),
     f"{_where('questions', 'household.has_dog')}.text_ja"),
    ("household_text_field", _text("pregnant", household_text_ja="{name}さんは"),
     f"{_where('questions', 'pregnant')}.household_text_ja"),
    ("question_empty", _text("card_held", text_ja=" "),
     f"{_where('questions', 'card_held')}.text_ja"),
    ("sensitive_no", _text("pregnant", sensitive="no"),
     f"{_where('questions', 'pregnant')}.sensitive"),
    ("fact_type_unknown", lambda d: _fact(d, "household.has_dog").update(type="colour"),
     f"{_where('facts', 'household.has_dog')}.type"),
    ("fact_scope_unknown", lambda d: _fact(d, "household.has_dog").update(scope="household"),
     f"{_where('facts', 'household.has_dog')}.scope"),
    ("fact_source_unknown", lambda d: _fact(d, "household.has_dog").update(source="guessed"),
     f"{_where('facts', 'household.has_dog')}.source"),
    ("fact_key_integer", lambda d: _fact(d, "household.has_dog").update(key=5),
     f"{_where('facts', 'household.has_dog')}.key"),
    ("member_fact_key_dotted", _add_fact(key="pet.count", scope="member", type="int",
                                         label_ja="ペット", source="asked"),
     f"facts[{N_FACTS}].key"),
    ("case_fact_key_bare", _add_fact(key="has_cat", scope="case", type="bool", label_ja="猫",
                                     source="asked"), f"facts[{N_FACTS}].key"),
    ("fact_declared_twice", _add_fact(**{**_CAT, "key": "household.has_dog"}),
     f"facts[{N_FACTS}].key"),
    ("choice_without_choices", lambda d: _fact(d, "pension_category").update(choices=[]),
     f"{_where('facts', 'pension_category')}.choices"),
    ("choice_value_number", lambda d: _fact(d, "pension_category")["choices"][0].update(value=1),
     f"{_where('facts', 'pension_category')}.choices[0].value"),
    ("derived_fact_nothing_derives", _add_fact(key="household.size", scope="case", type="int",
                                               label_ja="人数", source="derived"),
     f"facts[{N_FACTS}].source"),
    ("derived_or_asked_nothing_derives", _add_fact(**{**_CAT, "source": "derived_or_asked"}),
     f"facts[{N_FACTS}].source"),
    ("derived_fact_wrong_type", lambda d: _fact(d, "age").update(type="string"),
     _where("facts", "age")),
    ("no_procedures", lambda d: d.update(procedures=[]), "procedures"),
    ("op_unhashable", _when("nhi_enroll", {"op": ["=="], "fact": "health_insurance",
                                           "value": "nhi"}), f"{NHI}.when.op"),
    ("value_unhashable", _when("nhi_enroll", {"fact": "health_insurance", "value": ["nhi"]}),
     f"{NHI}.when.value"),
    ("setting_unhashable", _when("child_medical", {"fact": "school_grade", "op": "<=",
                                                   "value": {"setting": ["cap"]}}),
     f"{CHILD_MEDICAL}.when.value"),
    ("string_fact_against_number", _when("nhi_enroll", {"fact": "sex", "value": 1}),
     f"{NHI}.when.value"),
    ("date_fact_against_text", _when("resident_move_in", {"fact": "move.date", "op": ">=",
                                                          "value": "2026-04-01"}),
     f"{MOVE_IN}.when.value"),
    # root, procedures, the procedure and when are 4 levels: the 61st not is the 65th.
    ("conditions_nested_too_deep", _when("nhi_enroll", _nested_not(100)),
     f"{NHI}.when" + ".not" * 61),
    ("question_unknown_fact", lambda d: d["questions"].append({"fact": "household.has_cat",
                                                               "text_ja": "猫？"}),
     f"questions[{N_QUESTIONS}].fact"),
    ("question_twice", lambda d: d["questions"].append({"fact": "household.has_dog",
                                                        "text_ja": "犬？"}),
     f"questions[{N_QUESTIONS}].fact"),
    ("question_for_derived_fact", lambda d: d["questions"].append({"fact": "age",
                                                                   "text_ja": "何歳？"}),
     f"questions[{N_QUESTIONS}].fact"),
    ("question_nothing_reads", lambda d: (d["facts"].append(_CAT), d["questions"].append(
        {"fact": "household.has_cat", "text_ja": "猫を飼っていますか？"})),
     f"questions[{N_QUESTIONS}]"),
    ("nul_in_title", lambda d: _procedure(d, "resident_move_in").update(title_ja="転入\x00届"),
     f"{MOVE_IN}.title_ja"),
    ("version_text", lambda d: d.update(version="abc"), "version"),
    ("version_true", lambda d: d.update(version=True), "version"),
    ("no_city", lambda d: d.pop("city"), "city"),
    ("setting_list", lambda d: d["city"]["settings"].update(child_medical_grade_cap=[9]),
     "city.settings.child_medical_grade_cap"),
    ("retention_text", lambda d: d["city"]["settings"].update(retention_days="30"),
     "city.settings.retention_days"),
    ("retention_true", lambda d: d["city"]["settings"].update(retention_days=True),
     "city.settings.retention_days"),
    ("retention_zero", lambda d: d["city"]["settings"].update(retention_days=0),
     "city.settings.retention_days"),
    ("retention_decade_plus", lambda d: d["city"]["settings"].update(retention_days=3651),
     "city.settings.retention_days"),
    ("no_sections", lambda d: d["city"].update(sections=[]), "city.sections"),
    ("when_missing", lambda d: _procedure(d, "resident_move_in").pop("when"), f"{MOVE_IN}.when"),
    ("move_kinds_text", lambda d: _procedure(d, "resident_move_in").update(move_kinds="move_in"),
     f"{MOVE_IN}.move_kinds"),
    ("forms_number", lambda d: _procedure(d, "resident_move_in").update(forms=[1]),
     f"{MOVE_IN}.forms"),
    ("documents_object", lambda d: _procedure(d, "resident_move_in").update(documents={}),
     f"{MOVE_IN}.documents"),
    # Life events (LIFE_EVENTS.md)
    ("event_kinds_unknown",
     lambda d: _procedure(d, "death_registration").update(event_kinds=["funeral"]),
     f"{DEATH}.event_kinds"),
    ("event_kinds_empty", lambda d: _procedure(d, "death_registration").update(event_kinds=[]),
     f"{DEATH}.event_kinds"),
    ("event_and_move_kinds",
     lambda d: _procedure(d, "death_registration").update(move_kinds=["move_in"]),
     f"{DEATH}.move_kinds"),
    ("event_id_twice",
     lambda d: _procedure(d, "birth_registration").update(id="death_registration"),
     f"{BIRTH}.id"),
    ("shared_id_other_title",
     lambda d: _procedure(d, "birth_registration").update(id="resident_move_in"),
     f"{BIRTH}.title_ja"),
    ("deadline_known_date_for_a_move",
     lambda d: _procedure(d, "nhi_enroll").update(deadline={"days": 14, "from": "known_date"}),
     f"{NHI}.deadline.from"),
    ("deadline_move_date_for_an_event",
     lambda d: _procedure(d, "death_registration").update(
         deadline={"days": 7, "from": "move_date"}), f"{DEATH}.deadline.from"),
    ("deadline_when_without_words",
     lambda d: _procedure(d, "divorce_registration").update(
         deadline={"days": 10, "when": {"fact": "event.court"}}), f"{DIVORCE}.deadline.when"),
    ("deadline_when_member_fact",
     lambda d: _procedure(d, "divorce_registration").update(
         deadline={"days": 10, "text_ja": "—", "when": {"fact": "spouse"}}),
     f"{DIVORCE}.deadline.when.fact"),
    ("any_member_in_any_member",
     _when("resident_move_in", {"any_member": {"any_member": {"fact": "card_held"}}}),
     f"{MOVE_IN}.when.any_member"),
    ("deceased_fact_without_question",
     lambda d: d["questions"].remove(_question(d, "owns_property")), f"{PROPERTY}.when"),
    # A birth procedure may replace a move's, never one of its own rule set or a missing one.
    ("replaces_unknown", lambda d: _procedure(d, "child_medical_enroll").update(
        replaces=["child_medicine"]), f"{_where('procedures', 'child_medical_enroll')}.replaces"),
    ("replaces_same_rule_set", lambda d: _procedure(d, "child_medical_enroll").update(
        replaces=["newborn_visit_notice"]),
     f"{_where('procedures', 'child_medical_enroll')}.replaces"),
    ("replaces_not_strings", lambda d: _procedure(d, "child_medical_enroll").update(
        replaces="child_medical"), f"{_where('procedures', 'child_medical_enroll')}.replaces"),
]


def broken(change: Callable[[dict], None]) -> dict:
    data = copy.deepcopy(default_dict())
    change(data)
    return data
