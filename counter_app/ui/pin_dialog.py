"""The PIN dialog: masked, digits only, tries left shown, staff confirmation on the last try."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

PIN_DIGITS = 4


class PinDialog(QDialog):
    def __init__(self, tries_left: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("暗証番号の入力")
        self.setModal(True)
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)

        prompt = QLabel("住民の方に、券面事項入力補助用の暗証番号（数字4桁）を"
                        "入力していただいてください。")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)

        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pinEdit")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(PIN_DIGITS)
        self.pin_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}")))
        self.pin_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly
                                          | Qt.InputMethodHint.ImhSensitiveData
                                          | Qt.InputMethodHint.ImhNoPredictiveText)
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = QFont(self.font())
        big.setPointSize(28)
        big.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 12)
        self.pin_edit.setFont(big)
        layout.addWidget(self.pin_edit)

        self.tries_label = QLabel()
        self.tries_label.setObjectName("triesLeft")
        layout.addWidget(self.tries_label)

        self.last_try_warning = QLabel(
            "残り1回です。間違えると暗証番号がロックされ、市区町村の窓口で再設定が必要になります。")
        self.last_try_warning.setWordWrap(True)
        self.last_try_warning.setStyleSheet("color: #c92a2a; font-weight: bold;")
        self.last_try_confirm = QCheckBox("住民の方に残り1回であることを伝えました（職員確認）")
        self.last_try_confirm.setObjectName("lastTryConfirm")
        layout.addWidget(self.last_try_warning)
        layout.addWidget(self.last_try_confirm)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("読み取る")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        last_try = tries_left == 1
        self.tries_label.setText("暗証番号は確認済みです" if tries_left is None
                                 else f"残り回数: {tries_left}回")
        self.last_try_warning.setVisible(last_try)
        self.last_try_confirm.setVisible(last_try)
        self._needs_confirmation = last_try
        self.pin_edit.textChanged.connect(self._update_ok)
        self.last_try_confirm.toggled.connect(self._update_ok)
        self._update_ok()
        self.pin_edit.setFocus()

    def _update_ok(self) -> None:
        ready = len(self.pin_edit.text()) == PIN_DIGITS and (
            not self._needs_confirmation or self.last_try_confirm.isChecked())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def accept(self) -> None:
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            super().accept()

    def pin(self) -> str:
        return self.pin_edit.text()

    def last_try_confirmed(self) -> bool:
        return self._needs_confirmation and self.last_try_confirm.isChecked()

    def done(self, result: int) -> None:
        super().done(result)
        # The PIN is taken with pin() in the accepted handler; do not keep it in the widget.
        self.pin_edit.blockSignals(True)
        self.pin_edit.clear()
        self.pin_edit.blockSignals(False)
