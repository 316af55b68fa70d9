"""The composition root: the one place that reads configuration and wires the application.

It picks the data directory, the database, the card reader and the printer, and hands each
part only what it needs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from counter_app import __version__
from counter_app.commands import SUBCOMMANDS
from counter_app.commands import run as run_command
from counter_app.config import (
    DB_PASSWORD_ENV,
    ExitCode,
    Options,
    StartupError,
    data_dir_override,
    environment,
    make_private,
    parse_options,
    prepare_data_dir,
    private_subdir,
    require_display,
    restrict_new_files,
)
from counter_app.preferences import Preferences, PreferencesError

if TYPE_CHECKING:
    from counter_app.rules import Catalogue
    from counter_app.ui.config_page import ConfigPage

log = logging.getLogger("counter_app")

ORGANIZATION = "Madoguchi"
APPLICATION = "Madoguchi"
DB_FILE_NAME = "madoguchi.sqlite3"
DEMO_DIR_NAME = "demo"
LOCK_FILE_NAME = "counter-app.lock"
KEYRING_SERVICE = "Madoguchi"

# The single-instance locks this process holds; kept here so they live as long as it does.
_held_locks: list[object] = []


@dataclass(frozen=True)
class Runtime:
    """What start-up decided, after every check passed."""

    options: Options
    data_dir: Path
    db_url: str  # never with a password (see `with_password`)
    log_file: Path
    sessions: sessionmaker[Session]
    preferences: Preferences


def default_data_dir() -> Path:
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    # Static setters: they work before any QApplication exists.
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def resolve_db_url(options: Options, data_dir: Path, env: Mapping[str, str],
                   configured: str | None) -> str:
    """--db, then MADOGUCHI_DB_URL, then the PC's settings file, then SQLite in the data dir.

    Demo mode always has its own SQLite file so training never touches real records.
    """
    if options.demo:
        return sqlite_url(data_dir / DEMO_DIR_NAME / DB_FILE_NAME)
    return (options.db_url or env.get("MADOGUCHI_DB_URL") or configured
            or sqlite_url(data_dir / DB_FILE_NAME))


def with_password(url: str, env: Mapping[str, str], preferences: Preferences) -> str | URL:
    """The URL to connect with: a server URL without a password gets one from
    MADOGUCHI_DB_PASSWORD, then settings.ini (database/password), then the OS keyring
    (service "Madoguchi", user "<user>@<host>"), never from the command line."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url  # open_database reports it, without echoing it
    if parsed.get_backend_name() == "sqlite" or parsed.password or not parsed.username:
        return url
    sources = (
        (f"environment {DB_PASSWORD_ENV}", lambda: env.get(DB_PASSWORD_ENV)),
        ("settings.ini database/password", lambda: preferences.database_password),
        ("OS keyring", lambda: _keyring_password(f"{parsed.username}@{parsed.host or ''}")),
    )
    for source, lookup in sources:
        password = lookup()
        if password:
            log.info("database password from %s", source)
            return parsed.set(password=password)
    return url


def _keyring_password(account: str) -> str | None:
    try:
        import keyring
    except ImportError:
        return None  # optional: pip install madoguchi[keyring]
    try:
        return keyring.get_password(KEYRING_SERVICE, account)
    except Exception as exc:  # backends raise their own errors (D-Bus, Windows API)
        log.warning("OS keyring not available (%s)", type(exc).__name__)
        return None


def hold_instance_lock(own_dir: Path, demo: bool) -> None:
    """One app per data directory (demo/ is its own): a second start exits with code 6.

    The lock is the operating system's (flock, or msvcrt.locking on Windows), so it ends
    with the process however that ends; a lock file left by a killed app means nothing.
    """
    from filelock import FileLock, Timeout

    path = own_dir / LOCK_FILE_NAME
    lock = FileLock(path, timeout=0, mode=0o600, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise StartupError(
            f"another counter-app{' --demo' if demo else ''} is already running on data "
            f"directory {own_dir} (lock {path.name}); use its window",
            "研修モードはすでに起動しています" if demo else "窓口アプリはすでに起動しています",
            ExitCode.ALREADY_RUNNING,
        ) from None
    except (OSError, NotImplementedError) as exc:
        raise StartupError(
            f"cannot lock data directory {own_dir}: {getattr(exc, 'strerror', None) or exc}",
            "データの保存先フォルダを使えません", ExitCode.DATA_DIR) from None
    _held_locks.append(lock)


def database_label(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "SQLite（この端末）"
    return f"{parsed.get_backend_name()} {parsed.host or ''}/{parsed.database or ''}".strip()


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    restrict_new_files()  # before anything is written: database, logs, PDFs, settings
    env = environment()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return run_command(args)
        options = parse_options(args)
        return run_gui(options, env, started)
    except StartupError as exc:
        log.error("start-up failed: %s", exc)
        _say(exc.one_line())
        return exc.exit_code
    except BrokenPipeError:
        # The reader of our output went away (`| head`): nothing left to say to anyone.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        # Staff get one line, the log gets the traceback; a console dump helps nobody at a counter.
        log.exception("unexpected error")
        _say(f"counter-app: 予期しないエラーが発生しました ({type(exc).__name__}: {exc}; "
             "details in the log file)")
        return ExitCode.UNEXPECTED


def _say(line: str) -> None:
    """One line on stderr, even when nobody reads it any more (`2>&1 | head`)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (BrokenPipeError, ValueError):
        pass


def start(options: Options, env: Mapping[str, str]) -> Runtime:
    """Checks and opens everything the GUI needs, in an order that leaves nothing half-made."""
    require_display(env)
    restrict_new_files()  # (main() did already; start() may also be called on its own)
    data_dir = prepare_data_dir(data_dir_override(env) or default_data_dir())
    # Demo mode keeps its database, logs and PDFs in demo/ and locks that alone: training
    # can run beside the real counter app on one PC, never two of either.
    own_dir = private_subdir(data_dir, DEMO_DIR_NAME) if options.demo else data_dir
    try:
        hold_instance_lock(own_dir, options.demo)
    except StartupError as exc:
        if exc.exit_code == ExitCode.ALREADY_RUNNING:
            # One line in the running app's log, appended without rotating its file.
            with contextlib.suppress(StartupError):
                _log_to_file(own_dir, options.log_level, rotate=False)
        raise
    make_private(data_dir)  # files older versions left readable by everyone
    log_file = _log_to_file(own_dir, options.log_level)
    log.info("counter-app %s starting (demo=%s)", __version__, options.demo)
    preferences = Preferences(data_dir)
    db_url, sessions = open_configured_database(options, data_dir, env, preferences)
    if options.demo and not options.keep:
        from counter_app.demo import clear_demo_database

        # Every training starts from the roster's cards, with no case left from the last one.
        cleared = clear_demo_database(sessions.kw["bind"])
        log.info("demo database reset (%d cases removed; --keep keeps them)", cleared)
    return Runtime(options, data_dir, db_url, log_file, sessions, preferences)


def open_configured_database(options: Options, data_dir: Path, env: Mapping[str, str],
                             preferences: Preferences) -> tuple[str, sessionmaker[Session]]:
    """The database this PC uses, opened (and migrated) exactly as the application opens it:
    for the application and for the subcommands that need it (purge, stats, rules). Returns
    its URL without a password and the session factory."""
    from counter_app.store import describe_url

    db_url = resolve_db_url(options, data_dir, env, preferences.database_url)
    sessions = open_database_url(db_url, env, preferences, options.demo)
    log.info("using database %s", describe_url(db_url))
    return db_url, sessions


def open_database_url(db_url: str, env: Mapping[str, str], preferences: Preferences,
                      demo: bool = False) -> sessionmaker[Session]:
    """Open (and migrate) the database at `db_url` as the app does, its password from where
    the app takes it; a demo database only in demo mode and the reverse; every failure a
    StartupError with the app's exit codes (4 database, 2 settings)."""
    from counter_app.store import DatabaseError, open_database
    from counter_app.store.database import DEMO, PRODUCTION, NewerSchemaError, WrongModeError

    try:
        return open_database(with_password(db_url, env, preferences),
                             DEMO if demo else PRODUCTION)
    except WrongModeError as exc:
        raise StartupError(str(exc), "研修モードでは本番のデータベースを開けません" if demo
                           else "研修用（デモ）のデータベースは本番の窓口アプリでは開けません",
                           ExitCode.DATABASE) from None
    except NewerSchemaError as exc:
        raise StartupError(str(exc), "データベースがこのアプリより新しい版で更新されています",
                           ExitCode.DATABASE) from None
    except DatabaseError as exc:
        raise StartupError(str(exc), "データベースを開けません", ExitCode.DATABASE) from None
    except PreferencesError as exc:
        raise StartupError(str(exc), "設定ファイル（settings.ini）が正しくありません",
                           ExitCode.USAGE) from None


def _log_to_file(directory: Path, level: str, rotate: bool = True) -> Path:
    from counter_app.logs import setup_file_logging

    try:
        return setup_file_logging(directory, level, rotate=rotate)
    except OSError as exc:
        raise StartupError(
            f"cannot write the log file in {directory}: {exc.strerror or exc}",
            "ログファイルを書き込めません", ExitCode.DATA_DIR) from None


@dataclass
class Gui:
    """The running application's parts that outlive start-up."""

    app: object
    window: object  # CounterWindow
    saver: object  # CaseSaver
    watcher: object | None  # CardWatcher on a real reader; None in demo mode

    def shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()  # type: ignore[attr-defined]
        self.saver.shutdown()  # type: ignore[attr-defined]


def build_gui(runtime: Runtime) -> Gui:
    """Create the QApplication and the counter window from a started runtime."""
    from PySide6.QtWidgets import QApplication

    from card_reader.sources import PcscCardSource, VirtualCardSource
    from card_reader.transport import list_readers
    from counter_app.demo import clear_demo_database, load_roster
    from counter_app.reception.gate import PrintGate
    from counter_app.reception.packet import FormsMismatch, check_templates, form_facts
    from counter_app.store import CaseRepository
    from counter_app.store.journal import Journal
    from counter_app.ui.application import configure_application
    from counter_app.ui.assembly import CounterWindow, PrintSetup
    from counter_app.ui.card_reading import reader_status_text
    from counter_app.ui.card_watch import CardWatcher
    from counter_app.ui.collector import GuiThreadCollector
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.errors import install_error_handling
    from counter_app.ui.main_window import StatusSources
    from counter_app.ui.scenario_pages import TrainingSetup
    from counter_app.ui.views.lazy_page import LazyPage
    from forms.templates import load_templates
    from printing.printers import available_printers, choose_printer

    options, preferences = runtime.options, runtime.preferences
    app = QApplication.instance() or QApplication([sys.argv[0]])
    GuiThreadCollector(app)  # lives as the application's child
    install_error_handling()
    configure_application(app)

    from counter_app.store.catalogues import published_catalogue

    catalogue, templates = catalogue_in_force(runtime.sessions), load_templates()
    try:
        check_templates(catalogue, templates)
    except FormsMismatch as exc:
        raise StartupError(str(exc), "申請書の様式が手続ルールと合いません",
                           ExitCode.USAGE) from None
    repository = CaseRepository(runtime.sessions)
    own = runtime.data_dir / (DEMO_DIR_NAME if options.demo else "")
    journal = Journal(own / "journal" / "pending.jsonl")  # changes the database did not take
    saver = CaseSaver(repository, counter=preferences.counter_name, journal=journal)
    saver.start_retrying()
    controller = CounterController(catalogue, repository, saver,
                                   form_facts=form_facts(templates),
                                   gate=PrintGate(templates),
                                   catalogues=published_catalogue(runtime.sessions).current)
    watcher = None
    residents = training = None
    if options.demo:
        # Trainers place fictional cards on a simulated reader (the card panel, F9); no PC/SC.
        from counter_app.training.results import TrainingResults
        from counter_app.training.scenarios import load_scenarios

        card_source = VirtualCardSource()
        roster = load_roster()
        residents = [card for household in roster for card in household.cards]
        training = TrainingSetup(
            load_scenarios(), TrainingResults(runtime.sessions),
            functools.partial(clear_demo_database, runtime.sessions.kw["bind"]),
            {household.key: household.title for household in roster})
        readers = card_source.readers  # the status bar follows the trainer's reader faults
    else:
        card_source = PcscCardSource(preferences.reader_name)
        readers = list_readers
        watcher = CardWatcher()
    sources = StatusSources(
        demo=options.demo,
        database_label=database_label(runtime.db_url),
        list_readers=readers,
        # Read the preference here, on the GUI thread: QSettings is not shared across threads.
        find_printer=functools.partial(choose_printer, preferences.printer_name),
    )
    print_setup = PrintSetup(templates, available_printers, preferences.printer_name,
                             runtime.data_dir / ("demo/pdf" if options.demo else "pdf"))
    window = CounterWindow(sources, preferences, controller, card_source, residents,
                           print_setup, training,
                           config=LazyPage(lambda: _config_page(runtime, templates)))
    if repository.open_cases():
        window.show_page_key("open_cases")  # after a crash or restart: resume, not retype
    if watcher is not None:
        watcher.event.connect(window.reception.on_presence)

        def show_presence(event: object) -> None:
            text = reader_status_text(event)
            if text:
                window.show_reader_state(text)

        watcher.event.connect(show_presence)
        watcher.start()
    return Gui(app, window, saver, watcher)


def _config_page(runtime: Runtime, templates: Mapping[str, Any]) -> ConfigPage:
    """設定（監督者）: the catalogue store with the form templates' say, and the accounts."""
    from counter_app.reception.packet import FormsMismatch, check_templates, form_facts
    from counter_app.rules import RuleError
    from counter_app.store.accounts import AccountRepository
    from counter_app.store.catalogues import CatalogueStore
    from counter_app.ui.config_page import ConfigPage

    def check(catalogue: Catalogue) -> None:
        try:
            check_templates(catalogue, templates)
        except FormsMismatch as exc:
            raise RuleError("forms", str(exc), "申請書の様式と合いません") from None

    store = CatalogueStore(runtime.sessions, form_facts=form_facts(templates), check=check)
    return ConfigPage(store, AccountRepository(runtime.sessions),
                      counter=runtime.preferences.counter_name)


def catalogue_in_force(sessions: sessionmaker[Session]) -> Catalogue:
    """The catalogue that decides (DESIGN.md): the latest published version. A new database
    is seeded with the shipped one; a shipped one the database has not seen becomes a draft.
    (Counters should ask `PublishedCatalogue.current()` at each new case.)"""
    from counter_app.store.catalogues import CatalogueInvalid, published_catalogue

    published = published_catalogue(sessions)
    try:
        published.seed()
        return published.current()
    except CatalogueInvalid as exc:
        raise StartupError(f"the published catalogue cannot be used: {exc}",
                           "公開中の手続ルールを読み込めません", ExitCode.DATABASE) from None


def run_gui(options: Options, env: Mapping[str, str], started: float) -> int:
    from counter_app.ui.tasks import wait_for_tasks

    gui = build_gui(start(options, env))
    gui.window.ask_before_closing = not options.smoke_test  # type: ignore[attr-defined]
    if options.smoke_test:
        gui.window.show()  # type: ignore[attr-defined]
    else:
        gui.window.showMaximized()  # type: ignore[attr-defined]
    try:
        if options.smoke_test:
            return _smoke_test(gui.app, gui.window, started, options.screenshot)
        code = gui.app.exec()  # type: ignore[attr-defined]
    finally:
        gui.shutdown()
    wait_for_tasks()
    log.info("counter-app stopped (exit %s)", code)
    return code


def _smoke_test(app: object, window: object, started: float, screenshot: Path | None) -> int:
    """Report how long it took until the window was on screen, then quit."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from counter_app.ui.tasks import wait_for_tasks

    app.processEvents()  # type: ignore[attr-defined]
    shown_ms = (time.perf_counter() - started) * 1000
    print(f"window shown after {shown_ms:.0f} ms on page {window.current_page_key()}",  # type: ignore[attr-defined]
          flush=True)
    log.info("smoke test: window shown after %.0f ms", shown_ms)
    # Let the status probes land so a screenshot shows the real state, but never wait forever.
    loop = QEventLoop()
    window.probes_finished.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(5000, loop.quit)
    loop.exec()
    if screenshot is not None:
        # A screen grab reads the X server's framebuffer: let the last repaint reach it first.
        settle = QEventLoop()
        QTimer.singleShot(300, settle.quit)
        settle.exec()
        if QGuiApplication.platformName() == "offscreen":
            image = window.grab()  # type: ignore[attr-defined]  # no real screen to grab
        else:
            image = QGuiApplication.primaryScreen().grabWindow(0)
        image.save(str(screenshot))
    window.close()  # type: ignore[attr-defined]
    wait_for_tasks()
    return ExitCode.OK
