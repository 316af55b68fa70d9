"""Domain model of a reception case: plain Python, no Qt and no SQL."""

from counter_app.domain.case import (
    Case,
    CaseFormatError,
    CaseStatus,
    Member,
    MemberSource,
    Move,
    MoveKind,
)

__all__ = ["Case", "CaseFormatError", "CaseStatus", "Member", "MemberSource", "Move", "MoveKind"]
