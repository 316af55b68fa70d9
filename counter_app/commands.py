"""Command-line subcommands of counter-app that need no window: determine, render, rules,
preentry, and for the database the application uses: purge, stats.

Each prints its result on stdout. Any failure is one line on stderr and an exit code of
`config.ExitCode`: 2 for bad input or usage, 70 for a bug (its traceback goes to the log file,
which subcommands write in the data directory as the application does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import stat
import sys
import traceback
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app import __version__
from counter_app.config import ExitCode, StartupError
from counter_app.domain import Case, CaseFormatError
from counter_app.domain.dates import DateKind, DateRangeError, check_date
from counter_app.rules import Catalogue, Determination, RuleError, determine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from forms.templates import Template

SUBCOMMANDS = ("determine", "render", "rules", "preentry", "purge", "stats")
MAX_INPUT_BYTES = 20 * 1024 * 1024  # a case file is a few KB, a catalogue under 100 KB

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise StartupError(f"{message}; see counter-app {self.prog.split()[-1]} --help",
                           "コマンドの指定が正しくありません", ExitCode.USAGE)


def printable(text: str) -> str:
    """`text` with control, format and separator characters escaped as Python writes them
    (`\\x00`, `\\u202e`): a terminal shows what is there instead of obeying it."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in _ESCAPED else c for c in text)


_ESCAPED = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _bad_input(what: str, path: Path, problem: str, message_ja: str) -> StartupError:
    return StartupError(f"{what} {path} {problem}", message_ja, ExitCode.USAGE)


def _read_bytes(path: Path, what: str) -> bytes:
    """The file's bytes, refusing without blocking anything that is not a regular file (a FIFO
    would wait for ever, /dev/zero would fill the memory) or that is larger than the cap."""
    too_big = _bad_input(what, path, f"is larger than {MAX_INPUT_BYTES // 2**20} MB",
                         f"ファイルが大きすぎます（{MAX_INPUT_BYTES // 2**20}MBまで）")
    not_a_file = _bad_input(what, path, "is not a regular file", "通常のファイルを指定してください")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise not_a_file
        # Non-blocking: should the path have become a FIFO since the stat, opening it must
        # not wait for a writer. The descriptor's own stat is the one that counts.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags), "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise not_a_file
            if info.st_size > MAX_INPUT_BYTES:
                raise too_big
            data = file.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise StartupError(f"cannot read {what} {path}: {exc.strerror or exc}",
                           "ファイルを読めません", ExitCode.USAGE) from None
    if len(data) > MAX_INPUT_BYTES:  # it grew while being read
        raise too_big
    return data


def read_json_file(path: Path, what: str) -> object:
    """A JSON input file of any subcommand; every problem is a StartupError with exit 2.
    `what` names it in the message ("case file", "catalogue")."""
    data = _read_bytes(path, what)
    wrong = "ファイルの形式が正しくありません"
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad_input(what, path, "is not UTF-8 text", wrong) from None
    except RecursionError:
        raise _bad_input(what, path, "is nested too deeply to be a case or catalogue",
                         wrong) from None
    except json.JSONDecodeError as exc:
        raise _bad_input(what, path, f"is not JSON: {exc}", wrong) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise _bad_input(what, path, "holds a number of more than 4,300 digits", wrong) from None


def load_form_templates() -> dict[str, Template]:
    from forms.templates import TemplateError, load_templates

    try:
        return load_templates()
    except TemplateError as exc:
        raise StartupError(str(exc), "申請書の様式に誤りがあります", ExitCode.USAGE) from None


def _catalogue(path: Path | None, templates: Mapping[str, Template] | None = None
               ) -> Catalogue:
    """The catalogue that decides (DESIGN.md), or the file's."""
    if path is None:
        from counter_app.catalogue_cli import decisive_catalogue

        return decisive_catalogue()
    return file_catalogue(path, templates)


def file_catalogue(path: Path, templates: Mapping[str, Template] | None = None) -> Catalogue:
    """A catalogue file checked against the form templates: every form it prints has one, and
    a question only a printed form reads counts as needed."""
    from counter_app.reception.packet import FormsMismatch, check_templates, form_facts

    data = read_json_file(path, "catalogue")
    templates = load_form_templates() if templates is None else templates
    try:
        catalogue = Catalogue.from_dict(data, form_facts(templates))
        check_templates(catalogue, templates)
    except (RuleError, FormsMismatch) as exc:
        raise StartupError(f"catalogue {path}: {exc}", "手続ルールに誤りがあります",
                           ExitCode.USAGE) from None
    return catalogue


def _date_option(kind: DateKind) -> Callable[[str], dt.date]:
    def parse(text: str) -> dt.date:
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None
        try:
            # As recorded dates: re-determining or re-printing a case from years ago is what
            # these options are for, so only the first era and the year ahead bound them.
            return check_date(value, kind, dt.date.today(), recorded=True)
        except DateRangeError as exc:
            raise argparse.ArgumentTypeError(exc.english) from None
    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="counter-app")
    commands = parser.add_subparsers(dest="command", required=True)
    det = commands.add_parser("determine", help="print the determination of a case file as JSON")
    det.add_argument("case", type=Path, help="case file (JSON, see DESIGN.md)")
    det.add_argument("--catalogue", type=Path, help="procedure catalogue (default: built in)")
    det.add_argument("--filed-on", type=_date_option(DateKind.FILING),
                     help="filing day for deadlines (default: move date)")
    render = commands.add_parser("render", help="write the packet PDF of a case file")
    render.add_argument("case", type=Path, help="case file (JSON, see DESIGN.md)")
    render.add_argument("--out", type=Path, required=True, help="directory for the PDF")
    render.add_argument("--demo", action="store_true", help="watermark every page 見本")
    render.add_argument("--catalogue", type=Path, help="procedure catalogue (default: built in)")
    render.add_argument("--printed-on", type=_date_option(DateKind.PRINTING),
                        help="issue date (default: today)")
    _add_rules(commands)
    _add_preentry(commands)
    purge = commands.add_parser(
        "purge", help="remove the personal data of cases that ended more than the retention "
        "period ago, and saved packets as old (for a scheduled task)")
    purge.add_argument("--days", type=_days, help="retention period in days, 0 to 3650 "
                       "(default: the catalogue's city setting retention_days)")
    purge.add_argument("--db", metavar="URL", help="database URL, as for counter-app --db")
    stats = commands.add_parser("stats", help="statistics of the cases that ended in a period")
    stats.add_argument("--from", dest="since", required=True, type=_iso_date,
                       help="first day (ISO, e.g. 2026-04-01)")
    stats.add_argument("--to", dest="until", required=True, type=_iso_date,
                       help="last day (ISO), inclusive")
    stats.add_argument("--csv", type=Path, help="also write the figures to this CSV file")
    stats.add_argument("--db", metavar="URL", help="database URL, as for counter-app --db")
    return parser


def _days(text: str) -> int:
    from counter_app.store.purge import MAX_RETENTION_DAYS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 0 <= value <= MAX_RETENTION_DAYS:
        raise argparse.ArgumentTypeError(f"days must be 0 to {MAX_RETENTION_DAYS}")
    return value


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None


def _add_rules(commands: argparse._SubParsersAction) -> None:
    from counter_app.catalogue_cli import add_parser

    add_parser(commands)


def _add_preentry(commands: argparse._SubParsersAction) -> None:
    from counter_app.preentry.cli import add_parser

    add_parser(commands)


def run(argv: Sequence[str]) -> int:
    """Run one subcommand. Every failure leaves as a StartupError: one line, escaped."""
    argv = list(argv)
    data_dir, log_note = _open_log()
    name = " ".join(argv[:2]) if argv[:1] == ["rules"] else " ".join(argv[:1])
    log.info("counter-app %s: %s", __version__, printable(name))
    try:
        return _run(argv, data_dir)
    except StartupError as exc:
        raise StartupError(printable(str(exc.args[0])), exc.message_ja, exc.exit_code) from None
    except BrokenPipeError:
        raise
    except Exception as exc:
        # Frames only: an exception's message may quote a name or a birth date.
        frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        log.error("unexpected %s in %s (message left out); traceback:\n%s",
                  type(exc).__name__, printable(name), frames)
        raise StartupError(f"{type(exc).__name__} in {printable(name)}; {log_note}",
                           "予期しないエラーが発生しました", ExitCode.UNEXPECTED) from None


def _open_log() -> tuple[Path | None, str]:
    """Log to the data directory's file, as the application does; say where, or why not.
    Returns the data directory too (None if it cannot be used).

    Appended, never rotated: a subcommand (a scheduled purge) may run beside the application,
    which owns the file's rotation (Windows refuses to rename a file another process has open).
    """
    from counter_app.app import default_data_dir
    from counter_app.config import data_dir_override, environment, prepare_data_dir
    from counter_app.logs import setup_file_logging

    try:
        data_dir = prepare_data_dir(data_dir_override(environment()) or default_data_dir())
    except StartupError as exc:
        return None, f"no log was written: {exc}"
    try:
        path = setup_file_logging(data_dir, rotate=False)
    except OSError as exc:
        return data_dir, f"no log was written: cannot open the log file: {exc.strerror or exc}"
    return data_dir, f"the traceback is in {path}"


def _run(argv: Sequence[str], data_dir: Path | None) -> int:
    args = _parser().parse_args(list(argv))
    if args.command == "purge":
        return _purge(args, data_dir)
    if args.command == "stats":
        return _stats(args, data_dir)
    if args.command == "preentry":
        from counter_app.preentry.cli import run as run_preentry

        return run_preentry(args)
    if args.command == "rules":
        from counter_app.catalogue_cli import run as run_rules

        return run_rules(args)
    if args.command in ("determine", "render"):
        templates = load_form_templates() if args.command == "render" or args.catalogue \
            else None
        catalogue = _catalogue(args.catalogue, templates)
        filed_on = args.filed_on if args.command == "determine" else None
        try:
            case = Case.from_dict(read_json_file(args.case, "case file"))
            result = determine(case, catalogue, filed_on or case.filed_on)
        except CaseFormatError as exc:
            raise StartupError(f"case file {args.case}: {exc}", "受付データに誤りがあります",
                               ExitCode.USAGE) from None
        log.info("case %s: %d procedures, %d questions open", printable(case.id),
                 len(result.procedures), len(result.unanswered))
        if args.command == "render":
            return _render(case, result, catalogue, templates, args)  # type: ignore[arg-type]
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    raise AssertionError(f"unknown command {args.command}")  # argparse refused it already


def _render(case: Case, result: Determination, catalogue: Catalogue,
            templates: dict[str, Template], args: argparse.Namespace) -> int:
    """The packet PDF and its data file (DESIGN.md, "What render writes"); refused with every
    print-gate problem on stderr while any remains."""
    from counter_app.reception.gate import PrintGate
    from counter_app.reception.packet import (
        FormsMismatch,
        assemble,
        check_templates,
        packet_data,
    )
    from counter_app.reception.problems import case_problems
    from counter_app.reception.session import ReceptionSession
    from printing.render import render_packet

    try:
        check_templates(catalogue, templates)
    except FormsMismatch as exc:
        raise StartupError(str(exc), "申請書の様式に誤りがあります", ExitCode.USAGE) from None
    printed_on = args.printed_on or dt.date.today()
    gate = PrintGate(templates, lambda: printed_on)
    session = ReceptionSession(case, catalogue, lambda _case: None, printed_on,
                               {f: t.facts() for f, t in templates.items()}, gate)
    problems = case_problems(case, len(session.prompts())) + gate(case, result, catalogue)
    if problems:
        for problem in problems:
            print(f"counter-app: {printable(problem.message_ja)} ({printable(problem.path)})",
                  file=sys.stderr)
        log.info("case %s: not rendered, %d print-gate problems", printable(case.id),
                 len(problems))
        return ExitCode.USAGE
    built = assemble(case, result, catalogue, templates, args.demo, printed_on)
    rendered = render_packet(built.packet)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"packet-{case.id}.pdf"
        path.write_bytes(rendered.pdf)
        data = packet_data(built.packet, rendered.pages)
        (args.out / f"packet-{case.id}.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n",
            encoding="utf-8")
    except OSError as exc:
        raise StartupError(f"cannot write to {args.out}: {exc.strerror or exc}",
                           "PDFを保存できません", ExitCode.DATA_DIR) from None
    print(f"{printable(str(path))} ({len(rendered.pages)} pages)")
    return ExitCode.OK


def _open_store(args: argparse.Namespace, data_dir: Path | None
                ) -> tuple[Path, sessionmaker[Session]]:
    """The data directory and the database the application on this PC uses (`--db`,
    MADOGUCHI_DB_URL, settings.ini, else SQLite in the data directory), opened as it does."""
    from counter_app.app import default_data_dir, open_configured_database
    from counter_app.config import data_dir_override, environment, parse_options, prepare_data_dir
    from counter_app.preferences import Preferences

    env = environment()
    if data_dir is None:  # the log could not be opened there: say why, with the app's code
        data_dir = prepare_data_dir(data_dir_override(env) or default_data_dir())
    # The application's own checks of --db (a password on the command line is refused).
    options = parse_options(["--db", args.db] if args.db else [])
    _url, sessions = open_configured_database(options, data_dir, env, Preferences(data_dir))
    return data_dir, sessions


def _unreachable(exc: Exception) -> StartupError:
    from counter_app.store.failures import is_unreachable

    if not is_unreachable(exc):
        raise exc
    detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return StartupError(f"the database stopped answering: {detail}",
                        "データベースに接続できません", ExitCode.DATABASE)


def _purge(args: argparse.Namespace, data_dir: Path | None) -> int:
    """Personal data of cases that ended before the retention period, and saved packets as
    old, in `pdf/` and `demo/pdf/`. Safe beside running counters (store.purge)."""
    from sqlalchemy.exc import SQLAlchemyError

    from counter_app.app import DEMO_DIR_NAME
    from counter_app.store.purge import purge, retention_days

    data_dir, sessions = _open_store(args, data_dir)
    try:
        days = args.days if args.days is not None else retention_days(
            _city_catalogue(sessions).city.settings)
        result = purge(sessions, days, packet_dirs=(data_dir / "pdf",
                                                    data_dir / DEMO_DIR_NAME / "pdf"))
    except SQLAlchemyError as exc:
        raise _unreachable(exc) from None
    finally:
        sessions.kw["bind"].dispose()
    print(f"purged: {result.cases} cases, {result.files} saved packets "
          f"(ended more than {days} days ago)")
    return ExitCode.OK


def _stats(args: argparse.Namespace, data_dir: Path | None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from counter_app.store.statistics import summary

    if args.since > args.until:
        raise StartupError(f"--from {args.since} is after --to {args.until}",
                           "期間の指定が正しくありません", ExitCode.USAGE)
    _data_dir, sessions = _open_store(args, data_dir)
    try:
        catalogue = _city_catalogue(sessions)
        section_of = {p.id: p.section for p in catalogue.procedures}.get
        result = summary(sessions, args.since, args.until, section_of)
    except SQLAlchemyError as exc:
        raise _unreachable(exc) from None
    finally:
        sessions.kw["bind"].dispose()
    sections = [s.name_ja for s in catalogue.city.sections]
    sys.stdout.write(result.to_text(args.since, args.until, sections))
    if args.csv is not None:
        try:
            # With a BOM: Excel on a Japanese Windows otherwise reads UTF-8 as Shift_JIS.
            args.csv.write_text(result.to_csv(sections), encoding="utf-8-sig")
        except OSError as exc:
            raise StartupError(f"cannot write {args.csv}: {exc.strerror or exc}",
                               "CSVファイルを書き込めません", ExitCode.DATA_DIR) from None
        print(printable(f"CSV: {args.csv}"))
    return ExitCode.OK


def _city_catalogue(sessions: sessionmaker[Session]) -> Catalogue:
    """The catalogue counters use (the published version), for the city's settings and
    sections."""
    from counter_app.app import catalogue_in_force

    return catalogue_in_force(sessions)
