"""おくやみ: the deceased's own card read without a PIN, with 照合番号B (CARD.md).

照合番号B is the birth date as era YYMMDD, the card's expiry year and the 4-digit security code
printed on the card face: 14 digits the family can read off the card. The tries left are asked
of the card (an empty VERIFY spends nothing) and shown; a wrong code is reported with the tries
left and never sent again by itself: staff compare with the card face and press Enter again.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from card_reader import apdu
from card_reader import errors as card_errors
from card_reader.basic_four import BasicFour
from card_reader.errors import CardError
from card_reader.kenhojo import CodeB, KenhojoReader
from card_reader.sources import CardSource, read_card
from counter_app.domain.era import default_era_table
from counter_app.domain.members import member_from_card
from counter_app.ui.card_reading import next_step_ja
from counter_app.ui.member_dialog import EnterWalksFields
from counter_app.ui.tasks import run_task

log = logging.getLogger(__name__)

PLACE_CARD = "亡くなった方のカードをリーダーに置いてください（置くと残り回数を確かめます）"
COMPARE = "券面の生年月日・有効期限の年・セキュリティコードと見比べて、直してから Enter を押して" \
          "ください"


def era_birth(date: dt.date) -> str:
    """The birth date as 照合番号B writes it: era year, month, day, two digits each."""
    era = default_era_table().to_era(date)
    return f"{era.year:02d}{era.month:02d}{era.day:02d}"


def code_b_tries_left(source: CardSource) -> int | None:
    """Identify a My Number card and ask the 照合番号B tries left (spends nothing)."""
    transport = source.open(None)
    try:
        card = KenhojoReader(transport)
        card.select_application()
        return card.tries_left(apdu.EF_CODE_B)
    finally:
        transport.close()


def _digits(count: int) -> QRegularExpressionValidator:
    return QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{count}}}"))


class CodeBDialog(QDialog):
    """Three fields as printed on the card; Enter reads. Stays open until the card is read
    (`member_read`) or staff cancel, so a wrong code is put right where it was typed."""

    member_read = Signal(object)  # Member

    def __init__(self, source: CardSource, birth_date: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.tries: int | None = None
        self.busy = False
        self._ask_again = False
        self.setWindowTitle("亡くなった方のカード（照合番号B・暗証番号なし）")
        self.setMinimumWidth(760)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = QLabel("カードの券面を見て入力してください。暗証番号は使いません"
                       "（住所・氏名・生年月日・性別だけを読みます）。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.birth = QLineEdit(era_birth(birth_date) if birth_date else "")
        self.birth.setObjectName("codeBBirth")
        self.birth.setPlaceholderText("和暦の年月日6桁（昭和25年3月1日 → 250301）")
        self.birth.setValidator(_digits(6))
        self.expiry = QLineEdit()
        self.expiry.setObjectName("codeBExpiry")
        self.expiry.setPlaceholderText("有効期限の年（西暦4桁）")
        self.expiry.setValidator(_digits(4))
        self.security = QLineEdit()
        self.security.setObjectName("codeBSecurity")
        self.security.setPlaceholderText("券面のセキュリティコード（数字4桁）")
        self.security.setValidator(_digits(4))
        self.security.setEchoMode(QLineEdit.EchoMode.Password)
        self.security.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly
                                          | Qt.InputMethodHint.ImhSensitiveData)
        for field in (self.birth, self.expiry, self.security):
            field.setMaximumWidth(360)
        form.addRow("生年月日（和暦）", self.birth)
        form.addRow("有効期限の年", self.expiry)
        form.addRow("セキュリティコード", self.security)
        layout.addLayout(form)
        self.tries_label = QLabel(PLACE_CARD)
        self.tries_label.setObjectName("codeBTries")
        self.tries_label.setWordWrap(True)
        layout.addWidget(self.tries_label)
        self.last_try = QCheckBox("残り1回であることをご家族に伝えました（職員確認）")
        self.last_try.setObjectName("codeBLastTry")
        self.last_try.setVisible(False)
        layout.addWidget(self.last_try)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("読み取る（Enter）")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消（Esc）")
        self.buttons.accepted.connect(self.read)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._chain = EnterWalksFields([self.birth, self.expiry, self.security], self.read)
        (self.expiry if birth_date else self.birth).setFocus()
        self.ask_tries()

    # --- the card ----------------------------------------------------------------------------

    def ask_tries(self) -> None:
        """Ask the card how many tries are left (again when a card is placed)."""
        if self.busy:
            self._ask_again = True  # a card placed while the last query was under way
            return
        self._ask_again = False
        self.busy = True
        self.tries_label.setText("カードを確認しています…")
        run_task(lambda: code_b_tries_left(self._source), self._got_tries, owner=self)

    def _got_tries(self, tries: int | None, error: BaseException | None) -> None:
        self.busy = False
        if self._ask_again:
            self.ask_tries()
            return
        if isinstance(error, card_errors.NoCardError):
            self.tries_label.setText(PLACE_CARD)
            return
        if error is not None:
            self._failed(error)
            return
        self._show_tries(tries)

    def _show_tries(self, tries: int | None) -> None:
        self.tries = tries
        self.tries_label.setText("照合番号Bは確認済みです" if tries is None
                                 else f"照合番号Bの残り回数: {tries}回")
        self.last_try.setVisible(tries == 1)

    def code(self) -> str:
        return self.birth.text() + self.expiry.text() + self.security.text()

    def read(self) -> None:
        if self.busy:
            return
        for field, length, what in ((self.birth, 6, "生年月日は和暦の年月日6桁"),
                                    (self.expiry, 4, "有効期限の年は西暦4桁"),
                                    (self.security, 4, "セキュリティコードは数字4桁")):
            if len(field.text()) != length:
                self.error.setText(f"{what}で入力してください")
                field.setFocus()
                field.selectAll()
                return
        if self.tries == 1 and not self.last_try.isChecked():
            self.error.setText("残り1回です。間違えるとロックされます。ご家族に伝えてから、"
                               "確認の欄にチェックを入れてください")
            self.last_try.setFocus()
            return
        self.error.setText("")
        self.busy = True
        self.tries_label.setText("読み取り中です。カードをリーダーに置いたままにしてください。")
        credential = CodeB(self.code())
        allow_last = self.last_try.isChecked()
        run_task(lambda: read_card(self._source, credential, allow_last_try=allow_last),
                 self._got_card, owner=self)

    def _got_card(self, four: BasicFour | None, error: BaseException | None) -> None:
        self.busy = False
        if error is not None:
            self._failed(error)
            return
        log.info("deceased's card read with code B")
        self.security.clear()
        self.member_read.emit(member_from_card(four))
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, CardError):
            log.warning("code B read failed: %s: %s", type(error).__name__, error)
        else:
            log.error("code B read failed unexpectedly", exc_info=error)
        if isinstance(error, card_errors.WrongPinError):
            self._show_tries(error.tries_left)
            self.error.setText(f"照合番号Bが違います（残り{error.tries_left}回）。{COMPARE}")
            self.security.setFocus()
            self.security.selectAll()
            return
        if isinstance(error, card_errors.PinBlockedError):
            self.error.setText("照合番号Bがロックされています。券面を見て手入力してください"
                               "（取消してから F3）")
            return
        if isinstance(error, card_errors.NoCardError):
            self.tries_label.setText(PLACE_CARD)
            return
        self.error.setText(next_step_ja(error, self.tries).replace("F2", "Enter"))

    def done(self, result: int) -> None:
        super().done(result)
        self.security.clear()  # a credential does not stay in the widget
