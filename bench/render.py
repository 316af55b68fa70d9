"""Packet rendering: a four-person move-in (about a dozen pages) and a ten-person household.

    .venv/bin/python bench/render.py [--runs 10]
"""

import argparse
import copy
import datetime as dt
import json
import statistics
import time
from pathlib import Path

from counter_app.domain import Case
from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from forms.templates import load_templates
from printing.render import render_packet

HOUSEHOLDS = Path(__file__).resolve().parent.parent / "tests" / "households"


def four_person():
    data = json.loads((HOUSEHOLDS / "02_family_of_four_nhi.json").read_text())
    return Case.from_dict(data)


def ten_person():
    case = Case.from_dict(json.loads(
        (HOUSEHOLDS / "15_three_generations_with_dog_and_moped.json").read_text()))
    for i in range(5):
        extra = copy.deepcopy(case.members[i % 5])
        extra.name = f"{extra.name}{i}"
        case.members.append(extra)
        for key, value in list(case.answers.items()):
            if key.startswith(f"member.{i % 5}."):
                case.answers[key.replace(f"member.{i % 5}.", f"member.{5 + i}.")] = value
    return case


def measure(label, case, runs, catalogue, templates):
    result = determine(case, catalogue)
    times, size, pages = [], 0, 0
    for _ in range(runs):
        begin = time.perf_counter()
        packet = build_packet(case, result, catalogue, templates, False, dt.date(2026, 4, 3))
        rendered = render_packet(packet)
        times.append(time.perf_counter() - begin)
        size, pages = len(rendered.pdf), len(rendered.pages)
    median = statistics.median(times)
    print(f"  {label}: {pages} pages, {size / 1024:.0f} KiB, median {median:.3f} s"
          f" (min {min(times):.3f}, max {max(times):.3f})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    begin = time.perf_counter()
    catalogue, templates = default_catalogue(), load_templates()
    warm = build_packet(four_person(), determine(four_person(), catalogue), catalogue, templates,
                        False, dt.date(2026, 4, 3))
    render_packet(warm)
    print(f"packet rendering ({args.runs} runs each; first render in a process, including "
          f"loading the fonts: {time.perf_counter() - begin:.2f} s):")
    measure("four-person move-in", four_person(), args.runs, catalogue, templates)
    measure("ten-person household", ten_person(), args.runs, catalogue, templates)


if __name__ == "__main__":
    main()
