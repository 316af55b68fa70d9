"""Start-up configuration from command-line flags and the environment.

Only the composition root (`counter_app.app`) reads this; everything else is handed what it needs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from counter_app import __version__

DATA_DIR_ENV = "MADOGUCHI_DATA_DIR"
DB_URL_ENV = "MADOGUCHI_DB_URL"
DB_PASSWORD_ENV = "MADOGUCHI_DB_PASSWORD"

# Personal data lives in the data directory: readable by the PC's counter account only.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# What the app keeps in a data directory (and in its demo/ subdirectory). Only these are
# tightened, so a data directory pointed at a shared folder never has foreign files changed.
OWN_FILES = ("madoguchi.sqlite3", "madoguchi.sqlite3-wal", "madoguchi.sqlite3-shm",
             "madoguchi.sqlite3-journal", "settings.ini", "counter-app.lock")
OWN_DIRS = ("logs", "pdf", "demo", "journal")


class StartupError(Exception):
    """A problem that stops the application from starting.

    `message_ja` is for staff; `args[0]` is the English log line. `exit_code` is the process's.
    """

    def __init__(self, message: str, message_ja: str, exit_code: int) -> None:
        super().__init__(message)
        self.message_ja = message_ja
        self.exit_code = exit_code

    def one_line(self) -> str:
        # Driver messages (libpq's, for one) span lines; the console gets exactly one.
        detail = " ".join(str(self.args[0]).split())
        return f"counter-app: {self.message_ja} ({detail})"


class ExitCode:
    """Exit codes of counter-app and its subcommands (DESIGN.md, "Decisions")."""

    OK = 0
    DIFFERENCES = 1  # `rules test`: some test household differs (each one listed)
    USAGE = 2  # bad command line or bad input file: one line per problem
    DATA_DIR = 3
    DATABASE = 4
    NO_DISPLAY = 5
    ALREADY_RUNNING = 6  # another instance holds this data directory
    UNEXPECTED = 70  # a bug: the traceback is in the log (sysexits EX_SOFTWARE)


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    demo: bool = False
    keep: bool = False  # --demo --keep: the training database of the last run, not a fresh one
    db_url: str | None = None
    log_level: str = "INFO"
    smoke_test: bool = False
    screenshot: Path | None = None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse would print the whole usage block; staff get one line instead.
        raise StartupError(
            f"{message}; see counter-app --help",
            "コマンドの指定が正しくありません",
            ExitCode.USAGE,
        )


def parse_options(argv: Sequence[str]) -> Options:
    parser = _Parser(
        prog="counter-app",
        description="Madoguchi: write-free one-stop reception counter (書かないワンストップ窓口).",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="training mode: own database, simulated card reader, watermarked prints",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="with --demo: keep the training database of the last run (default: reset it)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"SQLAlchemy database URL (default: SQLite in the data directory; env {DB_URL_ENV})",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log file verbosity (default INFO)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start, show the main window, print the start-up time and exit (installation check)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        type=Path,
        help="with --smoke-test: save a screenshot of the screen once the window is shown",
    )
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    ns = parser.parse_args(list(argv))
    if ns.demo and ns.db:
        parser.error("--demo always uses its own database; do not combine it with --db")
    if ns.keep and not ns.demo:
        parser.error("--keep only applies to --demo (the real database is never reset)")
    if ns.db and _has_password(ns.db):
        # Every local user can read a command line (/proc/<pid>/cmdline, the task manager).
        raise StartupError(
            "--db must not contain a password, every user of this PC can read a command line:"
            f" put it in settings.ini (database/password), the OS keyring or {DB_PASSWORD_ENV}",
            "データベースのパスワードはコマンドラインに書けません",
            ExitCode.USAGE,
        )
    if ns.screenshot and not ns.smoke_test:
        parser.error("--screenshot only works together with --smoke-test")
    return Options(
        demo=ns.demo,
        keep=ns.keep,
        db_url=ns.db,
        log_level=ns.log_level,
        smoke_test=ns.smoke_test,
        screenshot=ns.screenshot,
    )


def _has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return ":" in url.partition("@")[0].rpartition("/")[2]  # unparseable: user:secret@
    return bool(parsed.password) or "password" in parsed.query


def data_dir_override(env: Mapping[str, str]) -> Path | None:
    value = env.get(DATA_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def prepare_data_dir(path: Path) -> Path:
    """Create the data directory if needed, make it private and prove that it is writable."""
    path = path.expanduser().absolute()
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        make_private(path)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise _not_writable(path, exc) from None
    return path


def _not_writable(path: Path, exc: OSError) -> StartupError:
    return StartupError(
        f"data directory {path} is not writable: {exc.strerror or exc}",
        "データの保存先フォルダに書き込めません",
        ExitCode.DATA_DIR,
    )


def restrict_new_files() -> None:
    """From here on, files and directories this process creates are its user's only.

    POSIX only: on Windows the data directory is in the user's AppData, private by its ACL.
    """
    if os.name == "posix":
        os.umask(0o077)


def make_private(data_dir: Path) -> None:
    """Owner-only modes for the data directory and what the app keeps in it (POSIX).

    New files are private through `restrict_new_files`; this catches those that older versions
    created 0644 in a 0755 directory.
    """
    if os.name != "posix":
        return
    _chmod(data_dir, PRIVATE_DIR_MODE)
    for name in OWN_FILES:
        _chmod(data_dir / name, PRIVATE_FILE_MODE)
    for name in OWN_DIRS:
        top = data_dir / name
        if not top.is_dir() or top.is_symlink():
            continue
        if name == "demo":
            make_private(top)
            continue
        _chmod(top, PRIVATE_DIR_MODE)
        for root, dirs, files in os.walk(top):
            for entry in dirs:
                _chmod(Path(root, entry), PRIVATE_DIR_MODE)
            for entry in files:
                _chmod(Path(root, entry), PRIVATE_FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    # Never through a symlink: it could point anywhere.
    try:
        if not path.is_symlink() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except FileNotFoundError:
        pass


def private_subdir(data_dir: Path, name: str) -> Path:
    """A private subdirectory of the data directory (e.g. demo/), created if needed."""
    path = data_dir / name
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    except OSError as exc:
        raise _not_writable(path, exc) from None
    return path


def require_display(env: Mapping[str, str]) -> None:
    """Fail with one line instead of letting Qt abort the process when there is no screen."""
    if not sys.platform.startswith("linux"):
        return
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return
    raise StartupError(
        "no display: start it from a desktop session, or under xvfb-run for a check",
        "画面（ディスプレイ）が見つかりません",
        ExitCode.NO_DISPLAY,
    )


def environment() -> Mapping[str, str]:
    return os.environ
