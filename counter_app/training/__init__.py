"""Training: the trainer's card panel, scenarios, scoring and results (Qt-free)."""
