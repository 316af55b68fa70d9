"""What the supervisor's config screen does to a draft catalogue, without Qt.

The editor works on the draft's JSON (a dict) so that a half-done edit can still be shown
and checked: every typed value goes in as typed (a number when it reads as one), and the
catalogue's own validation (`CatalogueStore.problems`) plus the editor's checks below say
what is wrong, each problem with its place in Japanese.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from counter_app.domain import CaseFormatError
from counter_app.domain.era import default_era_table
from counter_app.domain.text import display_name
from counter_app.rules.catalogue import EVENT_KINDS, MOVE_KINDS, Catalogue
from counter_app.rules.conditions import RuleError
from counter_app.rules.describe import SETTING_LABELS
from counter_app.rules.engine import determine
from counter_app.rules.whatif import households_from_json

STATUS_JA = {"draft": "下書き", "published": "公開中", "retired": "過去"}
ACTION_JA = {"catalogue.seed": "初版", "catalogue.draft": "下書き作成",
             "catalogue.import": "読込", "catalogue.edit": "保存",
             "catalogue.publish": "公開", "catalogue.restore": "復元"}
KIND_JA = {"move_in": "転入", "move_within": "転居", "move_out": "転出", "death": "死亡",
           "birth": "出生", "marriage": "婚姻", "divorce": "離婚"}
WHO_JA = {"household": "世帯で一つ", "member": "一人ずつ"}
ANSWER_JA = {"bool": "はい／いいえ", "choice": "選択肢から選ぶ", "int": "数"}
SCOPE_JA = {"member": "一人ずつ尋ねる", "case": "世帯に一度尋ねる"}
START_JA = {"move_date": "異動日から", "event_date": "出来事の日から", "known_date": "知った日から",
            "filing_date": "届出日から"}
MAX_GRADE = 12  # 高校3年生の年代: the oldest grade a child's medical subsidy can reach
_FIELDS_JA = {
    "title_ja": "名称", "section": "担当課", "who": "対象", "move_kinds": "異動の種類",
    "when": "条件", "forms": "申請書", "deadline": "期限", "days": "日数", "from": "起算日",
    "inclusive": "初日算入", "text_ja": "文言", "documents": "持ち物", "guide_ja": "案内文",
    "visit": "来庁", "name_ja": "名前", "counter_ja": "窓口", "floor_ja": "場所",
    "household_text_ja": "世帯向けの質問文", "sensitive": "配慮", "choices": "選択肢",
    "label_ja": "表示名", "prefecture_ja": "都道府県", "calendar": "休日",
    "closed_dates": "市の休日", "closed_weekdays": "休みの曜日", "closed_yearly": "毎年の休み",
    "national_holidays": "祝日", "settings": "", "issued": "交付", "and": "条件の一部",
    "or": "条件の一部", "not": "条件の一部", "any_member": "条件の一部", "fact": "項目",
    "sections": "課", "households": "テスト世帯", "_comment": "説明", "root": "全体",
}
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]*)\]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")


@dataclass(frozen=True)
class ProblemRow:
    place_ja: str
    message_ja: str
    path: str  # the problem's path in the catalogue, to find its editor


def typed_value(text: str) -> int | str:
    """A number when the text reads as a whole number (full-width digits too), else the
    text as typed, so that the validation can say what is wrong with it."""
    compact = text.strip().translate(_FULL_WIDTH)
    if re.fullmatch(r"-?\d{1,9}", compact):
        return int(compact)
    return compact


def _pick(items: Any, key: str, identity: str) -> Any:
    """An item of a list by its position ("3") or its identity (a diff's "nhi_enroll")."""
    if not isinstance(items, list):
        return None
    if key.isdigit() and int(key) < len(items):
        return items[int(key)]
    return next((i for i in items if isinstance(i, dict) and i.get(identity) == key), None)


def _named(item: Any, field: str, fallback: str) -> str:
    value = item.get(field) if isinstance(item, dict) else None
    return value if isinstance(value, str) and value.strip() else fallback


def path_ja(path: str, data: Mapping[str, Any]) -> str:
    """Where a problem or a change is, as a supervisor reads it: 手続「転入届」 › 期限 › 日数."""
    tokens = [(name, index) for name, index in _TOKEN.findall(path)]
    parts: list[str] = []
    found = data.get("city")
    city: dict[str, Any] = found if isinstance(found, dict) else {}
    i = 0
    while i < len(tokens):
        name, _ = tokens[i]
        index = tokens[i + 1][1] if i + 1 < len(tokens) and tokens[i + 1][0] == "" else None
        step = 2 if index is not None else 1
        if name == "city" and i == 0:
            parts.append("市の設定")
        elif name == "settings" and index is not None:
            parts.append(SETTING_LABELS.get(index, index))
        elif name in SETTING_LABELS:
            parts.append(SETTING_LABELS[name])
        elif name == "sections" and index is not None:
            section = _pick(city.get("sections"), index, "name_ja")
            parts.append(f"課「{_named(section, 'name_ja', index)}」")
        elif name == "procedures" and index is not None:
            procedure = _pick(data.get("procedures"), index, "id")
            parts.append(f"手続「{_named(procedure, 'title_ja', index)}」")
        elif name == "questions" and index is not None:
            question = _pick(data.get("questions"), index, "fact")
            parts.append(f"質問「{_short(_named(question, 'text_ja', index))}」")
        elif name == "facts" and index is not None:
            fact = _pick(data.get("facts"), index, "key")
            parts.append(f"項目「{_named(fact, 'label_ja', index)}」")
        elif name == "forms" and index is not None and not index.isdigit():
            named = data.get("forms")
            forms: dict[str, Any] = named if isinstance(named, dict) else {}
            parts.append(f"申請書「{forms.get(index, index)}」")
        elif name == "name_ja" and parts == ["市の設定"]:
            parts.append("市の名前")
        elif name:
            label = _FIELDS_JA.get(name, name)
            if label:
                parts.append(label + (f" {int(index) + 1}番目" if index and index.isdigit()
                                      else ""))
        i += step
    return " › ".join(parts) or "全体"


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- checking ---------------------------------------------------------------------------------


def setting_problems(data: Mapping[str, Any]) -> list[RuleError]:
    """What the catalogue's parsing lets through but a counter could not use: the
    child-medical cap is compared with a school grade, so it must be one the engine knows
    (CatalogueStore.problems, hence import, publish and `rules validate`, refuses it)."""
    city = data.get("city")
    settings = city.get("settings") if isinstance(city, dict) else None
    if not isinstance(settings, dict) or "child_medical_grade_cap" not in settings:
        return []
    cap = settings["child_medical_grade_cap"]
    if isinstance(cap, bool) or not isinstance(cap, int) or not 0 <= cap <= MAX_GRADE:
        return [RuleError("city.settings.child_medical_grade_cap",
                          f"a school grade, 0 to {MAX_GRADE}",
                          f"対象の学年は0（就学前）～{MAX_GRADE}（高校3年生の年代）の整数です")]
    return []


def problem_rows(problems: Sequence[RuleError], data: Mapping[str, Any]) -> list[ProblemRow]:
    return [ProblemRow(path_ja(p.path, data), p.message_ja, p.path) for p in problems]


# --- the draft's content ---------------------------------------------------------------------


class DraftEdit:
    """The draft being edited: a copy of its JSON, changed field by field."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.data: dict[str, Any] = copy.deepcopy(dict(document))

    # city
    @property
    def city(self) -> dict[str, Any]:
        return self.data.setdefault("city", {})

    def set_city_name(self, text: str) -> None:
        self.city["name_ja"] = text.strip()

    def setting(self, name: str) -> Any:
        return self.city.get("settings", {}).get(name)

    def set_setting(self, name: str, text: str) -> None:
        self.city.setdefault("settings", {})[name] = typed_value(text)

    def closed_dates(self) -> list[dt.date]:
        found = []
        for text in self.city.get("calendar", {}).get("closed_dates", []):
            try:
                found.append(dt.date.fromisoformat(text))
            except (TypeError, ValueError):
                continue  # the validation names it
        return sorted(found)

    def add_closed_date(self, day: dt.date) -> bool:
        """False when the day is already one of the city's closed days."""
        dates = self.city.setdefault("calendar", {}).setdefault("closed_dates", [])
        if day.isoformat() in dates:
            return False
        dates.append(day.isoformat())
        dates.sort()
        return True

    def remove_closed_date(self, day: dt.date) -> None:
        dates = self.city.setdefault("calendar", {}).setdefault("closed_dates", [])
        if day.isoformat() in dates:
            dates.remove(day.isoformat())

    # sections
    def sections(self) -> list[dict[str, Any]]:
        return self.city.setdefault("sections", [])

    def set_section(self, index: int, field: str, text: str) -> None:
        """A section's name, counter or floor. A renamed section keeps its procedures."""
        section = self.sections()[index]
        value = text.strip()
        if field == "name_ja":
            old = section.get("name_ja")
            for procedure in self.procedures():
                if procedure.get("section") == old and value:
                    procedure["section"] = value
        section[field] = value

    def move_section(self, index: int, delta: int) -> int:
        """Up or down in the order sections are listed on screen and on the guide sheet;
        the section's new index."""
        items = self.sections()
        target = index + delta
        if not 0 <= target < len(items):
            return index
        items[index], items[target] = items[target], items[index]
        return target

    def add_section(self, after: int) -> int:
        """A new section after `after` (its name to be typed); its index."""
        names = {str(x.get("name_ja")) for x in self.sections()}
        name = next(n for n in (f"新しい課{i or ''}" for i in range(len(names) + 1))
                    if n not in names)
        at = min(max(after + 1, 0), len(self.sections()))
        self.sections().insert(at, {"name_ja": name, "counter_ja": "", "floor_ja": ""})
        return at

    def remove_section(self, index: int) -> None:
        """Its procedures keep its name: the validation names each of them."""
        del self.sections()[index]

    # procedures
    def procedures(self) -> list[dict[str, Any]]:
        return self.data.setdefault("procedures", [])

    def set_procedure(self, index: int, field: str, text: str) -> None:
        """Title, section or guide text; an empty guide text is left out."""
        procedure = self.procedures()[index]
        value = text.strip()
        if field == "guide_ja" and not value:
            procedure.pop("guide_ja", None)
        else:
            procedure[field] = value

    def add_procedure(self, after: int) -> int:
        """A new procedure after `after`, for every move, with no condition yet (常に): its
        title, forms and condition to be given. Its index."""
        ids = {p.get("id") for p in self.procedures()}
        new_id = next(f"city_procedure_{n}" for n in range(1, len(ids) + 2)
                      if f"city_procedure_{n}" not in ids)
        section = self.sections()[0].get("name_ja", "") if self.sections() else ""
        at = min(max(after + 1, 0), len(self.procedures()))
        self.procedures().insert(at, {"id": new_id, "title_ja": "新しい手続", "section": section,
                                      "who": "household", "move_kinds": list(MOVE_KINDS),
                                      "when": True, "forms": []})
        return at

    def remove_procedure(self, index: int) -> None:
        del self.procedures()[index]

    def set_who(self, index: int, who: str) -> None:
        """世帯で一つ or 一人ずつ: a condition reading members' facts fits only the latter
        (the validation says so)."""
        self.procedures()[index]["who"] = who

    def set_kinds(self, index: int, kinds: Sequence[str]) -> None:
        """The moves (転入・転居・転出) or life events it is for; both at once is refused by
        the validation (write the procedure twice)."""
        procedure = self.procedures()[index]
        procedure.pop("move_kinds", None)
        procedure.pop("event_kinds", None)
        events = [k for k in kinds if k in EVENT_KINDS]
        moves = [k for k in kinds if k not in EVENT_KINDS]
        if moves or not events:
            procedure["move_kinds"] = moves
        if events:
            procedure["event_kinds"] = events

    def set_forms(self, index: int, forms: Sequence[str]) -> None:
        self.procedures()[index]["forms"] = list(forms)

    def set_deadline(self, index: int, days: str, start: str, words: str) -> None:
        """Days from the move (or the filing), or words only (「速やかに」), or none."""
        procedure = self.procedures()[index]
        found = procedure.get("deadline")
        old: dict[str, Any] = found if isinstance(found, dict) else {}
        # What the editor does not show (its condition, whether the first day counts) is kept.
        deadline: dict[str, Any] = {k: v for k, v in old.items()
                                    if k not in ("days", "from", "text_ja", "inclusive")}
        if days.strip():
            deadline["days"] = typed_value(days)
            deadline["from"] = start
            if "inclusive" in old:
                deadline["inclusive"] = old["inclusive"]
        if words.strip():
            deadline["text_ja"] = words.strip()
        procedure["deadline"] = deadline or None

    def set_condition(self, index: int, when: Any) -> None:
        """The condition as the builder left it (copied: the builder keeps editing its own)."""
        self.procedures()[index]["when"] = copy.deepcopy(when)

    def set_documents(self, index: int, lines: Sequence[str]) -> None:
        """Documents to bring, one per line. The n-th line replaces the n-th document's text
        and keeps its condition; empty lines are dropped."""
        procedure = self.procedures()[index]
        found = procedure.get("documents")
        old: list[Any] = found if isinstance(found, list) else []
        texts = [line.strip() for line in lines if line.strip()]
        documents = []
        for n, text in enumerate(texts):
            base = dict(old[n]) if n < len(old) and isinstance(old[n], dict) else {}
            base["text_ja"] = text
            documents.append(base)
        if documents:
            procedure["documents"] = documents
        else:
            procedure.pop("documents", None)

    # questions
    def questions(self) -> list[dict[str, Any]]:
        return self.data.setdefault("questions", [])

    def set_question(self, index: int, field: str, text: str) -> None:
        question = self.questions()[index]
        value = text.strip()
        if field == "household_text_ja" and not value:
            question.pop(field, None)
        else:
            question[field] = value

    def facts(self) -> list[dict[str, Any]]:
        return self.data.setdefault("facts", [])

    def fact(self, key: str) -> dict[str, Any] | None:
        return next((f for f in self.facts() if isinstance(f, dict) and f.get("key") == key),
                    None)

    def question_fact(self, index: int) -> dict[str, Any] | None:
        return self.fact(str(self.questions()[index].get("fact", "")))

    def only_asked(self, index: int) -> bool:
        """Its answer type and who is asked can change: nothing derives its fact."""
        fact = self.question_fact(index)
        return fact is not None and fact.get("source") == "asked"

    def add_question(self, after: int) -> int:
        """A new yes/no question asked of each member, with its own fact; its index. Until a
        condition reads it the validation says no rule needs it."""
        keys = {str(f.get("key")) for f in self.facts() if isinstance(f, dict)}
        n = next(n for n in range(1, len(keys) + 2) if f"city_q{n}" not in keys
                 and f"household.city_q{n}" not in keys)
        key = f"city_q{n}"
        self.facts().append({"key": key, "scope": "member", "type": "bool",
                             "label_ja": "新しい質問", "source": "asked"})
        at = min(max(after + 1, 0), len(self.questions()))
        self.questions().insert(at, {"fact": key, "text_ja": "{name}さんは、…ですか？"})
        return at

    def remove_question(self, index: int) -> None:
        """The question; its fact too when only it gave the answer and nothing reads it (a
        condition that reads it then says its question is missing)."""
        question = self.questions().pop(index)
        key = question.get("fact")
        fact = self.fact(str(key))
        if fact is not None and fact.get("source") == "asked" and not self._read(str(key)):
            self.facts().remove(fact)

    def move_question(self, index: int, delta: int) -> int:
        """Up or down in the interview's order; its new index."""
        items = self.questions()
        target = index + delta
        if not 0 <= target < len(items):
            return index
        items[index], items[target] = items[target], items[index]
        return target

    def set_question_label(self, index: int, text: str) -> None:
        """The answer's name in conditions and on the checklist (the fact's label)."""
        fact = self.question_fact(index)
        if fact is not None:
            fact["label_ja"] = text.strip()

    def set_answer_type(self, index: int, kind: str) -> None:
        """はい/いいえ (bool), one of choices (choice, two to start with) or a number (int)."""
        fact = self.question_fact(index)
        if fact is None or fact.get("type") == kind:
            return
        fact["type"] = kind
        if kind == "choice":
            fact["choices"] = [{"value": "c1", "label_ja": "選択肢1"},
                               {"value": "c2", "label_ja": "選択肢2"}]
        else:
            fact.pop("choices", None)

    def set_question_scope(self, index: int, scope: str) -> None:
        """Asked of each member, or once for the household. The fact's key follows (a case
        fact's key is dotted), and so do the conditions that read it."""
        fact = self.question_fact(index)
        if fact is None or fact.get("scope") == scope:
            return
        old = str(fact.get("key"))
        bare = old.rsplit(".", 1)[-1]
        new = f"household.{bare}" if scope == "case" else bare
        fact["scope"], fact["key"] = scope, new
        self.questions()[index]["fact"] = new
        if scope == "case":  # asked once: its household wording, never a member's name
            question = self.questions()[index]
            text = str(question.pop("household_text_ja", None) or question.get("text_ja", ""))
            question["text_ja"] = re.sub(r"\{name\}(さん)?(は、|は|の)?", "", text)
        _rename_fact(self.procedures(), old, new)

    def add_choice(self, fact_key: str) -> int:
        """A new choice (its label to be typed); its index. Its value is never shown."""
        choices = self.choices(fact_key)
        values = {c.get("value") for c in choices}
        value = next(f"c{n}" for n in range(1, len(values) + 2) if f"c{n}" not in values)
        choices.append({"value": value, "label_ja": f"選択肢{len(choices) + 1}"})
        return len(choices) - 1

    def remove_choice(self, fact_key: str, index: int) -> None:
        """A condition comparing with it then says its value is not one of the choices."""
        del self.choices(fact_key)[index]

    def _read(self, key: str) -> bool:
        found: list[bool] = []
        _walk_facts(self.procedures(), lambda node: found.append(node.get("fact") == key))
        return any(found)

    def choices(self, fact_key: str) -> list[dict[str, Any]]:
        """The choices of a question's fact (their labels are what the screen shows)."""
        fact = next((f for f in self.data.get("facts", [])
                     if isinstance(f, dict) and f.get("key") == fact_key), None)
        choices = fact.get("choices") if isinstance(fact, dict) else None
        return choices if isinstance(choices, list) else []

    def set_choice_label(self, fact_key: str, index: int, text: str) -> None:
        self.choices(fact_key)[index]["label_ja"] = text.strip()


def _walk_facts(value: Any, visit: Any) -> None:
    """Every object with a "fact" in the procedures' conditions (and their values)."""
    if isinstance(value, dict):
        if isinstance(value.get("fact"), str):
            visit(value)
        for child in value.values():
            _walk_facts(child, visit)
    elif isinstance(value, list):
        for child in value:
            _walk_facts(child, visit)


def _rename_fact(procedures: Any, old: str, new: str) -> None:
    def rename(node: dict[str, Any]) -> None:
        if node.get("fact") == old:
            node["fact"] = new

    _walk_facts(procedures, rename)


def deadline_fields(procedure: Mapping[str, Any]) -> tuple[str, str, str]:
    """(days, from, words) as the editor shows them."""
    deadline = procedure.get("deadline")
    if not isinstance(deadline, dict):
        return "", "move_date", ""
    days = deadline.get("days")
    return ("" if days is None else str(days), str(deadline.get("from") or "move_date"),
            str(deadline.get("text_ja") or ""))


def document_lines(procedure: Mapping[str, Any]) -> list[str]:
    documents = procedure.get("documents")
    if not isinstance(documents, list):
        return []
    return [str(d.get("text_ja", "")) for d in documents if isinstance(d, dict)]


# --- versions, tests, changes as rows ----------------------------------------------------------


def when_ja(moment: dt.datetime | None) -> str:
    """A moment in 和暦 and local time: 令和8年12月1日 10:40."""
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{default_era_table().display(local.date())} {local:%H:%M}"


def date_ja(day: dt.date) -> str:
    weekday = "月火水木金土日"[day.weekday()]
    return f"{default_era_table().display(day)}（{weekday}）"


@dataclass(frozen=True)
class VersionRow:
    number: int
    status_ja: str
    who: str
    when_ja: str
    note_ja: str


def version_rows(versions: Sequence[Any]) -> list[VersionRow]:
    """Newest first: 番号, 状態, who saved or published it, when, and where it came from."""
    rows = []
    for v in sorted(versions, key=lambda v: v.number, reverse=True):
        published = v.published_at is not None and v.status != "draft"
        who = v.published_by if published else v.saved_by
        moment = v.published_at if published else v.saved_at
        note = {"shipped": "出荷時の手続ルール", "import": "ファイルから読込",
                "copy": f"版 {v.based_on} から作成", "restore": f"版 {v.based_on} を復元"
                }.get(str(v.origin), "")
        rows.append(VersionRow(v.number, STATUS_JA.get(str(v.status), str(v.status)),
                               _who(who), when_ja(moment), note))
    return rows


def _who(account: str | None) -> str:
    return "システム" if account in (None, "system") else account


@dataclass(frozen=True)
class ResultLine:
    text: str
    household: str  # the name of the test household the line is about


def result_rows(results: Sequence[Any], data: Mapping[str, Any]
                ) -> tuple[str, list[ResultLine]]:
    """A summary and, per differing household, a heading and one line per difference: the
    procedure, the members expected and decided, and the rules' reasons."""
    titles = {p.get("id"): p.get("title_ja") for p in data.get("procedures", [])
              if isinstance(p, dict)}
    failing = [r for r in results if not r.passed]
    summary = (f"テスト世帯 {len(results)} 件：期待どおり {len(results) - len(failing)} 件、"
               f"違い {len(failing)} 件")
    lines = []
    for result in failing:
        name = result.household.name
        names = [display_name(m.name) for m in result.household.case.members]
        lines.append(ResultLine(f"■ {household_label(result.household)}", name))
        for d in result.differences:
            title = titles.get(d.procedure) or d.procedure or ""
            kind = {"missing": "足りない手続", "extra": "余分な手続",
                    "members": "対象者が違う手続", "unanswered": "残る質問が違う",
                    "error": "判定できない"}.get(d.kind, d.kind)
            text = f"　{kind}：{title}" if title else f"　{kind}"
            if d.kind == "members":
                text += (f"（期待：{_people(d.expected, names)}　"
                         f"この下書き：{_people(d.got, names)}）")
            elif d.kind in ("missing", "extra"):
                text += f"（{_people(d.expected if d.kind == 'missing' else d.got, names)}）"
            lines.append(ResultLine(text, name))
            lines.extend(ResultLine(f"　　理由：{why}", name) for why in d.reasons_ja)
    return summary, lines


def _people(members: Sequence[int] | None, names: Sequence[str]) -> str:
    if not members:
        return "世帯"
    return "、".join(names[m] if 0 <= m < len(names) else f"{m + 1}人目" for m in members)


class AcceptRefused(ValueError):
    """A test household whose result cannot become its expectation; `message_ja` says why."""

    def __init__(self, detail: str, message_ja: str) -> None:
        super().__init__(detail)
        self.message_ja = message_ja


def accept_result(catalogue: Catalogue, households: Sequence[Mapping[str, Any]], name: str
                  ) -> list[dict[str, Any]]:
    """The test households with `name`'s expectation replaced by what `catalogue` decides for
    it (its procedures and members, and its open questions when it lists them): the
    supervisor's "this difference is the intended change". The others are kept as they are."""
    found = [dict(h) for h in households]
    index = next((i for i, h in enumerate(found) if h.get("name") == name), None)
    if index is None:
        raise AcceptRefused(f"no test household {name}", "このテスト世帯はもうありません")
    household = households_from_json([found[index]])[0]
    case = household.case
    try:
        result = determine(case, catalogue, case.filed_on)
    except CaseFormatError as exc:
        raise AcceptRefused(f"{name}: {exc.field}: {exc.problem}",
                            "このテスト世帯は判定できないため、期待値にできません") from None
    data = copy.deepcopy(dict(household.data))
    data["expected"] = [[p.id, sorted(p.members)] for p in
                        sorted(result.procedures, key=lambda p: p.id)]
    if "expected_unanswered" in data:
        data["expected_unanswered"] = list(result.unanswered)
    found[index] = {**found[index], "household": data}
    return found


def household_label(household: Any) -> str:
    """A test household as a supervisor knows it: テスト世帯 15（転居・5人）. Its file name
    and description are English, written for developers."""
    number = household.name.split("_", 1)[0]
    case = household.case
    kind = case.move.kind.label if case.move is not None else "異動なし"
    return f"テスト世帯 {number}（{kind}・{len(case.members)}人）"


def change_lines_ja(lines: Sequence[str], data: Mapping[str, Any]) -> list[str]:
    """A change record's diff lines with their places in Japanese."""
    found = []
    for line in lines:
        based = re.fullmatch(r"(based on|in place of) version (\d+)", line)
        if based:
            word = "をもとに作成" if based.group(1) == "based on" else "に代わって公開"
            found.append(f"版 {based.group(2)} {word}")
            continue
        if line == "+ the whole catalogue":
            found.append("全体を新しく作成")
            continue
        if line.startswith("~ households: "):
            found.extend(_household_change(part) for part in
                         line.removeprefix("~ households: ").split("; "))
            continue
        sign, _, rest = line.partition(" ")
        where, colon, value = rest.partition(": ")
        mark = {"~": "変更", "+": "追加", "-": "削除"}.get(sign)
        if mark is None:
            found.append(line)
            continue
        value = _ISO_DATE.sub(lambda m: _date_or_text(m.group(0)), value)
        found.append(f"{mark}：{path_ja(where, data)}" + (f"：{value}" if colon else ""))
    return found


def _household_change(part: str) -> str:
    """「~ 15_three_generations」 (diff.households_diff) as 変更：テスト世帯 15."""
    sign, _, name = part.partition(" ")
    mark = {"~": "変更", "+": "追加", "-": "削除"}.get(sign, sign)
    return f"{mark}：テスト世帯 {name.split('_', 1)[0]}" + ("の期待値" if sign == "~" else "")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_or_text(text: str) -> str:
    try:
        return default_era_table().display(dt.date.fromisoformat(text))
    except ValueError:
        return text
