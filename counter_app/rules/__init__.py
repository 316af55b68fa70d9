"""Rules as data: the procedure catalogue, its validation, and the determination engine."""

from counter_app.rules.catalogue import Catalogue, default_catalogue
from counter_app.rules.conditions import RuleError
from counter_app.rules.engine import ChosenProcedure, Determination, determine

__all__ = ["Catalogue", "ChosenProcedure", "Determination", "RuleError", "default_catalogue",
           "determine"]
