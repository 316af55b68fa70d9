"""Domain model of a reception case: plain Python, no Qt and no SQL."""

from counter_app.domain.case import (
    Case,
    CaseFormatError,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PrintRecord,
    Step,
)

__all__ = ["Case", "CaseFormatError", "CaseStatus", "ChecklistEntry", "ChecklistStatus", "Member",
           "MemberSource", "Move", "MoveKind", "PrintRecord", "Step"]
