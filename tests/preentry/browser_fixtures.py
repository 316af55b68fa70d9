"""Fixtures of the browser tests: the pre-entry page as a city publishes it (`counter-app
preentry export`), served over HTTP on 127.0.0.1 and opened in a private headless Chromium.

Not a conftest.py: tests/conftest.py is imported by name (`from conftest import …`), which a
second conftest would shadow. The browser test modules load it with `pytest_plugins`."""

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "preentry"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "counter_app", "preentry", "export",
                             "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def page_url(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    from chromium import CHROMIUM, Chromium

    if not os.path.exists(CHROMIUM) or not shutil.which("zbarimg"):
        pytest.fail("chromium or zbarimg is missing: run scripts/setup.sh")
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
