"""出生: a newborn in one dialog — 氏名, フリガナ, 生年月日 (和暦), 性別 (never preset) and the
birth weight in grams. Twins are the dialog twice; the second starts with the first's birth date.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from counter_app.domain.era import default_era_table
from counter_app.domain.members import MemberInputError
from counter_app.reception.session import BIRTH_WEIGHT_G
from counter_app.ui.member_dialog import EnterWalksFields, MemberDialog


def typed_date(date: dt.date) -> str:
    """A date as staff type it (GYYMMDD), so a prefilled field reads back the same day."""
    era = default_era_table().to_era(date)
    return f"{era.era.code}{era.year:02d}{era.month:02d}{era.day:02d}"


class NewbornDialog(MemberDialog):
    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None,
                 surname: str = "", born: dt.date | None = None) -> None:
        super().__init__(parent, today)
        self.setWindowTitle("新生児を追加（出生）")
        self.weight_g: int | None = None
        form = self.findChild(QFormLayout)
        assert form is not None
        form.setRowVisible(self.address, False)  # the household's address
        self.weight = QLineEdit()
        self.weight.setObjectName("birthWeight")
        self.weight.setPlaceholderText(f"グラム（{BIRTH_WEIGHT_G[0]}〜{BIRTH_WEIGHT_G[1]}）")
        self.weight.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}")))
        self.weight.setMaximumWidth(240)
        form.addRow("出生体重（g）", self.weight)
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消（Esc）")
        self.birth_date.setPlaceholderText("和暦 5081110 または 2026-11-10")
        self.surname.setText(surname)  # the parents' 氏, as a rule
        if born is not None:
            self.birth_date.setText(typed_date(born))
        self._chain = EnterWalksFields([self.surname, self.given_name, self.kana,
                                        self.birth_date, self.sex, self.weight], self.accept)
        (self.given_name if surname else self.surname).setFocus()

    def _member(self):  # type: ignore[no-untyped-def]
        member = super()._member()
        text = self.weight.text().strip()
        low, high = BIRTH_WEIGHT_G
        if not text or not low <= int(text) <= high:
            self.weight.setFocus()
            self.weight.selectAll()
            raise MemberInputError("birth_weight_g",
                                   f"出生体重は{low}〜{high}グラムの数字で入力してください")
        self.weight_g = int(text)
        return member
