"""Fictional pre-entered households (case-file subsets) for the codec, CLI and page tests."""

from __future__ import annotations

import copy

# name, kana, birth date, sex, 続柄, answers as a resident would give them on the page.
PEOPLE = [
    ("見本　太郎", "ミホン　タロウ", "1984-05-20", "male", "世帯主",
     {"card_held": True, "foreign_resident": False, "health_insurance": "nhi",
      "pension_category": "1", "care_certified": False, "disability_certificate": False,
      "wants_seal_registration": True}),
    ("見本　花子", "ミホン　ハナコ", "1990-08-12", "female", "妻",
     {"card_held": True, "foreign_resident": False, "health_insurance": "nhi",
      "disability_certificate": False, "pregnant": False, "wants_seal_registration": False}),
    ("見本　一郎", "ミホン　イチロウ", "2015-06-03", "male", "子",
     {"card_held": False, "foreign_resident": False, "health_insurance": "nhi",
      "disability_certificate": False}),
    ("見本　さくら", "ミホン　サクラ", "2022-01-10", "female", "子",
     {"card_held": False, "foreign_resident": False, "health_insurance": "nhi",
      "disability_certificate": False, "needs_childcare": True}),
    ("見本　𠮷男", "ミホン　ヨシオ", "1950-02-28", "male", "父",
     {"card_held": True, "foreign_resident": False, "disability_certificate": True,
      "care_certified": True, "wants_seal_registration": False}),
    ("NGUYEN　THI LAN", "グエン　ティ　ラン", "1998-04-04", "female", "同居人",
     {"card_held": False, "foreign_resident": True, "health_insurance": "employee",
      "pension_category": "2", "care_certified": False, "disability_certificate": False,
      "pregnant": True, "wants_seal_registration": False}),
]


def household(size: int, move_date: str = "2026-04-01") -> dict:
    """A move-in of `size` people (1–10; the six people above, then their namesakes)."""
    members, answers = [], {"household.has_dog": True, "household.has_moped": False}
    for i in range(size):
        name, kana, born, sex, relationship, member_answers = PEOPLE[i % len(PEOPLE)]
        if i >= len(PEOPLE):
            name, kana, relationship = name + "二", kana + "ジ", "同居人"
        members.append({"name": name, "kana": kana, "birth_date": born, "sex": sex,
                        "relationship": relationship, "source": "preentry"})
        answers.update({f"member.{i}.{k}": v for k, v in member_answers.items()})
    return copy.deepcopy({
        "move": {"kind": "move_in", "date": move_date, "previous_postal_code": "",
                 "previous_address": "茨城県つくば市竹園一丁目2番3号",
                 "previous_building": "つくばハイツ101", "new_postal_code": "0999903",
                 "new_address": "北海道あおば市若葉町1-2-3", "new_building": "あおばハイツ203"},
        "members": members,
        "filer": {"member": 0, "phone": "090-1234-5678"},
        "answers": answers,
    })
