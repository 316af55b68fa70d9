"""Form templates as data files, their loader, validation and field binding (no Qt)."""
