"""Determination speed: 1,000 varied move cases through the default catalogue, then the
shipped life-event test households (death, birth, marriage, divorce, with and without a move).

    .venv/bin/python bench/determine.py [--cases 1000]
"""

import argparse
import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.rules import default_catalogue, determine

RELATIONSHIPS = ["世帯主", "妻", "子", "子", "母", "子"]
ANSWERS = {"foreign_resident": [False, False, True], "health_insurance": ["nhi", "employee"],
           "pension_category": ["1", "2", "3"], "care_certified": [True, False],
           "disability_certificate": [False, True], "pregnant": [False, True],
           "needs_childcare": [True, False], "wants_seal_registration": [True, False],
           "seal_registered": [True, False], "card_held": [True, False]}


def varied_cases(count, seed=2026):
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        move_date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
        members = []
        for i in range(rng.randint(1, 6)):
            born = move_date - dt.timedelta(days=rng.randrange(0, 95 * 365))
            members.append(Member(f"住民{i}", born, rng.choice(["male", "female"]),
                                  RELATIONSHIPS[i], rng.choice(list(MemberSource))))
        answers = {f"household.{k}": rng.random() < 0.3
                   for k in ("has_dog", "has_moped", "school_district_changes")}
        for i in range(len(members)):
            for key, values in ANSWERS.items():
                if rng.random() < 0.8:  # some facts left unanswered, as mid-interview
                    answers[f"member.{i}.{key}"] = rng.choice(values)
        kind = rng.choice(list(MoveKind))
        cases.append(Case(Move(kind, move_date, "茨城県つくば市", "北海道あおば市"), members,
                          answers))
    return cases


def event_cases():
    """The shipped test households that have a life event (their expectations left out)."""
    folder = Path(__file__).resolve().parent.parent / "resources" / "catalogue" / "households"
    cases = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("event"):
            cases.append(Case.from_dict({k: v for k, v in data.items()
                                         if not k.startswith("expected")}))
    return cases


def per_case_ms(cases, catalogue, rounds):
    timings = []
    for _ in range(rounds):
        begin = time.perf_counter()
        for case in cases:
            determine(case, catalogue)
        timings.append((time.perf_counter() - begin) / len(cases) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    catalogue = default_catalogue()
    cases = varied_cases(args.cases)
    per_case = per_case_ms(cases, catalogue, args.rounds)
    members = sum(len(c.members) for c in cases) / len(cases)
    print(f"determine ({args.cases} varied cases, {members:.1f} members on average, "
          f"{args.rounds} rounds):")
    print(f"  median {statistics.median(per_case):.3f} ms per case "
          f"(best round {min(per_case):.3f} ms, worst {max(per_case):.3f} ms)")
    events = event_cases()
    per_event = per_case_ms(events * 100, catalogue, args.rounds)
    print(f"determine (the {len(events)} life-event test households × 100, {args.rounds} rounds):")
    print(f"  median {statistics.median(per_event):.3f} ms per case "
          f"(best round {min(per_event):.3f} ms, worst {max(per_event):.3f} ms)")


if __name__ == "__main__":
    main()
