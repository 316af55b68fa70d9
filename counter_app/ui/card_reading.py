"""Reading a card at the counter: tries left → PIN dialog → read, each card step on a worker.

Nothing here retries by itself: after a wrong PIN, staff and resident decide to read again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from card_reader import errors as card_errors
from card_reader.basic_four import BasicFour
from card_reader.errors import CardError
from card_reader.kenhojo import Pin
from card_reader.monitor import INSERTED, READERS, REMOVED, SERVICE_DOWN, PresenceEvent
from card_reader.sources import CardSource, pin_tries_left, read_card
from counter_app.domain.members import member_from_card
from counter_app.ui.pin_dialog import PinDialog
from counter_app.ui.tasks import run_task

log = logging.getLogger(__name__)

HINT_CHECKING = "カードを確認しています…"
HINT_READING = "読み取り中です。カードをリーダーに置いたままにしてください。"
UNEXPECTED_JA = "カードの読み取りで予期しないエラーが起きました。"
TYPE_IT = "F3 で券面を見て手入力して続けられます。"
AGAIN = "もう一度読み取るには F2 を押してください。"


def next_step_ja(error: BaseException, tries_before: int | None) -> str:
    """What went wrong and what staff do next, in one message (never a dead end)."""
    if isinstance(error, card_errors.PinBlockedError):
        if tries_before == 1:
            head = "暗証番号を間違えたため、たった今ロックされました。"
        else:
            head = "このカードは以前から暗証番号がロックされています。"
        return (f"{head}再設定は市民課（1番窓口）でできます（本人確認書類が必要です）。"
                f"今日の受付は{TYPE_IT}")
    if isinstance(error, card_errors.WrongPinError):
        return f"{error.message_ja}。{AGAIN}"
    if isinstance(error, card_errors.NoCardError):
        return ("カードが置かれていません。カードをリーダーに置くと読み取りを始めます。"
                f"カードをお持ちでない方は{TYPE_IT}")
    if isinstance(error, card_errors.NotMyNumberCardError):
        return ("マイナンバーカードではありません（通知カード・住基カード・在留カードは読み取れ"
                f"ません）。{TYPE_IT}")
    if isinstance(error, card_errors.CardRemovedError | card_errors.CardNotRespondingError
                  | card_errors.CardProtocolError):
        return f"{error.message_ja}。カードを置き直すと読み取りを始めます。{TYPE_IT}"
    if isinstance(error, card_errors.NoReaderError | card_errors.PcscUnavailableError):
        return f"{error.message_ja}。{TYPE_IT}"
    if isinstance(error, CardError):
        return f"{error.message_ja}。{TYPE_IT}"
    return UNEXPECTED_JA + TYPE_IT


class CardReadFlow(QObject):
    """One read at a time. Signals report progress to the page and to tests."""

    hint = Signal(str)
    busy_changed = Signal(bool)
    member_read = Signal(object)  # Member
    failed = Signal(str)  # the Japanese message shown to staff

    def __init__(self, source: CardSource, parent: QWidget) -> None:
        super().__init__(parent)
        self._source = source
        self._parent = parent
        self.busy = False
        self._reader: str | None = None
        self.pin_dialog: PinDialog | None = None
        self.last_problem = ""  # the last failure's message, as shown on the page
        self._tries_before: int | None = None

    def start(self, reader: str | None = None) -> None:
        """Read the card on `reader` (where it was placed), or on whichever reader holds one."""
        if self.busy:
            return
        self._reader = reader
        self._tries_before = None
        self._set_busy(True)
        self.hint.emit(HINT_CHECKING)
        run_task(lambda: pin_tries_left(self._source, reader), self._got_tries)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)
        if not busy:
            self.hint.emit("")

    def _got_tries(self, tries: int | None, error: BaseException | None) -> None:
        if error is not None:
            self._fail(error)
            return
        self.hint.emit("")
        self._tries_before = tries
        dialog = PinDialog(tries, self._parent)
        dialog.accepted.connect(lambda: self._read(dialog.pin(), dialog.last_try_confirmed()))
        dialog.rejected.connect(lambda: self._set_busy(False))
        dialog.finished.connect(dialog.deleteLater)
        self.pin_dialog = dialog
        dialog.open()

    def _read(self, pin: str, last_try_confirmed: bool) -> None:
        self.pin_dialog = None
        self.hint.emit(HINT_READING)
        credential = Pin(pin)
        reader = self._reader
        run_task(lambda: read_card(self._source, credential, reader=reader,
                                   allow_last_try=last_try_confirmed), self._got_card)

    def _got_card(self, four: BasicFour | None, error: BaseException | None) -> None:
        if error is not None:
            self._fail(error)
            return
        log.info("card read: basic four filled a member row")
        self._set_busy(False)
        self.member_read.emit(member_from_card(four))

    def _fail(self, error: BaseException) -> None:
        """Shown on the page, not in a box to click away: staff go straight on (F2, F3)."""
        if isinstance(error, CardError):
            log.warning("card read failed: %s: %s", type(error).__name__, error)
        else:
            log.error("card read failed unexpectedly", exc_info=error)
        message = next_step_ja(error, self._tries_before)
        raw_hex = getattr(error, "raw_hex", None)
        if raw_hex:  # undecodable text: staff compare it with the card face
            message += f"（カードの記録の16進表示: {raw_hex}）"
        self._set_busy(False)
        self.last_problem = message
        self.failed.emit(message)


def reader_status_text(event: PresenceEvent) -> str | None:
    """Status-bar text for a presence event (None: no change worth showing)."""
    if event.kind == SERVICE_DOWN:
        return "ICカードのサービスが動いていません"
    if event.kind == INSERTED:
        return f"{event.reader}（カードあり）"
    if event.kind == REMOVED:
        return event.reader
    if event.kind == READERS:
        return event.readers[0] if event.readers else "未接続"
    return None
