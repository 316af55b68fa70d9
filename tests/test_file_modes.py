"""Personal data is readable by the counter's own account only (POSIX modes).

The database, its WAL files, the logs, settings.ini and saved PDFs are 0600 in 0700
directories, whether the app creates them or an older version left them 0644 in 0755.
"""

import datetime as dt
import json
import os
import stat
import subprocess
import sys

import pytest
from conftest import ROOT, run_counter_app
from test_startup import _env

from counter_app.store.database import create_db_engine, upgrade
from counter_app.ui.printing_page import saved_name

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: AppData ACL)")


def _modes(top):
    """Every directory and file under `top` (and `top` itself) with its permission bits."""
    found = {".": stat.S_IMODE(top.stat().st_mode)}
    for path in top.rglob("*"):
        found[str(path.relative_to(top))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def _not_private(modes, top):
    return {name: oct(mode) for name, mode in modes.items()
            if mode != (0o700 if (top / name).is_dir() else 0o600)}


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
def test_everything_the_app_writes_is_private(tmp_path):
    data = tmp_path / "data"
    env = _env(data, CUPS_SERVER=str(tmp_path / "no-cups.sock"))
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "privacy_driver.py")],
                            capture_output=True, text=True, timeout=180, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    case_id = json.loads(result.stdout)["case_id"]
    modes = _modes(data)
    # All of it is there: the database, the log, the preferences, the PDF.
    assert {"madoguchi.sqlite3", "logs/counter-app.log", "settings.ini",
            f"pdf/{saved_name(case_id, dt.date.today())}"} <= set(modes)
    assert _not_private(modes, data) == {}


def test_files_an_older_version_left_readable_are_made_private(tmp_path):
    data = tmp_path / "data"
    previous = os.umask(0o022)  # as the old app wrote them
    try:
        for directory in ("logs", "pdf", "demo/pdf", "demo/logs"):
            (data / directory).mkdir(parents=True)
        engine = create_db_engine(f"sqlite:///{data / 'madoguchi.sqlite3'}")
        upgrade(engine)
        engine.dispose()
        for name in ("settings.ini", "logs/counter-app.log", "logs/counter-app.log.1",
                     "pdf/packet-old.pdf", "demo/pdf/packet-demo.pdf",
                     "demo/logs/counter-app.log", "notes-by-someone-else.txt"):
            (data / name).write_text("x")
    finally:
        os.umask(previous)
    assert _modes(data)["."] == 0o755 and _modes(data)["settings.ini"] == 0o644

    result = run_counter_app("--smoke-test", env=_env(data))
    assert result.returncode == 0, result.stderr
    modes = _modes(data)
    assert _not_private(modes, data) == {"notes-by-someone-else.txt": "0o644"}, (
        "every file of the app is private; a file that is not the app's is left alone")
