"""The composition root: the one place that reads configuration and wires the application.

It picks the data directory, the database, the card reader and the printer, and hands each
part only what it needs.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from counter_app import __version__
from counter_app.commands import SUBCOMMANDS
from counter_app.commands import run as run_command
from counter_app.config import (
    ExitCode,
    Options,
    StartupError,
    data_dir_override,
    environment,
    parse_options,
    prepare_data_dir,
    require_display,
)
from counter_app.preferences import Preferences

log = logging.getLogger("counter_app")

ORGANIZATION = "Madoguchi"
APPLICATION = "Madoguchi"
DB_FILE_NAME = "madoguchi.sqlite3"
DEMO_DIR_NAME = "demo"


@dataclass(frozen=True)
class Runtime:
    """What start-up decided, after every check passed."""

    options: Options
    data_dir: Path
    db_url: str
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
        demo_dir = data_dir / DEMO_DIR_NAME
        demo_dir.mkdir(exist_ok=True)
        return sqlite_url(demo_dir / DB_FILE_NAME)
    return (options.db_url or env.get("MADOGUCHI_DB_URL") or configured
            or sqlite_url(data_dir / DB_FILE_NAME))


def database_label(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "SQLite（この端末）"
    return f"{parsed.get_backend_name()} {parsed.host or ''}/{parsed.database or ''}".strip()


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    env = environment()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return run_command(args)
        options = parse_options(args)
        return run_gui(options, env, started)
    except StartupError as exc:
        log.error("start-up failed: %s", exc)
        print(exc.one_line(), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader of our output went away (`| head`): nothing left to say to anyone.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        # Staff get one line, the log gets the traceback; a console dump helps nobody at a counter.
        log.exception("unexpected error")
        print(f"counter-app: 予期しないエラーが発生しました ({type(exc).__name__}: {exc}; "
              "details in the log file)", file=sys.stderr)
        return ExitCode.UNEXPECTED


def start(options: Options, env: Mapping[str, str]) -> Runtime:
    """Checks and opens everything the GUI needs, in an order that leaves nothing half-made."""
    from counter_app.logs import setup_file_logging
    from counter_app.store import DatabaseError, describe_url, open_database

    require_display(env)
    data_dir = prepare_data_dir(data_dir_override(env) or default_data_dir())
    log_file = setup_file_logging(data_dir, options.log_level)
    log.info("counter-app %s starting (demo=%s)", __version__, options.demo)
    preferences = Preferences(data_dir)
    db_url = resolve_db_url(options, data_dir, env, preferences.database_url)
    try:
        sessions = open_database(db_url)
    except DatabaseError as exc:
        raise StartupError(str(exc), "データベースを開けません", ExitCode.DATABASE) from None
    log.info("using database %s", describe_url(db_url))
    return Runtime(options, data_dir, db_url, log_file, sessions, preferences)


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
    from counter_app.demo import load_demo_residents
    from counter_app.reception.gate import PrintGate
    from counter_app.reception.packet import FormsMismatch, check_templates, form_facts
    from counter_app.rules import default_catalogue
    from counter_app.store import CaseRepository
    from counter_app.ui.application import configure_application
    from counter_app.ui.assembly import CounterWindow, PrintSetup
    from counter_app.ui.card_reading import reader_status_text
    from counter_app.ui.card_watch import CardWatcher
    from counter_app.ui.collector import GuiThreadCollector
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.errors import install_error_handling
    from counter_app.ui.main_window import StatusSources
    from forms.templates import load_templates
    from printing.printers import available_printers, choose_printer

    options, preferences = runtime.options, runtime.preferences
    app = QApplication.instance() or QApplication([sys.argv[0]])
    GuiThreadCollector(app)  # lives as the application's child
    install_error_handling()
    configure_application(app)

    catalogue, templates = default_catalogue(), load_templates()
    try:
        check_templates(catalogue, templates)
    except FormsMismatch as exc:
        raise StartupError(str(exc), "申請書の様式が手続ルールと合いません",
                           ExitCode.USAGE) from None
    repository = CaseRepository(runtime.sessions)
    saver = CaseSaver(repository)
    controller = CounterController(catalogue, repository, saver,
                                   form_facts=form_facts(templates),
                                   gate=PrintGate(catalogue, templates))
    watcher = None
    residents = None
    if options.demo:
        # Trainers place fictional cards on a simulated reader; no PC/SC involved.
        card_source = VirtualCardSource()
        residents = load_demo_residents()

        def readers() -> list[str]:
            return [card_source.label]
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
                           print_setup)
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


def run_gui(options: Options, env: Mapping[str, str], started: float) -> int:
    from counter_app.ui.tasks import wait_for_tasks

    gui = build_gui(start(options, env))
    gui.window.show()  # type: ignore[attr-defined]
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
