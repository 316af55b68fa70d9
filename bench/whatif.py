"""What-if speed: 100 test households against a draft catalogue, as the config screen runs them
after each edit (target: well under a second).

The households are the shipped set and varied copies of it (other move dates and answers),
each with `expected` from the shipped catalogue; the draft changes three rules, so some of
them differ and their reasons are worked out too.

    .venv/bin/python bench/whatif.py [--households 100] [--rounds 10]
"""

import argparse
import copy
import datetime as dt
import json
import random
import statistics
import time

from counter_app.rules import Catalogue, default_catalogue, determine
from counter_app.rules.whatif import households_from_json, run_households, shipped_households


def varied_households(count, seed=2026):
    shipped = shipped_households()
    catalogue = default_catalogue()
    rng = random.Random(seed)
    found = []
    for i in range(count):
        item = copy.deepcopy(shipped[i % len(shipped)])
        data = item["household"]
        if i >= len(shipped):
            # A move's household or a life event's: its date moved back up to a year.
            dated = data["move"] if "move" in data else data["event"]
            day = dt.date.fromisoformat(dated["date"]) - dt.timedelta(rng.randrange(365))
            dated["date"] = day.isoformat()
            for key, value in list(data.get("answers", {}).items()):
                if isinstance(value, bool) and rng.random() < 0.3:
                    data["answers"][key] = not value
            [household] = households_from_json([{"name": "x", "household": data}])
            result = determine(household.case, catalogue)
            data["expected"] = [[p.id, p.members] for p in result.procedures]
            data["expected_unanswered"] = result.unanswered
        found.append({"name": f"{i:03d}_{item['name']}", "household": data})
    return found


def draft():
    data = json.loads(default_catalogue().to_json())
    procedures = {p["id"]: p for p in data["procedures"]}
    procedures["care_insurance_enroll"]["when"]["value"] = 66
    procedures["voter_registration"]["when"] = {"fact": "legal_age", "op": ">=", "value": 16}
    procedures["dog_registration"]["deadline"]["days"] = 20
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    stored = varied_households(args.households)
    data = draft()
    timings = {"read households": [], "parse draft": [], "run": [], "total": [],
               "total, CPU time": []}
    for _ in range(args.rounds):
        cpu = time.process_time()  # apart from other processes on a busy machine
        begin = time.perf_counter()
        households = households_from_json(stored)
        read = time.perf_counter()
        catalogue = Catalogue.from_dict(data)
        parsed = time.perf_counter()
        results = run_households(catalogue, households)
        done = time.perf_counter()
        for key, value in (("read households", read - begin), ("parse draft", parsed - read),
                           ("run", done - parsed), ("total", done - begin),
                           ("total, CPU time", time.process_time() - cpu)):
            timings[key].append(value * 1000)
    differing = sum(1 for r in results if not r.passed)
    differences = sum(len(r.differences) for r in results)
    members = sum(len(h.case.members) for h in households) / len(households)
    print(f"what-if: {len(households)} households ({members:.1f} members on average) against "
          f"a draft, {args.rounds} rounds; {differing} differ ({differences} differences)")
    for key, values in timings.items():
        print(f"  {key:<16} median {statistics.median(values):7.1f} ms "
              f"(best {min(values):.1f}, worst {max(values):.1f})")


if __name__ == "__main__":
    main()
