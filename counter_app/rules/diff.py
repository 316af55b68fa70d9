"""What changed between two versions of a catalogue, as lines a supervisor can read.

Items are matched by their identity (a procedure by id, a fact by key, a question by its fact,
a form by id, a section by name, a setting by name), so a change reads as what it is:

    ~ procedures[nhi_enroll].deadline: {"days": 14, "from": "move_date"} → {"days": 15, …}
    + procedures[cat_registration]: {"id": "cat_registration", …}
    - questions[household.has_dog]
    ~ households: + 17_cat_owner; ~ 02_family_of_four_nhi

Catalogue content is not personal data; test households are fictional, and only their names
appear here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

# list key → the field that names an item of it
_IDENTITY = {"facts": "key", "questions": "fact", "procedures": "id"}
MAX_VALUE_CHARS = 400  # a long condition is cut, the line still says where it changed


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 1] + "…"


def _keyed(items: Any, identity: str) -> dict[str, Any]:
    """Items of a list by their identity (position when it is missing: a broken draft)."""
    found: dict[str, Any] = {}
    if not isinstance(items, list):
        return found
    for i, item in enumerate(items):
        key = item.get(identity) if isinstance(item, dict) else None
        name = key if isinstance(key, str) and key not in found else f"#{i}"
        found[name] = item
    return found


def _fields(before: Any, after: Any, path: str, lines: list[str]) -> None:
    """Field by field for two objects, whole for anything else."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            if key not in after:
                lines.append(f"- {path}.{key}")
            elif key not in before:
                lines.append(f"+ {path}.{key}: {_show(after[key])}")
            elif before[key] != after[key]:
                lines.append(f"~ {path}.{key}: {_show(before[key])} → {_show(after[key])}")
    elif before != after:
        lines.append(f"~ {path}: {_show(before)} → {_show(after)}")


def _items(before: dict[str, Any], after: dict[str, Any], path: str, lines: list[str]) -> None:
    for key, item in before.items():
        if key not in after:
            lines.append(f"- {path}[{key}]")
        elif after[key] != item:
            _fields(item, after[key], f"{path}[{key}]", lines)
    for key, item in after.items():
        if key not in before:
            lines.append(f"+ {path}[{key}]: {_show(item)}")
    common = [k for k in before if k in after]
    if common != [k for k in after if k in before]:
        lines.append(f"~ {path}: order changed")


def catalogue_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """The changes from `before` to `after` (two catalogues' JSON objects), one per line;
    empty when they are the same. The version number is the store's and not compared."""
    if before is None:
        return ["+ the whole catalogue"]
    lines: list[str] = []
    for key in ("_comment",):
        if before.get(key) != after.get(key):
            _fields(before.get(key), after.get(key), key, lines)
    city_before, city_after = before.get("city") or {}, after.get("city") or {}
    if isinstance(city_before, dict) and isinstance(city_after, dict):
        for key in ("name_ja", "prefecture_ja", "calendar"):
            if city_before.get(key) != city_after.get(key):
                _fields(city_before.get(key), city_after.get(key), f"city.{key}", lines)
        _items(_as_dict(city_before.get("settings")), _as_dict(city_after.get("settings")),
               "city.settings", lines)
        _items(_keyed(city_before.get("sections"), "name_ja"),
               _keyed(city_after.get("sections"), "name_ja"), "city.sections", lines)
    elif city_before != city_after:
        _fields(city_before, city_after, "city", lines)
    _items(_as_dict(before.get("forms")), _as_dict(after.get("forms")), "forms", lines)
    for key, identity in _IDENTITY.items():
        _items(_keyed(before.get(key), identity), _keyed(after.get(key), identity), key, lines)
    known = {"_comment", "version", "city", "forms", *_IDENTITY}
    for key in sorted((set(before) | set(after)) - known):  # a broken draft's stray keys
        _fields(before.get(key), after.get(key), key, lines)
    return lines


def households_diff(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
                    ) -> list[str]:
    """Test households added, removed or changed, by name."""
    old = {h.get("name"): h.get("household") for h in before}
    new = {h.get("name"): h.get("household") for h in after}
    parts = [f"- {name}" for name in old if name not in new]
    parts += [f"+ {name}" for name in new if name not in old]
    parts += [f"~ {name}" for name in new if name in old and old[name] != new[name]]
    return [f"~ households: {'; '.join(parts)}"] if parts else []


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}
