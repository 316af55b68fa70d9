"""Where the bundled data files (`resources/` in the source tree) are."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "resources"


def resources_root() -> Traversable:
    """The installed `counter_app.resources` package data, or `resources/` of a source checkout.

    An editable install imports counter_app from the checkout, where resources/ is a sibling of
    the package rather than inside it.
    """
    if _SOURCE_TREE.is_dir():
        return _SOURCE_TREE
    return resources.files("counter_app.resources")


def resource(*parts: str) -> Traversable:
    node = resources_root()
    for part in parts:
        node = node / part
    return node
