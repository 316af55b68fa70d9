"""Rendering bound forms into one packet PDF and dispatching it to a printer."""
