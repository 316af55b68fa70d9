"""What has left the counter: each form of the packet as it would print now, against the print
records of the case. A record holds only while its fingerprint matches what the form prints
now, so a change after printing makes the form 未印刷 again (and says why)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from counter_app.domain import Case, PrintRecord
from counter_app.reception.problems import Problem

CHANGED_JA = "内容が変わったため再印刷が必要です"


@dataclass(frozen=True)
class FormOutput:
    form: str  # the form job's key: nhi_change, seal_registration.0 (one per person)
    record: PrintRecord | None  # the latest print or save of what the form prints now
    changed: bool  # printed or saved before, but what it prints has changed since

    @property
    def done(self) -> bool:
        return self.record is not None

    @property
    def label(self) -> str:
        if self.record is None:
            return "未印刷"
        return "印刷済" if self.record.how == "printed" else "PDF保存済"


def form_outputs(case: Case, fingerprints: Mapping[str, str]) -> list[FormOutput]:
    """Each form (key → fingerprint of what it prints now), in the packet's order."""
    outputs = []
    for form, now in fingerprints.items():
        records = [p for p in case.prints if p.form == form]
        current = next((p for p in reversed(records) if p.fingerprint == now), None)
        outputs.append(FormOutput(form, current, current is None and bool(records)))
    return outputs


@dataclass(frozen=True)
class GateReport:
    """The print gate of one state of the case, and where its forms stand."""

    problems: list[Problem]
    outputs: list[FormOutput]

    @property
    def unprinted(self) -> list[FormOutput]:
        return [o for o in self.outputs if not o.done]

    @property
    def changed(self) -> list[FormOutput]:
        return [o for o in self.outputs if o.changed]
