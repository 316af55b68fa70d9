"""Comparing a trainee's closed case with its scenario: what was missed, extra or wrong, each
with the reason from the rules, and a score.

People are matched by name and birth date (then by birth date and sex, then by name, which is
reported as a wrong entry), so the order the trainee entered them in does not matter. Each
procedure of the scenario, each of its people, roles and fields is one point; each procedure
the trainee's case has and the scenario does not costs one more (it is added to the total).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from typing import Any

from counter_app.domain import Case, ChecklistStatus, PersonRef
from counter_app.domain.text import display_name
from counter_app.rules import Catalogue, ChosenProcedure, determine
from counter_app.training.scenarios import (
    ROLE_LABELS,
    Scenario,
    field_label,
    field_value,
    member_index,
    role_holder,
)

MISSING, EXTRA, WRONG = "missing", "extra", "wrong"
KIND_LABELS = {MISSING: "不足", EXTRA: "余分", WRONG: "誤り"}
MEMBER_FIELD_LABELS = (("name", "氏名"), ("birth_date", "生年月日"), ("sex", "性別"),
                       ("relationship", "続柄"), ("moves", "異動するかどうか"))


@dataclass(frozen=True)
class Finding:
    kind: str  # MISSING, EXTRA or WRONG
    item: str  # a procedure id, "member", a role (head, filer, …) or a field path
    text: str  # what is wrong, in Japanese, for trainee and trainer
    reasons: tuple[str, ...] = ()  # from the rules: why the procedure is (not) needed

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "item": self.item, "text": self.text,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Score:
    scenario: str
    points: int
    total: int
    findings: tuple[Finding, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.total) if self.total else 100

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]


def score_case(scenario: Scenario, trainee: Case, catalogue: Catalogue) -> Score:
    expected_case = scenario.case()
    expected_result = determine(expected_case, catalogue)
    trainee_result = determine(trainee, catalogue, trainee.filed_on)
    to_expected, member_findings, members_right = _match_members(expected_case, trainee)
    findings = list(member_findings)
    points = members_right
    total = len(expected_case.members)

    expected_names = [display_name(m.name) for m in expected_case.members]
    trainee_names = [display_name(m.name) for m in trainee.members]
    titles = {p.id: p.title_ja for p in catalogue.procedures}
    chosen = {c.id: c for c in trainee_result.procedures}
    for procedure_id, members in scenario.expected:
        total += 1
        title = titles.get(procedure_id, procedure_id)
        reference = expected_result.chosen(procedure_id)
        why = (reference.reasons_ja(catalogue, expected_names) if reference else [])
        got = chosen.pop(procedure_id, None)
        if got is None:
            findings.append(Finding(MISSING, procedure_id, f"「{title}」が手続一覧にありません",
                                    tuple(why)))
            continue
        entry = trainee.checklist.get(procedure_id)
        if entry is not None and entry.status is ChecklistStatus.NOT_NEEDED:
            reason = f"（理由：{entry.reason}）" if entry.reason else ""
            findings.append(Finding(MISSING, procedure_id,
                                    f"「{title}」を不要にしました{reason}", tuple(why)))
            continue
        got_members = {to_expected.get(i, -1 - i) for i in got.members}
        if got_members == set(members):
            points += 1
            continue
        lacking = sorted(set(members) - got_members)
        surplus = sorted(got_members - set(members))
        parts = []
        if lacking:
            parts.append("足りない：" + "、".join(expected_names[i] for i in lacking))
        if surplus:
            parts.append("余分：" + "、".join(
                expected_names[i] if i >= 0 else trainee_names[-1 - i] for i in surplus))
        reasons = []
        if reference is not None and lacking:
            reasons += _reasons(reference, catalogue, expected_names, set(lacking))
        trainee_surplus = {i for i, e in enumerate(trainee.members)
                           if to_expected.get(i, -1 - i) in surplus}
        if trainee_surplus:
            reasons += _reasons(got, catalogue, trainee_names, trainee_surplus)
        findings.append(Finding(WRONG, procedure_id,
                                f"「{title}」の対象者が違います（{'／'.join(parts)}）",
                                tuple(reasons)))
    for procedure_id, got in chosen.items():  # what is left the scenario does not need
        total += 1
        title = titles.get(procedure_id, procedure_id)
        findings.append(Finding(EXTRA, procedure_id, f"「{title}」はこの世帯には要りません",
                                tuple(got.reasons_ja(catalogue, trainee_names))))

    for role in scenario.roles:
        total += 1
        want = _person(expected_case, role_holder(expected_case, role))
        ref = role_holder(trainee, role)
        if ref is not None and ref.member in to_expected:  # whom the trainee meant
            have = _person(expected_case, PersonRef(member=to_expected[ref.member]))
        else:
            have = _person(trainee, ref)
        if _same(want, have):
            points += 1
        else:
            findings.append(Finding(WRONG, role, f"{ROLE_LABELS[role]}が違います"
                                                  f"（{_versus(want, have, 'なし')}）"))
    from_expected = {e: t for t, e in to_expected.items()}
    for path in scenario.fields:
        total += 1
        want = field_value(expected_case, path)
        label = field_label(path)
        index = member_index(path)
        if index is not None:
            label += f"（{expected_names[index]}）"
            if index not in from_expected:
                findings.append(Finding(MISSING, path, f"{label}：この人が入力されていません"))
                continue
        there = path if index is None else path.replace(
            f"member.{index}.", f"member.{from_expected[index]}.", 1)
        try:
            have = field_value(trainee, there)
        except KeyError:  # a case without a move
            have = ""
        if _same(want, have):
            points += 1
        else:
            findings.append(Finding(WRONG, path,
                                    f"{label}が違います（{_versus(want, have, '空欄')}）"))
    return Score(scenario.key, points, total, tuple(findings))


def _match_members(expected: Case, trainee: Case) -> tuple[dict[int, int], list[Finding], int]:
    """trainee index → expected index, the findings about people, and how many are right."""
    mapping: dict[int, int] = {}
    passes = (lambda m: (_norm(m.name), m.birth_date),
              lambda m: (m.birth_date, m.sex),
              lambda m: _norm(m.name))
    for key in passes:
        free_expected = [i for i in range(len(expected.members)) if i not in mapping.values()]
        for t, member in enumerate(trainee.members):
            if t in mapping:
                continue
            candidates = [e for e in free_expected if key(expected.members[e]) == key(member)]
            if len(candidates) == 1:
                mapping[t] = candidates[0]
                free_expected.remove(candidates[0])
    findings, right = [], 0
    for t, e in sorted(mapping.items(), key=lambda item: item[1]):
        want, have = expected.members[e], trainee.members[t]
        wrong = [label for attr, label in MEMBER_FIELD_LABELS
                 if not _same(_member_attr(want, attr), _member_attr(have, attr))]
        if wrong:
            findings.append(Finding(WRONG, "member", f"「{display_name(want.name)}」の"
                                                     f"{'・'.join(wrong)}が違います"))
        else:
            right += 1
    for e, member in enumerate(expected.members):
        if e not in mapping.values():
            findings.append(Finding(MISSING, "member",
                                    f"「{display_name(member.name)}」が入力されていません"))
    for t, member in enumerate(trainee.members):
        if t not in mapping:
            findings.append(Finding(EXTRA, "member", f"「{display_name(member.name)}」は"
                                                     "この世帯の人ではありません"))
    return mapping, findings, right


def _member_attr(member: Any, attr: str) -> str:
    value = getattr(member, attr)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _reasons(chosen: ChosenProcedure, catalogue: Catalogue, names: list[str],
             members: set[int]) -> list[str]:
    """The rule's reasons that concern these members."""
    checks = [c for c in chosen.checks if c.member in members]
    return dataclasses.replace(chosen, checks=checks).reasons_ja(catalogue, names) if checks \
        else []


def _versus(want: str, have: str, nothing: str) -> str:
    return f"正：{want or nothing}／入力：{have or nothing}"


def _person(case: Case, ref: PersonRef | None) -> str:
    if ref is None:
        return ""
    if ref.member is not None:
        return display_name(case.members[ref.member].name)
    return display_name(ref.name)


def _norm(text: str) -> str:
    """Compare what was typed, not how: width and spaces aside. A variation selector counts
    (辻󠄀 and 辻 print differently on the forms)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace())


def _same(want: str, have: str) -> bool:
    return _norm(want) == _norm(have)
