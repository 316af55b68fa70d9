"""Determination speed: 1,000 varied cases through the default catalogue.

    .venv/bin/python bench/determine.py [--cases 1000]
"""

import argparse
import datetime as dt
import random
import statistics
import time

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    catalogue = default_catalogue()
    cases = varied_cases(args.cases)
    per_case = []
    for _ in range(args.rounds):
        begin = time.perf_counter()
        for case in cases:
            determine(case, catalogue)
        per_case.append((time.perf_counter() - begin) / len(cases) * 1000)
    members = sum(len(c.members) for c in cases) / len(cases)
    print(f"determine ({args.cases} varied cases, {members:.1f} members on average, "
          f"{args.rounds} rounds):")
    print(f"  median {statistics.median(per_case):.3f} ms per case "
          f"(best round {min(per_case):.3f} ms, worst {max(per_case):.3f} ms)")


if __name__ == "__main__":
    main()
