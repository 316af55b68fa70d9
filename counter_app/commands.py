"""Command-line subcommands of counter-app that need no window: determine, rules.

Each prints its result on stdout; any failure is one line on stderr and exit code 2 (bad input)
or 1 (unexpected).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from counter_app.config import ExitCode, StartupError
from counter_app.domain import Case, CaseFormatError
from counter_app.rules import Catalogue, Determination, RuleError, default_catalogue, determine

SUBCOMMANDS = ("determine", "render", "rules", "preentry")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise StartupError(f"{message}; see counter-app {self.prog.split()[-1]} --help",
                           "コマンドの指定が正しくありません", ExitCode.USAGE)


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StartupError(f"cannot read {what} {path}: {exc.strerror or exc}",
                           "ファイルを読めません", ExitCode.USAGE) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StartupError(f"{what} {path} is not JSON: {exc}", "ファイルの形式が正しくありません",
                           ExitCode.USAGE) from None


def _catalogue(path: Path | None) -> Catalogue:
    if path is None:
        return default_catalogue()
    try:
        return Catalogue.from_dict(_read_json(path, "catalogue"))  # type: ignore[arg-type]
    except RuleError as exc:
        raise StartupError(f"catalogue {path}: {exc}", "手続ルールに誤りがあります",
                           ExitCode.USAGE) from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None


def run(argv: Sequence[str]) -> int:
    parser = _Parser(prog="counter-app")
    commands = parser.add_subparsers(dest="command", required=True)
    det = commands.add_parser("determine", help="print the determination of a case file as JSON")
    det.add_argument("case", type=Path, help="case file (JSON, see DESIGN.md)")
    det.add_argument("--catalogue", type=Path, help="procedure catalogue (default: built in)")
    det.add_argument("--filed-on", type=_date, help="filing day for deadlines (default: move date)")
    render = commands.add_parser("render", help="write the packet PDF of a case file")
    render.add_argument("case", type=Path, help="case file (JSON, see DESIGN.md)")
    render.add_argument("--out", type=Path, required=True, help="directory for the PDF")
    render.add_argument("--demo", action="store_true", help="watermark every page 見本")
    render.add_argument("--catalogue", type=Path, help="procedure catalogue (default: built in)")
    render.add_argument("--printed-on", type=_date, help="issue date (default: today)")
    rules = commands.add_parser("rules", help="validate, export or import procedure catalogues")
    rules_commands = rules.add_subparsers(dest="action", required=True)
    validate = rules_commands.add_parser("validate", help="check a catalogue file")
    validate.add_argument("file", type=Path)
    rules_commands.add_parser("export", help="print the built-in catalogue")
    _add_preentry(commands)
    args = parser.parse_args(list(argv))
    if args.command == "preentry":
        from counter_app.preentry.cli import run as run_preentry

        return run_preentry(args)

    if args.command in ("determine", "render"):
        catalogue = _catalogue(args.catalogue)
        filed_on = args.filed_on if args.command == "determine" else None
        try:
            case = Case.from_dict(_read_json(args.case, "case file"))
            result = determine(case, catalogue, filed_on or case.filed_on)
        except CaseFormatError as exc:
            raise StartupError(f"case file {args.case}: {exc}", "受付データに誤りがあります",
                               ExitCode.USAGE) from None
        if args.command == "render":
            return _render(case, result, catalogue, args)
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    if args.action == "validate":
        catalogue = _catalogue(args.file)
        print(f"ok: {len(catalogue.procedures)} procedures, {len(catalogue.questions)} questions")
        return ExitCode.OK
    sys.stdout.write(default_catalogue().to_json())
    return ExitCode.OK


def _add_preentry(commands: argparse._SubParsersAction) -> None:
    from counter_app.preentry.cli import add_parser

    add_parser(commands)


def _render(case: Case, result: Determination, catalogue: Catalogue,
            args: argparse.Namespace) -> int:
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
    from forms.templates import TemplateError, load_templates
    from printing.render import render_packet

    try:
        templates = load_templates()
        check_templates(catalogue, templates)
    except (TemplateError, FormsMismatch) as exc:
        raise StartupError(str(exc), "申請書の様式に誤りがあります", ExitCode.USAGE) from None
    printed_on = args.printed_on or dt.date.today()
    gate = PrintGate(catalogue, templates, lambda: printed_on)
    session = ReceptionSession(case, catalogue, lambda _case: None, printed_on,
                               {f: t.facts() for f, t in templates.items()}, gate)
    problems = case_problems(case, len(session.prompts())) + gate(case, result)
    if problems:
        for problem in problems:
            print(f"counter-app: {problem.message_ja} ({problem.path})", file=sys.stderr)
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
    print(f"{path} ({len(rendered.pages)} pages)")
    return ExitCode.OK
