"""What a template may bind: the shape of the context the application builds for each form.

Every path in a template is checked against this schema when the template loads, so a city's
edit with a typo (`applicant.birth_dat`) is refused with its place, not found at print time.
People are bound by role — `head` (世帯主), `previous_head`, `filer` (届出人), `claimant`,
`guardian`, `person` (the one person of a per-person form), in life events `deceased` and
`new_head` (a newborn is the `person` of its per-person forms) — never by position.
"""

from __future__ import annotations

from typing import Any

ANY = "*"  # any key below (facts by their catalogue key, checked against the catalogue later)

_PERSON = {
    "name": None, "surname": None, "given_name": None, "kana": None, "kana_surname": None,
    "kana_given": None, "address": None, "building": None, "phone": None, "birth_date": None,
    "sex": None, "relationship": None, "foreign": None, "is_member": None,
}
MEMBER = {
    **_PERSON,
    "registered_domicile": None, "domicile_head": None, "resident_code": None,
    "nationality": None, "residence_status": None, "period_end": None, "card_number": None,
    "foreign_category": None, "alias": None,
    "age": None, "legal_age": None, "grade": None, "grade_label": None, "card": None,
    "moves": None, "newborn": None,
    "child_medical": None,  # within the city's 子ども医療費 cap (grade ≤ child_medical_grade_cap)
    "relationship_to_claimant": None,  # 続柄 on child-allowance forms: to the claimant
    "facts": {ANY: None},  # the member's facts by catalogue key (answered or derived)
    "labels": {ANY: None},  # the same as the catalogue's Japanese choice labels
}
PERSON = {**MEMBER, "relation_to_head": None, "relation": None}

SCHEMA: dict[str, Any] = {
    "case": {"id": None},
    "move": {
        "kind": None, "kind_label": None, "date": None, "previous_address": None,
        "new_address": None, "previous_building": None, "new_building": None,
        "city_address": None, "city_building": None, "other_address": None,
        "other_building": None, "new_postal_code": None, "transfer": None,
        "certificate_city": None, "certificate_date": None,
    },
    "event": {"kind": None, "kind_label": None, "date": None, "known_date": None,
              "court": None},
    "facts": {ANY: None},  # case facts (household.has_moped, move.other_prefecture, …)
    "filed_on": None,
    "today": None,
    "city": {"name": None, "prefecture": None},
    "procedure": {"id": None, "title": None, "section": None, "counter": None},
    "head": PERSON,
    "previous_head": PERSON,
    "filer": PERSON,
    "claimant": PERSON,
    "spouse": PERSON,  # the claimant's spouse on child-allowance forms
    "guardian": PERSON,
    "person": PERSON,
    "deceased": PERSON,  # a death case: the one who died (event.subject)
    "new_head": PERSON,  # a death case: the 世帯主 after it (stated, or the only adult left)
    # The household's address in the city: the move's, else the one its members are registered at.
    "home": {"address": None, "building": None, "postal_code": None},
}
# Inside a members table a row is `member` (and its 1-based `row`).
ROW_SCHEMA: dict[str, Any] = {"member": MEMBER, "row": None}
# Roles whose resolution may need an answer (the claimant is asked when two parents move).
ROLE_FACTS = {"claimant": "allowance_claimant", "guardian": "allowance_claimant",
              "spouse": "allowance_claimant"}


def check_path(path: str, schema: dict[str, Any]) -> str | None:
    """None if the path exists in the schema, else what is wrong with it."""
    node: Any = schema
    parts = path.split(".")
    for depth, part in enumerate(parts):
        if not isinstance(node, dict):
            return f"{'.'.join(parts[:depth])!r} has no fields"
        if part in node:
            node = node[part]
        elif ANY in node and part:
            node = node[ANY]
            if node is None and depth < len(parts) - 1:
                # facts.* take the rest of the path as one key (facts.household.has_dog)
                return None
        else:
            known = ", ".join(sorted(k for k in node if k != ANY))
            return f"unknown field {part!r} in {path!r} (known: {known})"
    return None


def facts_read(path: str) -> str | None:
    """The catalogue fact a path reads, if any: `member.facts.pregnant` → pregnant,
    `facts.household.has_moped` → household.has_moped, `claimant.name` → allowance_claimant."""
    parts = path.split(".")
    if parts[0] in ROLE_FACTS:
        return ROLE_FACTS[parts[0]]
    if parts[0] == "facts" and len(parts) > 1:
        return ".".join(parts[1:])
    for i, part in enumerate(parts[:-1]):
        if part in ("facts", "labels") and i > 0:
            return parts[i + 1]
    return None
