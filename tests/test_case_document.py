"""The case file structure of DESIGN.md: parsing, round trip, and errors that name the field."""

import datetime as dt

import pytest

from counter_app.domain import Case, CaseFormatError, MemberSource, MoveKind

DOC = {
    "move": {"kind": "move_in", "date": "2026-04-01",
             "previous_address": "茨城県つくば市…", "new_address": "茨城県龍ケ崎市…"},
    "members": [{"name": "山田 太郎", "birth_date": "1984-05-20", "sex": "male",
                 "relationship": "世帯主", "source": "card"}],
    "answers": {"household.has_dog": True, "member.0.health_insurance": "nhi"},
}


def test_design_example_parses():
    case = Case.from_dict(DOC)
    assert case.move.kind is MoveKind.MOVE_IN
    assert case.move.date == dt.date(2026, 4, 1)
    assert case.members[0].source is MemberSource.CARD
    assert case.answers["member.0.health_insurance"] == "nhi"


def test_round_trip_through_dict():
    case = Case.from_dict(DOC)
    assert Case.from_dict(case.to_dict()) == case


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("move"), "move"),
        (lambda d: d["move"].update(kind="moving"), "move.kind"),
        (lambda d: d["move"].update(date="2026/04/01"), "move.date"),
        (lambda d: d["members"][0].update(birth_date="R6.1.1"), "members[0].birth_date"),
        (lambda d: d["members"][0].pop("sex"), "members[0].sex"),
        (lambda d: d["members"][0].update(name="  "), "members[0].name"),
        (lambda d: d["members"][0].update(source="ocr"), "members[0].source"),
        (lambda d: d.update(members={}), "members"),
        (lambda d: d["answers"].update({"household.has_dog": [1]}), "answers.household.has_dog"),
    ],
)
def test_errors_name_the_field(mutate, field):
    import copy

    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(CaseFormatError) as info:
        Case.from_dict(doc)
    assert info.value.field == field


def test_move_kind_labels_are_japanese():
    assert [k.label for k in MoveKind] == ["転入", "転居", "転出"]
