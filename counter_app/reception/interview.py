"""The interview: the questions still open, and the ones answered, with their answers.

Only what a rule (or a chosen form) still needs is asked; a question about several members is
one prompt, so staff can give one answer for all of them when it is the same. Plain Python.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from counter_app.domain import Case
from counter_app.domain.case import MEMBER_KEY, member_key
from counter_app.domain.text import display_name
from counter_app.rules import Catalogue
from counter_app.rules.conditions import FactSpec

CLAIMANT = "allowance_claimant"
BOOL_CHOICES: tuple[tuple[Any, str], ...] = ((True, "はい"), (False, "いいえ"))


class PromptKind(enum.StrEnum):
    HOUSEHOLD = "household"  # a fact of the case: one answer
    EACH_MEMBER = "each_member"  # one answer per member (the same key may answer all)
    WHO = "who"  # a sensitive yes/no asked of the household: staff tick who
    WHICH_ONE = "which_one"  # exactly one of the members (the child-allowance claimant)


@dataclass(frozen=True)
class Prompt:
    fact: str
    kind: PromptKind
    text_ja: str  # the question as asked of the household (or of the one member)
    spec: FactSpec
    members: tuple[int, ...] = ()
    member_texts: tuple[str, ...] = ()  # EACH_MEMBER: the question for each member

    def keys(self) -> list[str]:
        if self.kind is PromptKind.HOUSEHOLD:
            return [self.fact]
        return [member_key(i, self.fact) for i in self.members]

    def choices(self) -> tuple[tuple[Any, str], ...]:
        if self.spec.type == "bool":
            return BOOL_CHOICES
        return self.spec.choices


@dataclass(frozen=True)
class Answered:
    """An answered question with what was answered, for staff to read back and change."""

    prompt: Prompt
    values: dict[str, Any]  # answer key → value

    def summary_ja(self, names: list[str]) -> str:
        if self.prompt.kind is PromptKind.HOUSEHOLD:
            return self._label(self.values[self.prompt.fact])
        if self.prompt.kind in (PromptKind.WHO, PromptKind.WHICH_ONE):
            chosen = [names[i] for i in self.prompt.members
                      if self.values.get(member_key(i, self.prompt.fact)) is True]
            return "、".join(chosen) or "該当なし"
        return "／".join(f"{names[i]}：{self._label(self.values[member_key(i, self.prompt.fact)])}"
                        for i in self.prompt.members if member_key(i, self.prompt.fact)
                        in self.values)

    def _label(self, value: Any) -> str:
        return dict(self.prompt.choices()).get(value, str(value))


def _split(keys: Iterable[str]) -> dict[str, list[int]]:
    """fact → members (empty list for a case fact)."""
    found: dict[str, list[int]] = {}
    for key in keys:
        match = MEMBER_KEY.match(key)
        if match:
            found.setdefault(match.group(2), []).append(int(match.group(1)))
        else:
            found.setdefault(key, [])
    return found


def prompt_kind(catalogue: Catalogue, fact: str, about_members: bool,
                one_person: bool = False) -> PromptKind:
    """How a question is asked: of the case, of each member, or of the household as a whole
    (who among you…? / which one of you…?). A one-person household is asked directly: "is
    anyone in your household…?" would be odd there, and nobody else is at the counter."""
    if not about_members:
        return PromptKind.HOUSEHOLD
    if fact == CLAIMANT:
        return PromptKind.WHICH_ONE
    question, spec = catalogue.questions[fact], catalogue.facts[fact]
    if (question.sensitive and question.household_text_ja and spec.type == "bool"
            and not one_person):
        return PromptKind.WHO
    return PromptKind.EACH_MEMBER


def build_prompts(case: Case, catalogue: Catalogue, keys: Iterable[str]) -> list[Prompt]:
    """Prompts for the given answer keys, in the catalogue's question order."""
    needed = _split(keys)
    names = [display_name(m.name) for m in case.members]
    prompts = []
    for fact, question in catalogue.questions.items():
        if fact not in needed:
            continue
        spec = catalogue.facts[fact]
        members = tuple(sorted(needed[fact]))
        kind = prompt_kind(catalogue, fact, bool(members), len(case.members) == 1)
        if kind is PromptKind.HOUSEHOLD:
            prompts.append(Prompt(fact, kind, question.text_ja, spec))
        elif kind is PromptKind.WHICH_ONE:
            prompts.append(Prompt(fact, kind, question.household_text_ja or question.text_ja,
                                  spec, members))
        elif kind is PromptKind.WHO:
            prompts.append(Prompt(fact, kind, question.household_text_ja, spec, members))
        else:
            texts = tuple(question.text_ja.format(name=names[i]) for i in members)
            everyone = question.text_ja.replace("{name}さん", "{name}").replace(
                "{name}", "それぞれの方")
            text = texts[0] if len(members) == 1 else question.household_text_ja or everyone
            prompts.append(Prompt(fact, PromptKind.EACH_MEMBER, text, spec, members, texts))
    return prompts


def answered(case: Case, catalogue: Catalogue, needed: Iterable[str]) -> list[Answered]:
    """The answered questions that still matter (`needed`: answer keys the determination would
    ask for if they were not answered), grouped as they were asked."""
    by_fact = _split(k for k in needed if k in case.answers)
    result = []
    for prompt in build_prompts(case, catalogue, (
            key for f, members in by_fact.items()
            for key in ([member_key(i, f) for i in members] or [f]))):
        result.append(Answered(prompt, {k: case.answers[k] for k in prompt.keys()
                                        if k in case.answers}))
    return result


@dataclass(frozen=True)
class InterviewRow:
    """One question as the interview screen shows it: answered, open, or partly answered (some
    of its members still to answer). `prompt` holds every member the question is about."""

    prompt: Prompt
    values: dict[str, Any]  # the answers given so far: answer key → value
    open_keys: tuple[str, ...]  # the answer keys the determination still needs

    @property
    def is_open(self) -> bool:
        return bool(self.open_keys)

    def key(self, member: int | None = None) -> str:
        return self.prompt.fact if member is None else member_key(member, self.prompt.fact)

    def value(self, member: int | None = None) -> Any:
        return self.values.get(self.key(member))

    def unanswered(self) -> tuple[int, ...]:
        """The members with no answer yet (EACH_MEMBER, WHO, WHICH_ONE)."""
        return tuple(i for i in self.prompt.members if self.key(i) not in self.values)

    def previous_answer(self, member: int) -> Any:
        """The answer of the nearest member before `member` on this row who has one (None if
        nobody before has): what "the same as before" gives the rest (children as parents)."""
        before = self.prompt.members[:self.prompt.members.index(member)]
        return next((self.value(i) for i in reversed(before) if self.key(i) in self.values),
                    None)

    def summary_ja(self, names: list[str]) -> str:
        """The answers given so far, in words ("" while none); a question put to one member
        by name needs no name in its answer."""
        if not self.values:
            return ""
        if self.prompt.kind is PromptKind.EACH_MEMBER and len(self.prompt.members) == 1:
            return Answered(self.prompt, self.values)._label(self.value(self.prompt.members[0]))
        return Answered(self.prompt, self.values).summary_ja(names)


def interview_rows(case: Case, catalogue: Catalogue, open_keys: Iterable[str],
                   answered_keys: Iterable[str]) -> list[InterviewRow]:
    """Every question that matters, open or answered, one row per fact in the catalogue's
    order: a question with some members answered and some open is one row, not two."""
    open_keys = list(open_keys)
    keys = open_keys + [k for k in answered_keys if k not in open_keys]
    # A question asked of the household keeps every member it was asked of, so its answer can
    # be changed to any of them (a claimant answered as one parent can become the other).
    for fact, members in _split(keys).items():
        if (members and fact in catalogue.questions
                and prompt_kind(catalogue, fact, True, len(case.members) == 1)
                is not PromptKind.EACH_MEMBER):
            keys += [k for k in case.answers if k not in keys and (
                (m := MEMBER_KEY.match(k)) is not None and m.group(2) == fact)]
    return [InterviewRow(prompt, {k: case.answers[k] for k in prompt.keys() if k in case.answers},
                         tuple(k for k in prompt.keys() if k in open_keys))
            for prompt in build_prompts(case, catalogue, keys)]


@dataclass(frozen=True)
class KanaLine:
    """A member's フリガナ on the interview's confirmation row."""

    member: int
    name: str  # for the screen
    kana: str  # the フリガナ the case holds ("" while none)
    proposal: str | None  # the app's reading: "" when it has none, None while being worked out

    @property
    def waiting(self) -> bool:
        """No フリガナ yet, and one is (or may be) proposed: Enter would confirm it."""
        return not self.kana and self.proposal != ""


def kana_lines(case: Case, proposals: Mapping[str, str]) -> list[KanaLine]:
    """Each member's フリガナ and the reading proposed for the name (`proposals`: name →
    reading, as `domain.kana.propose_reading` gives it)."""
    return [KanaLine(i, display_name(m.name), m.kana, proposals.get(m.name))
            for i, m in enumerate(case.members)]


def kana_to_confirm(lines: Iterable[KanaLine]) -> dict[int, str]:
    """What confirming the proposals writes: each member without フリガナ who has a proposal.
    A member with none is left for staff to type (the print gate asks for it)."""
    return {line.member: line.proposal for line in lines if not line.kana and line.proposal}


def set_aside_lines(case: Case, catalogue: Catalogue) -> list[str]:
    """The answers put aside because the catalogue in use no longer accepts them, in words for
    staff to ask again (never a fact id or a raw value)."""
    names = [display_name(m.name) for m in case.members]
    lines = []
    for key, value in case.set_aside.items():
        match = MEMBER_KEY.match(key)
        fact = match.group(2) if match else key
        spec = catalogue.facts.get(fact)
        label = spec.label_ja if spec is not None else "現在の手続ルールにない質問"
        # The old catalogue's choice labels are gone: only a yes/no can still be read back.
        answer = "現在は選べない回答"
        if isinstance(value, bool):
            answer = "はい" if value else "いいえ"
        who = ""
        if match and int(match.group(1)) < len(names):
            who = f"{names[int(match.group(1))]}さん："
        lines.append(f"{who}{label}：{answer}")
    return lines
