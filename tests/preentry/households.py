"""Fictional pre-entered households (case-file subsets) for the codec, CLI and page tests."""

from __future__ import annotations

import copy
import json
import zlib

from counter_app.preentry.codec import FACT_CODES

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
        "move": {"kind": "move_in", "date": move_date,
                 "previous_address": "茨城県つくば市竹園一丁目2番3号",
                 "previous_building": "つくばハイツ101", "new_postal_code": "0999903",
                 "new_address": "北海道あおば市若葉町1-2-3", "new_building": "あおばハイツ203"},
        "members": members,
        "filer": {"member": 0, "phone": "090-1234-5678"},
        "answers": answers,
    })


def payload(compact, prefix="MDP1", crc_of=None):
    """A payload built from the format as codec.py documents it (not with its code)."""
    content = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode()
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = packer.compress(content) + packer.flush()
    data += zlib.crc32(prefix.encode() + (content if crc_of is None else crc_of)).to_bytes(4, "big")
    digits = ""
    for start in range(0, len(data), 7):
        group = data[start:start + 7]
        width = 17 if len(group) == 7 else len(str(256 ** len(group) - 1))
        digits += str(int.from_bytes(group, "big")).zfill(width)
    return prefix + digits


def compact_of(case):
    """The documented compact array of a case (fact numbers from FACT_CODES)."""
    move = case["move"]

    def pairs(answers):
        keyed = sorted(((FACT_CODES.index(k) if k in FACT_CODES else k), v)
                       for k, v in answers.items())
        return [x for pair in keyed for x in pair]

    members = []
    for i, m in enumerate(case["members"]):
        prefix = f"member.{i}."
        own = {k[len(prefix):]: v for k, v in case["answers"].items() if k.startswith(prefix)}
        members.append([m["name"], m["kana"], m["birth_date"].replace("-", ""),
                        1 if m["sex"] == "male" else 2, m["relationship"], pairs(own)])
    case_answers = {k: v for k, v in case["answers"].items() if not k.startswith("member.")}
    return [["move_in", "move_within", "move_out"].index(move["kind"]) + 1,
            move["date"].replace("-", ""), move["previous_address"],
            move["previous_building"], move["new_postal_code"], move["new_address"],
            move["new_building"], case["filer"]["member"], case["filer"]["phone"], members,
            pairs(case_answers)]
