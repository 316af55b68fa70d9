"""The case file structure of DESIGN.md: parsing, round trip, and errors that name the field."""

import datetime as dt

import pytest

from counter_app.domain import Case, CaseFormatError, EventKind, MemberSource, MoveKind, roles

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
        (lambda d: d["members"][0].update(name="山田\x00太郎"), "members[0].name"),
        (lambda d: d["members"][0].update(name="\u200b"), "members[0].name"),
        (lambda d: d.update(id="../../etc/x"), "id"),
        (lambda d: d.update(household={"head": 3}), "household.head"),
        (lambda d: d.update(filer={"name": "代理　人", "relation": "友人"}), "filer.relation"),
        (lambda d: d["members"][0].update(resident_code="123"), "members[0].resident_code"),
        (lambda d: d["move"].update(transfer="fax"), "move.transfer"),
        (lambda d: d.update(event={"kind": "death", "date": "2026-11-17"}), "event.subject"),
        (lambda d: d["answers"].update({"member.4.pregnant": True}), "answers.member.4.pregnant"),
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


# DESIGN.md, "Who is who": a wife and a lodger move in to join 試験 健's household; he does not
# move and is not entered as a member.
WHO = {
    "move": {"kind": "move_in", "date": "2026-06-01", "previous_address": "宮城県仙台市…",
             "new_address": "北海道あおば市本町１－１", "new_building": "あおばハイツ203",
             "previous_building": "", "transfer": "card"},
    "household": {"head": {"name": "試験　健"}},
    "filer": {"member": 0, "phone": "090-0000-0000"},
    "members": [
        {"name": "試験　舞", "kana": "シケン　マイ", "birth_date": "1995-12-24", "sex": "female",
         "relationship": "妻", "source": "card",
         "registered_domicile": "宮城県仙台市青葉区本町１", "domicile_head": "試験　健",
         "resident_code": "12345678901"},
        {"name": "NGUYEN　THI LAN", "kana": "グエン　ティ　ラン", "birth_date": "1998-04-04",
         "sex": "female", "relationship": "同居人", "source": "manual",
         "foreign": {"nationality": "ベトナム", "status": "技術・人文知識・国際業務",
                     "period_end": "2028-03-31", "card_number": "AB12345678CD",
                     "category": "中長期在留者", "alias": ""}},
    ],
}


def test_who_is_who_example_parses_and_round_trips():
    case = Case.from_dict(WHO)
    assert case.head.member is None and case.head.name == "試験　健"
    assert case.filer.member == 0 and case.filer.phone == "090-0000-0000"
    assert case.members[0].kana == "シケン　マイ"
    assert case.members[1].foreign.period_end == dt.date(2028, 3, 31)
    assert case.move.city_address == "北海道あおば市本町１－１"
    assert Case.from_dict(case.to_dict()) == case
    assert roles.filer_relation(case) == "妻"  # the filer is not the 世帯主


def test_the_head_is_the_member_whose_role_says_so_not_member_0():
    doc = {**DOC, "members": [
        {"name": "見本　舞", "birth_date": "1990-01-01", "sex": "female", "relationship": "妻"},
        {"name": "見本　健", "birth_date": "1988-01-01", "sex": "male", "relationship": "世帯主"}]}
    case = Case.from_dict(doc)
    assert roles.head_member(case) == 1
    assert roles.filer(case).member == 1 and roles.filer_relation(case) == "本人"


def test_reordering_moves_answers_marks_and_every_role_with_their_member():
    case = Case.from_dict({
        **DOC,
        "event": {"kind": "marriage", "date": "2026-06-06", "spouses": [0, 2]},
        "household": {"head": 0, "previous_head": 1},
        "filer": {"member": 2, "phone": "011"},
        "members": [
            {"name": "甲", "birth_date": "1984-05-20", "sex": "male", "relationship": "世帯主"},
            {"name": "乙", "birth_date": "1950-01-01", "sex": "male", "relationship": "父"},
            {"name": "丙", "birth_date": "1990-01-01", "sex": "female", "relationship": "妻"},
            {"name": "丁", "birth_date": "2020-01-01", "sex": "female", "relationship": "子",
             "guardian": 2}],
        "answers": {"member.2.pregnant": True, "member.3.needs_childcare": True},
        "checklist": {"nhi_enroll": {"status": "done", "members": [0, 2]}},
    })
    case.reorder([3, 2, 0, 1])  # 丁 丙 甲 乙
    assert [m.name for m in case.members] == ["丁", "丙", "甲", "乙"]
    assert case.answers == {"member.1.pregnant": True, "member.0.needs_childcare": True}
    assert case.checklist["nhi_enroll"].members == (1, 2)
    assert (case.head.member, case.previous_head.member) == (2, 3)
    assert (case.filer.member, case.filer.phone) == (1, "011")
    assert case.members[0].guardian == 1
    assert case.event.spouses == (2, 1) and case.event.kind is EventKind.MARRIAGE
    case.reorder([0, 2, 3])  # 丙 leaves: what pointed at her is cleared, not shifted
    assert case.filer is None and case.members[0].guardian is None
    assert case.event.spouses is None
    assert case.answers == {"member.0.needs_childcare": True}


def test_an_event_case_needs_no_move():
    case = Case.from_dict({"event": {"kind": "death", "date": "2026-11-17", "subject": 0},
                           "members": DOC["members"]})
    assert case.move is None and case.date == dt.date(2026, 11, 17)
