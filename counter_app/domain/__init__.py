"""Domain model of a reception case: plain Python, no Qt and no SQL."""

from counter_app.domain.case import (
    Case,
    CaseFormatError,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Event,
    EventKind,
    Foreign,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PersonRef,
    PrintRecord,
    Step,
    Transfer,
)

__all__ = ["Case", "CaseFormatError", "CaseStatus", "ChecklistEntry", "ChecklistStatus", "Event",
           "EventKind", "Foreign", "Member", "MemberSource", "Move", "MoveKind", "PersonRef",
           "PrintRecord", "Step", "Transfer"]
