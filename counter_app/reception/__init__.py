"""One reception: the session (every change checked, determined and saved), the interview, the
checklist model that the screen, the guide sheet and the packet data all read, the print gate
and the packet. Plain Python: no Qt."""

from counter_app.reception.errors import NotReady, Refused
from counter_app.reception.interview import (
    Answered,
    InterviewRow,
    KanaLine,
    Prompt,
    PromptKind,
)
from counter_app.reception.problems import Problem
from counter_app.reception.session import ReceptionSession, concerned

__all__ = ["Answered", "InterviewRow", "KanaLine", "NotReady", "Problem", "Prompt",
           "PromptKind", "ReceptionSession", "Refused", "concerned"]
