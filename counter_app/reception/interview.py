"""The interview: the questions still open, and the ones answered, with their answers.

Only what a rule (or a chosen form) still needs is asked; a question about several members is
one prompt, so staff can give one answer for all of them when it is the same. Plain Python.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
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
        if not members:
            prompts.append(Prompt(fact, PromptKind.HOUSEHOLD, question.text_ja, spec))
        elif fact == CLAIMANT:
            prompts.append(Prompt(fact, PromptKind.WHICH_ONE,
                                  question.household_text_ja or question.text_ja, spec, members))
        elif question.sensitive and question.household_text_ja and spec.type == "bool":
            prompts.append(Prompt(fact, PromptKind.WHO, question.household_text_ja, spec,
                                  members))
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
            member_key(i, f) if i is not None else f
            for f, members in by_fact.items() for i in (members or [None]))):
        result.append(Answered(prompt, {k: case.answers[k] for k in prompt.keys()
                                        if k in case.answers}))
    return result
