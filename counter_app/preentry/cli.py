"""`counter-app preentry encode|decode|export`: payloads for tests and checks, and the page for
a city's website."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from counter_app.config import ExitCode, StartupError

_SOURCE_PAGE = Path(__file__).resolve().parent.parent.parent / "preentry"
_MAX_STDIN = 65536  # a QR code holds at most 7,089 digits


def add_parser(commands: Any) -> None:
    """Register the subcommand on counter-app's subparsers."""
    parser = commands.add_parser("preentry", help="residents' pre-entry: QR payloads, web page")
    actions = parser.add_subparsers(dest="action", required=True)
    encode = actions.add_parser("encode", help="print the QR payload of a case file")
    encode.add_argument("case", type=Path, help="case file (JSON, see DESIGN.md)")
    decode = actions.add_parser("decode", help="print the case file a QR payload holds")
    decode.add_argument("payload", help="the payload as scanned, or - to read it from stdin")
    decode.add_argument("--catalogue", type=Path, help="procedure catalogue (default: built in)")
    export = actions.add_parser("export", help="write the pre-entry page with the city's data")
    export.add_argument("--out", type=Path, required=True, help="directory to publish")
    export.add_argument("--catalogue", type=Path, help="procedure catalogue (default: built in)")
    export.add_argument("--postal-codes", type=Path,
                        help="the city's postal codes (default: resources/city/postal_codes.json)")


def run(args: argparse.Namespace) -> int:
    from counter_app.preentry.codec import PreEntryError, decode, encode

    try:
        if args.action == "encode":
            print(encode(_read_json(args.case, "case file")))
        elif args.action == "decode":
            text = sys.stdin.read(_MAX_STDIN) if args.payload == "-" else args.payload
            case = decode(text, _catalogue(args.catalogue))
            json.dump(case, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            return _export(args)
    except PreEntryError as exc:
        raise StartupError(str(exc), exc.message_ja, ExitCode.USAGE) from None
    return ExitCode.OK


def _export(args: argparse.Namespace) -> int:
    from counter_app.address import CityPostalCodes, PostalDataError, city_postal_codes
    from counter_app.domain.era import default_era_table
    from counter_app.preentry.export import page_data, write_page

    try:
        postal = (CityPostalCodes.from_file(args.postal_codes) if args.postal_codes
                  else city_postal_codes())
    except PostalDataError as exc:
        raise StartupError(str(exc), exc.message_ja, ExitCode.USAGE) from None
    data = page_data(_catalogue(args.catalogue), postal, default_era_table())
    try:
        written = write_page(args.out, page_source(), data)
    except OSError as exc:
        raise StartupError(f"cannot write to {args.out}: {exc.strerror or exc}",
                           "事前入力ページを書き出せません", ExitCode.DATA_DIR) from None
    print(f"{args.out} ({len(written)} files; publish the whole directory)")
    return ExitCode.OK


def page_source() -> Path:
    """The page's files: preentry/ of a source checkout, or the installed package data."""
    if (_SOURCE_PAGE / "index.html").is_file():
        return _SOURCE_PAGE
    return Path(str(resources.files("counter_app.preentry_page")))


def _read_json(path: Path, what: str) -> Any:
    # The subcommands' one reader: regular files only, size cap, one line for any fault.
    from counter_app.commands import read_json_file

    return read_json_file(path, what)


def _catalogue(path: Path | None) -> Any:
    from counter_app.rules import Catalogue, RuleError, default_catalogue

    if path is None:
        return default_catalogue()
    try:
        return Catalogue.from_dict(_read_json(path, "catalogue"))
    except RuleError as exc:
        raise StartupError(f"catalogue {path}: {exc}", "手続ルールに誤りがあります",
                           ExitCode.USAGE) from None
