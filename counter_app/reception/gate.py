"""The print gate over the packet itself: required form fields, values too long for their
boxes, characters no bundled font has. (The case's own problems: reception.problems.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from counter_app.domain import Case
from counter_app.reception.packet import assemble, form_fingerprints
from counter_app.reception.problems import Problem
from counter_app.rules import Catalogue, Determination
from forms.binding import bind
from forms.templates import Template


class PrintGate:
    """What stops a packet from being printed. Loads reportlab's fonts on first use."""

    def __init__(self, templates: Mapping[str, Template],
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        self.templates = templates
        self._today = today

    def __call__(self, case: Case, determination: Determination,
                 catalogue: Catalogue) -> list[Problem]:
        from printing import fonts
        from printing.render import layout_problems

        built = assemble(case, determination, catalogue, self.templates, False,
                         self._today())
        problems = list(built.problems)
        for key, label, title in layout_problems(built.packet):
            problems.append(Problem(f"forms.{key}",
                                    f"{title}：「{label}」が長すぎて枠に入りません"))
        texts = [t for job in built.packet.forms
                 for t in bind(job.template, job.context, built.packet.style).texts()]
        texts += [built.packet.guide.head] + [i.who for i in built.packet.guide.items]
        for unit in fonts.unprintable(texts):
            problems.append(Problem("glyphs", f"印刷できない文字があります：{unit.visible}"
                                              f"（{unit.codes}）。券面と照合し、入力を確認して"
                                              "ください"))
        return problems

    def fingerprints(self, case: Case, determination: Determination,
                     catalogue: Catalogue) -> dict[str, str]:
        """What each form would print now (the demo watermark is not part of a form's
        content, so a demo packet's fingerprints are the same)."""
        built = assemble(case, determination, catalogue, self.templates, False,
                         self._today())
        return form_fingerprints(built.packet)
