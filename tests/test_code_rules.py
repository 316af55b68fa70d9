"""House rules of DESIGN.md that the code itself can be checked for."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
# DESIGN.md's table of what each package may import (beyond the standard library).
FORBIDDEN = {
    "card_reader": QT | {"counter_app", "forms", "printing", "sqlalchemy", "reportlab"},
    "forms": QT | {"counter_app", "card_reader", "printing", "sqlalchemy"},
    "printing": {"counter_app", "card_reader", "sqlalchemy"},  # Qt print support is allowed
    "counter_app/domain": QT | {"sqlalchemy", "alembic", "printing", "forms"},
    "counter_app/rules": QT | {"sqlalchemy", "alembic", "printing", "forms"},
    "counter_app/reception": QT | {"sqlalchemy", "alembic"},
    "counter_app/accounts": QT | {"sqlalchemy", "alembic", "printing", "forms"},
    "counter_app/store": QT | {"printing", "forms"},
}
# Direction inside counter_app: a layer never imports the layers above it.
FORBIDDEN_INSIDE = {
    "counter_app/domain": ("counter_app.rules", "counter_app.store", "counter_app.reception"),
    "counter_app/rules": ("counter_app.store", "counter_app.reception"),
    "counter_app/reception": ("counter_app.store",),
    "counter_app/store": ("counter_app.reception",),
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_what_design_allows(package):
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no Python files: the rule would check nothing"
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[package]
        or (package.startswith("counter_app/") and name.startswith("counter_app.ui"))
        or name.startswith(FORBIDDEN_INSIDE.get(package, ()))
    ]
    assert offenders == []


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    # The Qt-free packages that [tool.mypy] in pyproject.toml lists. The cache in the working
    # tree makes a run after the first take under a second; CI, with none, takes 12-20 s.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(ROOT / ".mypy_cache")],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
