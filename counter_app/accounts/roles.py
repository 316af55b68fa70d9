"""Who may do what."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    STAFF = "staff"  # receptions at a counter
    SUPERVISOR = "supervisor"  # also the config screen: rules, publishing, accounts, statistics
    TRAINER = "trainer"  # demo mode: scenarios and trainees' results

    @property
    def label(self) -> str:
        return {"staff": "窓口職員", "supervisor": "監督者", "trainer": "研修担当"}[self.value]

    def may_configure(self) -> bool:
        return self is Role.SUPERVISOR
