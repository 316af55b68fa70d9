"""Persistence: SQLAlchemy models, repositories and Alembic migrations (no Qt)."""

from counter_app.store.cases import CaseRepository, CaseSummary, ClaimedElsewhere, ConflictError
from counter_app.store.database import DatabaseError, describe_url, open_database

__all__ = ["CaseRepository", "CaseSummary", "ClaimedElsewhere", "ConflictError", "DatabaseError",
           "describe_url", "open_database"]
