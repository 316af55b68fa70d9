"""Training scenarios as data (`resources/demo/scenarios/*.json`, DESIGN.md "Decisions"):

    {"title": "…", "task": "words for the trainee",
     "household": "../households/01_kitami_family_move_in.json" or a case file,
     "expected": [["resident_move_in", []], ["nhi_enroll", [0, 1]], …],
     "roles": ["head", "filer", "claimant"], "fields": ["move.new_address", "member.1.kana"],
     "open_case": false}

`expected` is the checklist `counter-app determine` gives for the household (a test holds them
equal). `roles` and `fields` name what the trainee's case must also get right; their right
values are the household's. `open_case` starts the attempt with the household already saved as
an open case (a case a colleague began), instead of from the cards.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from counter_app.bundled import resource, resources_root
from counter_app.domain import Case, CaseFormatError, PersonRef
from counter_app.domain import roles as case_roles
from counter_app.domain.case import MEMBER_KEY

SCENARIO_KEYS = {"title", "task", "household", "expected", "roles", "fields", "open_case"}
ROLE_LABELS = {"head": "世帯主", "previous_head": "旧世帯主", "filer": "届出人",
               "claimant": "児童手当の請求者"}
MOVE_FIELDS = {"date": "異動日", "kind": "異動の種類", "new_address": "新住所",
               "new_building": "新住所の方書", "new_postal_code": "郵便番号",
               "previous_address": "旧住所", "previous_building": "旧住所の方書",
               "transfer": "転入の方法", "certificate_city": "転出証明書の発行元",
               "certificate_date": "転出証明書の発行日"}
MEMBER_FIELDS = {"name": "氏名", "kana": "フリガナ", "birth_date": "生年月日", "sex": "性別",
                 "relationship": "続柄", "registered_domicile": "本籍",
                 "domicile_head": "筆頭者", "resident_code": "住民票コード"}
FOREIGN_FIELDS = {"nationality": "国籍", "status": "在留資格", "period_end": "在留期間の満了日",
                  "card_number": "在留カード等の番号", "category": "区分", "alias": "通称"}
FILER_FIELDS = {"name": "届出人の氏名", "phone": "届出人の電話番号"}
EVENT_FIELDS = {"date": "届出の事由の日（死亡日・出生日・届出日）", "kind": "届出の事由",
                "court": "裁判・調停による離婚"}


class ScenarioError(ValueError):
    """A scenario file is malformed: the message names the file and the field."""


@dataclass(frozen=True)
class Scenario:
    key: str  # the file's stem
    title: str
    task: str
    household: dict[str, Any]  # the case file (a roster file keeps its cards)
    expected: tuple[tuple[str, tuple[int, ...]], ...]
    roles: tuple[str, ...]
    fields: tuple[str, ...]
    open_case: bool = False

    def case(self) -> Case:
        """The household as a new case (a new id each time)."""
        data = {k: v for k, v in self.household.items() if k != "id"}
        return Case.from_dict(data)


def scenarios_dir() -> Traversable:
    return resource("demo", "scenarios")


def load_scenarios(directory: Traversable | Path | None = None) -> list[Scenario]:
    """Every scenario, in file-name order; a bad file raises ScenarioError."""
    if directory is None:
        directory, base = scenarios_dir(), ("demo", "scenarios")
    else:
        base = None
    files = sorted((f for f in directory.iterdir() if f.name.endswith(".json")),
                   key=lambda f: f.name)
    return [_scenario(f.name.removesuffix(".json"), f.read_text(encoding="utf-8"), directory,
                      base) for f in files]


def _scenario(key: str, text: str, directory: Traversable | Path,
              base: tuple[str, ...] | None) -> Scenario:
    def fail(field: str, problem: str) -> ScenarioError:
        return ScenarioError(f"scenario {key}: {field}: {problem}")

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail("(file)", f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise fail("(root)", "expected an object")
    unknown = set(data) - SCENARIO_KEYS
    if unknown:
        raise fail("(root)", f"unknown keys {', '.join(sorted(unknown))}")
    for name in ("title", "task"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise fail(name, "a text is required")
    household = data.get("household")
    if isinstance(household, str):
        household = _read_household(household, directory, base, fail)
    if not isinstance(household, dict):
        raise fail("household", "a case file, or the path of one relative to the scenario")
    try:
        case = Case.from_dict(household)
    except CaseFormatError as exc:
        raise fail("household", str(exc)) from None
    expected = _expected(data.get("expected"), len(case.members), fail)
    roles = _names(data.get("roles", []), "roles", fail)
    for role in roles:
        if role not in ROLE_LABELS:
            raise fail("roles", f"{role!r} is not one of {', '.join(ROLE_LABELS)}")
        if role_holder(case, role) is None:
            raise fail("roles", f"the household states no {role}")
    fields = _names(data.get("fields", []), "fields", fail)
    for path in fields:
        try:
            field_value(case, path)
        except KeyError as exc:
            raise fail("fields", exc.args[0]) from None
    open_case = data.get("open_case", False)
    if not isinstance(open_case, bool):
        raise fail("open_case", "true or false")
    return Scenario(key, data["title"].strip(), data["task"].strip(), household, expected,
                    roles, fields, open_case)


def _read_household(path: str, directory: Traversable | Path, base: tuple[str, ...] | None,
                    fail: Any) -> Any:
    """A relative path, resolved inside the bundled resources (or the given directory's
    parent tree when scenarios are loaded from elsewhere)."""
    if path.startswith("/") or "\\" in path:
        raise fail("household", "a relative path with / separators")
    try:
        if base is None:
            node: Traversable | Path = Path(directory, path)  # type: ignore[arg-type]
        else:
            parts = posixpath.normpath(posixpath.join(*base, path)).split("/")
            if parts[0] == "..":
                raise fail("household", "the path leaves the bundled resources")
            node = resources_root()
            for part in parts:
                node = node / part
        return json.loads(node.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise fail("household", f"cannot read {path}: {exc}") from None


def _expected(value: Any, count: int, fail: Any) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if not isinstance(value, list) or not value:
        raise fail("expected", "a list of [procedure id, [member indexes]]")
    rows = []
    for n, row in enumerate(value):
        if (not isinstance(row, list) or len(row) != 2 or not isinstance(row[0], str)
                or not isinstance(row[1], list)
                or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < count
                           for i in row[1])):
            raise fail(f"expected[{n}]", "[procedure id, [indexes of household members]]")
        rows.append((row[0], tuple(sorted(row[1]))))
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        raise fail("expected", "a procedure is listed twice")
    return tuple(rows)


def _names(value: Any, field: str, fail: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(field, "a list of names")
    return tuple(value)


# --- what a case holds in a role or a field --------------------------------------------------


def role_holder(case: Case, role: str) -> PersonRef | None:
    """The person holding `role` in a case: a member index or a named non-member."""
    if role == "head":
        return case_roles.head(case)
    if role == "previous_head":
        return case.previous_head
    if role == "filer":
        return case_roles.filer(case)
    claimant = case_roles.claimant(case)
    return None if claimant is None else PersonRef(member=claimant)


def field_value(case: Case, path: str) -> str:
    """The text of a field of the case: `move.<field>`, `event.<field>`, `member.<n>.<field>`,
    `member.<n>.foreign.<field>` or `filer.<field>`; KeyError names a path that is none."""
    parts = path.split(".")
    if parts[0] == "event" and len(parts) == 2 and parts[1] in EVENT_FIELDS:
        if case.event is None:
            raise KeyError(f"{path}: the case has no event")
        return _text(getattr(case.event, parts[1]))
    if parts[0] == "move" and len(parts) == 2 and parts[1] in MOVE_FIELDS:
        if case.move is None:
            raise KeyError(f"{path}: the case has no move")
        return _text(getattr(case.move, parts[1]))
    match = MEMBER_KEY.match(path)
    if match:
        index, rest = int(match.group(1)), match.group(2).split(".")
        if index >= len(case.members):
            raise KeyError(f"{path}: there is no member {index}")
        member = case.members[index]
        if len(rest) == 1 and rest[0] in MEMBER_FIELDS:
            return _text(getattr(member, rest[0]))
        if len(rest) == 2 and rest[0] == "foreign" and rest[1] in FOREIGN_FIELDS:
            return _text(getattr(member.foreign, rest[1], ""))
    if parts[0] == "filer" and len(parts) == 2 and parts[1] in FILER_FIELDS:
        ref = case_roles.filer(case)
        person = case_roles.resolve(case, ref)
        return "" if person is None else getattr(person, parts[1])
    raise KeyError(f"{path} is not a field a scenario can check")


def field_label(path: str) -> str:
    """The field in words: 新住所, フリガナ（2人目）."""
    parts = path.split(".")
    if parts[0] == "move":
        return MOVE_FIELDS[parts[1]]
    if parts[0] == "event":
        return EVENT_FIELDS[parts[1]]
    if parts[0] == "filer":
        return FILER_FIELDS[parts[1]]
    label = (FOREIGN_FIELDS[parts[3]] if parts[2] == "foreign" else MEMBER_FIELDS[parts[2]])
    return label


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "value", value))


def member_index(path: str) -> int | None:
    match = re.match(r"^member\.(\d+)\.", path)
    return int(match.group(1)) if match else None
