"""Typing a member's four fields by hand, for a resident without a card (or a card that fails)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import Member
from counter_app.domain.members import MemberInputError, typed_member

SEX_CHOICES = [("男", "male"), ("女", "female")]


class MemberDialog(QDialog):
    """Enter moves to the next field; Enter on the last field adds the member."""

    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("世帯員を手入力で追加")
        self._today = today or dt.date.today()
        self.member: Member | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.surname = QLineEdit()
        self.given_name = QLineEdit()
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("例: 1985-06-15 または 和暦 3600615（昭和60年6月15日）")
        self.sex = QComboBox()
        for label, value in SEX_CHOICES:
            self.sex.addItem(label, value)
        self.address = QLineEdit()
        for name, widget in (("surname", self.surname), ("givenName", self.given_name),
                             ("birthDate", self.birth_date), ("sex", self.sex),
                             ("address", self.address)):
            widget.setObjectName(name)
        form.addRow("氏", self.surname)
        form.addRow("名", self.given_name)
        form.addRow("生年月日", self.birth_date)
        form.addRow("性別", self.sex)
        form.addRow("住所", self.address)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("追加")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter walks the fields in order, as on the paper form; Enter on the last one adds.
        # The fields consume it, or the dialog's default button would accept half a form.
        self._chain: list[QWidget] = [self.surname, self.given_name, self.birth_date, self.sex,
                                      self.address]
        for field in self._chain:
            field.installEventFilter(self)
        self.resize(560, self.sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and watched in self._chain
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            position = self._chain.index(watched)
            if position + 1 < len(self._chain):
                self._chain[position + 1].setFocus()
            else:
                self.accept()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        try:
            self.member = self._member()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def _member(self) -> Member:
        try:
            return typed_member(self.surname.text(), self.given_name.text(),
                                self.birth_date.text(), self.sex.currentData(),
                                self.address.text(), self._today)
        except MemberInputError as exc:
            {"surname": self.surname, "birth_date": self.birth_date}[exc.field].setFocus()
            raise
