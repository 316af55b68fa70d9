"""resources/catalogue/schema.json (JSON Schema 2020-12) describes what the model reads: the
shipped catalogue and every form the model accepts validate; shapes the model refuses do not."""

import copy
import json

import jsonschema
import pytest
from broken_catalogues import BROKEN, broken, default_dict

from counter_app.bundled import resource
from counter_app.rules import Catalogue

SCHEMA = json.loads(resource("catalogue", "schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_the_schema_is_a_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_shipped_catalogue_validates():
    assert list(VALIDATOR.iter_errors(default_dict())) == []


def _variant():
    data = default_dict()
    first = data["procedures"][0]
    first["deadline"] = {"days": 10, "from": "filing_date", "inclusive": True, "text_ja": "x"}
    first["documents"].append({"text_ja": "委任状", "issued": True,
                               "when": {"fact": "move.date", "op": ">=",
                                        "value": {"fact": "move.date"}}})
    first["visit"] = False
    data["city"]["settings"]["open"] = True
    data["city"]["calendar"]["closed_dates"] = ["2026-05-07"]
    return data


def test_what_the_model_accepts_the_schema_accepts():
    data = _variant()
    Catalogue.from_dict(copy.deepcopy(data))
    assert list(VALIDATOR.iter_errors(data)) == []


# Shapes the schema itself can tell (the rest needs the model: facts, types, texts).
SHAPES = {"days_huge", "days_negative", "days_true", "days_fraction", "days_text",
          "deadline_text", "deadline_from_unknown", "deadline_unknown_key", "sensitive_no",
          "fact_type_unknown", "fact_scope_unknown", "fact_source_unknown", "fact_key_integer",
          "member_fact_key_dotted", "case_fact_key_bare", "choice_without_choices",
          "choice_value_number", "no_procedures", "op_unhashable", "version_text",
          "version_true", "no_city", "setting_list", "no_sections", "when_missing",
          "move_kinds_text", "forms_number", "documents_object", "event_kinds_unknown",
          "event_kinds_empty", "event_and_move_kinds", "deadline_when_without_words"}


@pytest.mark.parametrize(("name", "change"), [(n, c) for n, c, _ in BROKEN if n in SHAPES],
                         ids=[n for n, _, _ in BROKEN if n in SHAPES])
def test_shapes_the_model_refuses_the_schema_refuses(name, change):
    assert list(VALIDATOR.iter_errors(broken(change))) != []


def test_a_procedure_without_form_or_guide_and_unknown_keys_are_refused():
    data = default_dict()
    data["procedures"][0]["forms"] = []
    assert list(VALIDATOR.iter_errors(data)) != []
    data = default_dict()
    data["procedures"][0]["gude_ja"] = "typo"
    assert list(VALIDATOR.iter_errors(data)) != []
