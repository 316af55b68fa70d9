"""A number answer in the interview (出生体重 in grams): a digit on the question's row opens
this field with that digit typed; Enter gives the answer, which the session checks."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.views.common import confirm_row


class NumberDialog(QDialog):
    submitted = Signal(int)

    def __init__(self, parent: QWidget, question: str, first_digit: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("数値の入力")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        prompt = QLabel(question)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.edit = QLineEdit(first_digit)
        self.edit.setObjectName("numberAnswer")
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}")))
        self.edit.setMaximumWidth(240)
        layout.addWidget(self.edit)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.ok, cancel = confirm_row(layout)
        self.ok.clicked.connect(self._submit)
        cancel.clicked.connect(self.reject)
        self.edit.setFocus()

    def _submit(self) -> None:
        text = self.edit.text()
        if not text:
            self.error.setText("数字で入力してください")
            return
        self.submitted.emit(int(text))
