"""Typing a member by hand, for a resident without a card (or a card that fails).

Enter walks the fields in the order of the paper form; Enter on the last one adds the member.
Nothing is guessed silently: 性別 starts unchosen, the address starts as the household's.
"""

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
from counter_app.domain.dates import DateInputError, DateKind
from counter_app.domain.era import default_era_table
from counter_app.domain.kana import KanaInputError, check_kana, normalize_kana, propose_reading
from counter_app.domain.members import MemberInputError, typed_member
from counter_app.ui.tasks import run_task

SEX_CHOICES = [("（選んでください）", ""), ("男", "male"), ("女", "female")]


class EnterWalksFields(QObject):
    """Enter moves to the next field; on the last one it calls `done`."""

    def __init__(self, fields: list[QWidget], done: object) -> None:
        super().__init__()
        self.fields = fields
        self.done = done
        for field in fields:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and watched in self.fields
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            position = self.fields.index(watched)  # type: ignore[arg-type]
            if position + 1 < len(self.fields):
                self.fields[position + 1].setFocus()
            else:
                self.done()  # type: ignore[operator]
            return True
        return False


class MemberDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None,
                 address: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("世帯員を手入力で追加")
        self.setMinimumWidth(720)
        self._today = today or dt.date.today()
        self.member: Member | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.surname = QLineEdit()
        self.given_name = QLineEdit()
        self.kana = QLineEdit()
        self.kana.setPlaceholderText("カタカナ（氏と名の間に空白）。読みの候補が入ります")
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("和暦 3600615 または 1985-06-15")
        self.birth_era = QLabel()
        self.birth_era.setObjectName("birthEra")
        self.sex = QComboBox()
        for label, value in SEX_CHOICES:
            self.sex.addItem(label, value)
        self.address = QLineEdit(address)
        for name, widget in (("surname", self.surname), ("givenName", self.given_name),
                             ("kana", self.kana), ("birthDate", self.birth_date),
                             ("sex", self.sex), ("address", self.address)):
            widget.setObjectName(name)
        form.addRow("氏", self.surname)
        form.addRow("名", self.given_name)
        form.addRow("フリガナ", self.kana)
        form.addRow("生年月日", self.birth_date)
        form.addRow("", self.birth_era)
        form.addRow("性別", self.sex)
        form.addRow("住所（今の住所）", self.address)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("追加（Enter）")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._chain = EnterWalksFields([self.surname, self.given_name, self.kana,
                                        self.birth_date, self.sex, self.address], self.accept)
        self.birth_date.textChanged.connect(self._echo_date)
        self.given_name.editingFinished.connect(self._propose_kana)
        self.surname.setFocus()

    def _echo_date(self, text: str) -> None:
        try:
            born = default_era_table().parse_typed(text, DateKind.BIRTH, self._today)
        except DateInputError:
            self.birth_era.setText("")
            return
        self.birth_era.setText(default_era_table().format(born))

    def _propose_kana(self) -> None:
        if self.kana.text().strip():
            return  # what staff typed stays
        name = f"{self.surname.text().strip()}\u3000{self.given_name.text().strip()}"
        run_task(lambda: propose_reading(name), self._proposed, owner=self.kana)

    def _proposed(self, reading: str | None, error: BaseException | None) -> None:
        if error is None and reading and not self.kana.text().strip():
            self.kana.setText(reading)

    def accept(self) -> None:
        try:
            self.member = self._member()
        except (MemberInputError, KanaInputError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def _member(self) -> Member:
        try:
            member = typed_member(self.surname.text(), self.given_name.text(),
                                  self.birth_date.text(), self.sex.currentData(),
                                  self.address.text(), self._today)
        except MemberInputError as exc:
            {"surname": self.surname, "birth_date": self.birth_date}.get(
                exc.field, self.surname).setFocus()
            raise
        if not self.sex.currentData():
            self.sex.setFocus()
            raise MemberInputError("sex", "性別を選んでください")
        kana = normalize_kana(self.kana.text())
        if kana:
            try:
                check_kana(kana)
            except KanaInputError:
                self.kana.setFocus()
                raise
        member.kana = kana
        return member
