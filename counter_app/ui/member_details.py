"""A member's details beyond the card's four fields (F6): フリガナ, 本籍・筆頭者, 住民票コード, the
外国人住民 items, whether the person takes part without moving, and a child's 保護者."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import Foreign, Member
from counter_app.domain.dates import DateInputError, DateKind
from counter_app.domain.era import default_era_table
from counter_app.domain.kana import KanaInputError, check_kana, normalize_kana
from counter_app.domain.text import display_name
from counter_app.ui.member_dialog import EnterWalksFields

CATEGORIES = ("", "中長期在留者", "特別永住者", "一時庇護許可者", "仮滞在許可者",
              "出生による経過滞在者", "国籍喪失による経過滞在者")


class DetailsRefused(ValueError):
    pass


class MemberDetailsDialog(QDialog):
    def __init__(self, member: Member, others: list[tuple[int, str]],
                 parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{display_name(member.name)} さんの詳細")
        self.setMinimumWidth(760)
        self._today = today or dt.date.today()
        self.fields: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kana = QLineEdit(member.kana)
        self.kana.setObjectName("detailKana")
        self.domicile = QLineEdit(member.registered_domicile)
        self.domicile_head = QLineEdit(member.domicile_head)
        self.resident_code = QLineEdit(member.resident_code)
        self.resident_code.setMaxLength(11)
        self.resident_code.setPlaceholderText("11桁（わかる場合）")
        self.stays = QCheckBox("この方は異動しません（世帯にいて、届出にかかわる方）")
        self.stays.setChecked(not member.moves)
        self.guardian = QComboBox()
        self.guardian.addItem("（自動：児童手当の請求者、または親）", None)
        for index, name in others:
            self.guardian.addItem(name, index)
        if member.guardian is not None:
            self.guardian.setCurrentIndex(max(0, self.guardian.findData(member.guardian)))
        form.addRow("フリガナ", self.kana)
        form.addRow("本籍", self.domicile)
        form.addRow("筆頭者", self.domicile_head)
        form.addRow("住民票コード", self.resident_code)
        form.addRow("", self.stays)
        form.addRow("保護者（子の書類）", self.guardian)
        layout.addLayout(form)

        foreign = member.foreign or Foreign()
        group = QGroupBox("外国人住民の方（在留カード等のとおり）")
        group_form = QFormLayout(group)
        self.nationality = QLineEdit(foreign.nationality)
        self.status = QLineEdit(foreign.status)
        self.period_end = QLineEdit(foreign.period_end.isoformat() if foreign.period_end else "")
        self.period_end.setPlaceholderText("2028-03-31（西暦）")
        self.card_number = QLineEdit(foreign.card_number)
        self.category = QComboBox()
        for category in CATEGORIES:
            self.category.addItem(category or "（なし）", category)
        self.category.setCurrentIndex(max(0, self.category.findData(foreign.category)))
        self.alias = QLineEdit(foreign.alias)
        group_form.addRow("国籍・地域", self.nationality)
        group_form.addRow("在留資格", self.status)
        group_form.addRow("在留期間の満了日", self.period_end)
        group_form.addRow("在留カード等の番号", self.card_number)
        group_form.addRow("30条の45 区分", self.category)
        group_form.addRow("通称", self.alias)
        layout.addWidget(group)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存（Ctrl+Enter）")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._chain = EnterWalksFields([self.kana, self.domicile, self.domicile_head,
                                        self.resident_code, self.nationality, self.status,
                                        self.period_end, self.card_number, self.alias],
                                       self.accept)
        self.kana.setFocus()

    def accept(self) -> None:
        try:
            self.fields = self._fields()
        except (DetailsRefused, KanaInputError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def _fields(self) -> dict[str, Any]:
        kana = normalize_kana(self.kana.text())
        if kana:
            check_kana(kana)
        code = self.resident_code.text().strip()
        if code and not re.fullmatch(r"\d{11}", code):
            self.resident_code.setFocus()
            raise DetailsRefused("住民票コードは11桁の数字です")
        foreign_texts = [w.text().strip() for w in (self.nationality, self.status,
                                                    self.period_end, self.card_number,
                                                    self.alias)] + [self.category.currentData()]
        foreign = None
        if any(foreign_texts):
            period = None
            if self.period_end.text().strip():
                try:
                    period = default_era_table().parse_typed(
                        self.period_end.text(), DateKind.PERIOD_END, self._today)
                except DateInputError as exc:
                    self.period_end.setFocus()
                    raise DetailsRefused(f"在留期間の満了日: {exc}") from None
            foreign = Foreign(self.nationality.text().strip(), self.status.text().strip(), period,
                              self.card_number.text().strip(), self.category.currentData(),
                              self.alias.text().strip())
        return {"kana": kana, "registered_domicile": self.domicile.text().strip(),
                "domicile_head": self.domicile_head.text().strip(), "resident_code": code,
                "moves": not self.stays.isChecked(), "foreign": foreign,
                "guardian": self.guardian.currentData()}
