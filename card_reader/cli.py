"""`python -m card_reader readers | read | emulate`.

`read` prints the basic four as JSON on stdout. Every failure is one line on stderr (Japanese
for staff, then the English detail) and an exit code per error class (see card_reader.errors).
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import signal
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from card_reader.errors import (
    CardError,
    CardNotRespondingError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    NotMyNumberCardError,
    ReaderBusyError,
    WrongPinError,
)
from card_reader.kenhojo import CodeB, Credential, KenhojoReader, Pin
from card_reader.transport import PcscTransport, card_present, list_readers, wait_for_card

EXIT_USAGE = 2
MAX_WAIT_S = 3600.0  # an hour: a longer wait is a typo, and PC/SC takes its timeout in ms


class WrongCodeBError(WrongPinError):
    """A wrong 照合番号B: staff check what they typed against the card face."""

    def __init__(self, tries_left: int) -> None:
        super().__init__(tries_left)
        self.args = (f"wrong code B, {tries_left} tries left",)

    @property
    def message_ja(self) -> str:  # type: ignore[override]
        return (f"照合番号Bが違います。券面の記載と照らし合わせてください"
                f"（あと{self.tries_left}回間違えるとロックされます）")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m card_reader",
                     description="Read the basic four fields of a My Number card.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("readers", help="list PC/SC readers")

    read = commands.add_parser("read", help="read name, address, birth date and sex as JSON")
    read.add_argument("--reader", help="reader name (default: the first with a My Number card)")
    secret = read.add_mutually_exclusive_group()
    secret.add_argument("--pin-stdin", action="store_true", help="read the 4-digit PIN from stdin")
    secret.add_argument("--code-b-stdin", action="store_true",
                        help="read the 14-digit 照合番号B from stdin instead of a PIN")
    read.add_argument("--wait", type=_seconds, default=0, metavar="SECONDS",
                      help=f"wait this long for a card to be placed (0 to {MAX_WAIT_S:g})")
    read.add_argument("--confirm-last-try", action="store_true",
                      help="staff confirmed that the last PIN try may be used")

    emulate = commands.add_parser("emulate", help="attach a virtual card to vpcd")
    emulate.add_argument("--card", type=Path, required=True, help="card holder JSON file")
    emulate.add_argument("--host", default="127.0.0.1")
    emulate.add_argument("--port", type=int, help="vpcd port (default from --slot)")
    emulate.add_argument("--slot", type=int, default=0, help="vpcd slot: 0 → 35963, 1 → 35964")
    emulate.add_argument("--apdu-log", type=Path, help="append each command APDU (PIN masked)")
    emulate.add_argument("--connect-timeout", type=float, default=10)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    # nan never ends a wait (every comparison is false), inf and 1e308 overflow the timeout.
    if not math.isfinite(value) or not 0 <= value <= MAX_WAIT_S:
        raise argparse.ArgumentTypeError(f"0 to {MAX_WAIT_S:g} seconds, not {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
        if args.command == "readers":
            return _readers()
        if args.command == "read":
            return _read(args)
        return _emulate(args)
    except UsageError as exc:
        print(f"card_reader: コマンドの指定が正しくありません ({_printable(str(exc))})",
              file=sys.stderr)
        return EXIT_USAGE
    except CardError as exc:
        print(f"card_reader: {exc.message_ja} ({_printable(str(exc))})", file=sys.stderr)
        return exc.exit_code


def _printable(text: str) -> str:
    """Control and format characters escaped (`\\x1b`): the terminal shows, never obeys."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")
                   else c for c in text)


def _readers() -> int:
    names = list_readers()
    if not names:
        raise NoReaderError("no PC/SC reader attached")
    for name in names:
        print(name)
    return 0


def _credential(args: argparse.Namespace) -> Credential:
    try:
        if args.pin_stdin or args.code_b_stdin:
            text = sys.stdin.readline(64).strip()  # bounded: stdin may be /dev/zero
        elif sys.stdin.isatty():
            text = getpass.getpass("暗証番号（4桁）: ")
        else:
            raise UsageError("give --pin-stdin or --code-b-stdin when stdin is not a terminal")
    except (EOFError, KeyboardInterrupt, UnicodeDecodeError):
        raise UsageError("no PIN was given") from None
    try:
        return CodeB(text) if args.code_b_stdin else Pin(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _find_card(preferred: str | None, wait_s: float) -> str:
    """The reader to use: the named one, or the first whose card answers the Kenhojo SELECT."""
    deadline = time.monotonic() + wait_s
    while True:
        if preferred is not None:
            names = [preferred] if preferred in list_readers() else []
            if not names:
                raise NoReaderError(f"reader {preferred!r} is not attached")
        else:
            names = list_readers()
            if not names:
                raise NoReaderError("no PC/SC reader attached")
        seen_other_card = seen_mute_card = False
        for name in names:
            if not card_present(name):
                continue
            if preferred is not None:
                return name
            try:
                with PcscTransport(name) as transport:
                    KenhojoReader(transport).select_application()
                return name
            except NotMyNumberCardError:
                seen_other_card = True
            except CardNotRespondingError:
                seen_mute_card = True  # a card is there: never report it as "no card"
            except (NoCardError, CardRemovedError, ReaderBusyError):
                continue  # this reader's card left or is busy: look at the others
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if seen_mute_card:
                raise CardNotRespondingError("a card is placed but does not answer")
            if seen_other_card:
                raise NotMyNumberCardError("no reader holds a My Number card")
            raise NoCardError("no card on any reader")
        if preferred is not None:
            wait_for_card(preferred, remaining)
        else:
            time.sleep(min(0.2, remaining))


def _read(args: argparse.Namespace) -> int:
    credential = _credential(args)
    reader = _find_card(args.reader, args.wait)
    with PcscTransport(reader) as transport:
        try:
            four = KenhojoReader(transport).read_basic_four(
                credential, allow_last_try=args.confirm_last_try)
        except WrongPinError as exc:
            if isinstance(credential, CodeB):
                raise WrongCodeBError(exc.tries_left) from None
            raise
    json.dump(four.to_json(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _emulate(args: argparse.Namespace) -> int:
    from card_reader import vpcd
    from card_reader.virtual_card import CardHolder, VirtualMyNumberCard

    try:
        holder = CardHolder.load(args.card)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"card file {args.card}: {exc}") from None
    port = args.port or vpcd.DEFAULT_PORT + args.slot
    # SIGTERM is "take the card off the reader": close the socket and exit cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sock = vpcd.connect(args.host, port, args.connect_timeout)
    except OSError as exc:
        print(f"card_reader: 仮想カードリーダーに接続できません (vpcd {args.host}:{port}: {exc})",
              file=sys.stderr)
        return NoReaderError.exit_code
    print(f"card inserted into vpcd {args.host}:{port}", flush=True)
    try:
        reason = vpcd.serve(VirtualMyNumberCard(holder), sock, args.apdu_log)
    except OSError as exc:  # pcscd went away, or the APDU log cannot be written
        print(f"card_reader: 仮想カードの動作が止まりました ({exc})", file=sys.stderr)
        return 1
    print(f"card removed: {reason}", flush=True)
    return 0
