"""Shared test set-up: offscreen Qt, a private data directory, real services started per run."""

import atexit
import datetime as dt
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pcsc_sandbox import PcscSandbox
from processes import start_xvfb, stop_process

# Before anything imports Qt: with no display and no platform set, Qt aborts the whole process.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Before any PC/SC call: the client library fixes its socket path at first use. The session's
# private pcscd (fixture `pcsc`) listens there; until it runs, PC/SC is "not running".
PCSC_BASE = Path(tempfile.mkdtemp(prefix="madoguchi-pcsc-"))
os.environ["PCSCLITE_CSOCK_NAME"] = str(PCSC_BASE / "run" / "pcscd.comm")
atexit.register(shutil.rmtree, PCSC_BASE, True)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(autouse=True)
def collect_garbage_on_the_main_thread():
    """As the app does (counter_app.ui.collector): Python's collector must never free Qt
    objects on a worker thread, so it runs here, between tests, on the main thread. The young
    generation after every test, the whole heap every 50 tests: a full collection after each
    test cost half the suite's time."""
    gc.disable()
    yield
    _TESTS_RUN[0] += 1
    gc.collect(2 if _TESTS_RUN[0] % 50 == 0 else 0)


_TESTS_RUN = [0]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh MADOGUCHI_DATA_DIR, so no test touches a real counter's data."""
    path = tmp_path / "data"
    monkeypatch.setenv("MADOGUCHI_DATA_DIR", str(path))
    monkeypatch.delenv("MADOGUCHI_DB_URL", raising=False)
    return path


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """Tests marked `backends(...)` run once per database backend named (see `db_url`);
    `xfail={backend: reason}` records a known difference until it is fixed."""
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is None or "db_backend" not in metafunc.fixturenames:
        return
    unknown = set(marker.args) - set(BACKENDS)
    if unknown:
        raise pytest.UsageError(f"unknown database backends {sorted(unknown)}")
    known_failures = marker.kwargs.get("xfail", {})

    def marks(name):
        # PostgreSQL runs cost a server start (seconds) and a database per test: slow.
        found = [pytest.mark.slow] if name == "postgresql" else []
        if name in known_failures:
            found.append(pytest.mark.xfail(reason=known_failures[name], strict=True))
        return found

    metafunc.parametrize("db_backend", [pytest.param(name, marks=marks(name))
                                        for name in marker.args])


@pytest.fixture
def db_backend():
    """SQLite unless the test is marked `backends(...)`, which parametrizes this."""
    return "sqlite"


@pytest.fixture
def db_url(request, db_backend, tmp_path):
    """The URL of a new, empty database: a SQLite file, or a database in the session's
    private PostgreSQL server."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    pg = request.getfixturevalue("pg")
    return pg.url(pg.create_database())


@pytest.fixture
def sessions(db_url):
    from counter_app.store import open_database

    factory = open_database(db_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture(scope="session")
def pg():
    """A private PostgreSQL server for this test session; stopped by PID at the end."""
    from pg_sandbox import PgSandbox

    if sys.platform != "linux":
        pytest.skip("the private PostgreSQL sandbox is written for Linux")
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="madoguchi-pg-"))
    try:
        sandbox = PgSandbox(base)
    except (FileNotFoundError, RuntimeError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(str(exc))  # setup.sh installs postgresql: missing is a broken machine
    yield sandbox
    sandbox.stop()


def run_counter_app(*args, env=None, timeout=60):
    """Run the real console entry point in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )


@pytest.fixture(scope="session")
def xvfb_display():
    """A real X server for tests that need real windows and screenshots; stopped by PID."""
    try:
        proc, display = start_xvfb()
    except (FileNotFoundError, RuntimeError) as exc:
        pytest.fail(str(exc))
    yield display
    stop_process(proc)


@pytest.fixture
def screenshot_dir():
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path




@pytest.fixture(scope="session")
def pcsc():
    """A private pcscd with two vpcd readers for this test session; stopped by PID at the end."""
    if sys.platform != "linux":
        pytest.skip("the private pcscd sandbox needs Linux namespaces")
    missing = [t for t in ("pcscd", "unshare", "nsenter") if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/setup.sh")
    sandbox = PcscSandbox(PCSC_BASE)
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="session")
def cups():
    """A private CUPS scheduler for this session (CUPS_SERVER points the clients at it)."""
    from cups_sandbox import CupsSandbox

    if sys.platform != "linux" or not shutil.which("cupsd"):
        pytest.skip("the private CUPS sandbox needs Linux and cupsd")
    # Not under pytest's tmp_path: that is private to root (0700), and CUPS filters and
    # backends run as the lp user.
    base = Path(tempfile.mkdtemp(prefix="madoguchi-cups-"))
    sandbox = CupsSandbox(base)
    previous = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = str(sandbox.socket)
    yield sandbox
    if previous is None:
        os.environ.pop("CUPS_SERVER", None)
    else:
        os.environ["CUPS_SERVER"] = previous
    sandbox.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def make_window(qapp, qtbot, tmp_path):
    """Build the counter window as the app does, over a given store, shown and active."""
    from PySide6.QtWidgets import QApplication

    from card_reader.sources import VirtualCardSource
    from counter_app.preferences import Preferences
    from counter_app.reception.gate import PrintGate
    from counter_app.reception.packet import form_facts
    from counter_app.rules import default_catalogue
    from counter_app.store import CaseRepository
    from counter_app.ui.application import configure_application
    from counter_app.ui.assembly import CounterWindow
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.main_window import StatusSources
    from forms.templates import load_templates

    savers = []

    def build(sessions, demo=True, residents=None, print_setup=None, training=None,
              today=None):
        configure_application(qapp)
        repository = CaseRepository(sessions)
        saver = CaseSaver(repository)
        savers.append(saver)
        catalogue, templates = default_catalogue(), load_templates()
        controller = CounterController(catalogue, repository, saver,
                                       today=today or dt.date.today,
                                       form_facts=form_facts(templates),
                                       gate=PrintGate(templates))
        sources = StatusSources(demo, "SQLite", lambda: [], lambda: None)
        window = CounterWindow(sources, Preferences(tmp_path), controller, VirtualCardSource(),
                               residents, print_setup, training)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    yield build
    for saver in savers:
        saver.shutdown()
