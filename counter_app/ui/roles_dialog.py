"""Who is who (F7): the 世帯主 after the move, the 届出人 and their phone, the previous 世帯主.

A role is a member of the case, or somebody who is not (a 世帯主 who stays where they are, an
agent who files): chosen by keyboard from a list, with the name typed only for somebody who is
not a member.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
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

from counter_app.domain import Case, PersonRef, roles
from counter_app.domain.text import display_name

OUTSIDE = -1  # "somebody who is not a member"
FILER_KINDS = (("代理人", "代理人"), ("使者", "使者"), ("世帯主（異動しない方）", "世帯主"),
               ("世帯員（異動しない方）", "世帯員"))


class RolesRefused(ValueError):
    pass


def _person_box(title: str, case: Case, current: PersonRef | None, outside_label: str,
                allow_none: bool = False) -> tuple[QGroupBox, QComboBox, QLineEdit]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    choice = QComboBox()
    if allow_none:
        choice.addItem("（なし）", None)
    for i, member in enumerate(case.members):
        relationship = member.relationship or "続柄未選択"
        choice.addItem(f"{i + 1}  {display_name(member.name)}（{relationship}）", i)
    choice.addItem(outside_label, OUTSIDE)
    name = QLineEdit()
    name.setPlaceholderText("氏名（この受付の世帯員でない方）")
    if current is not None and current.member is not None:
        choice.setCurrentIndex(choice.findData(current.member))
    elif current is not None:
        choice.setCurrentIndex(choice.findData(OUTSIDE))
        name.setText(current.name)
    form.addRow("", choice)
    form.addRow("氏名", name)
    return box, choice, name


class RolesDialog(QDialog):
    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("世帯主・届出人")
        self.setMinimumWidth(760)
        self.head: PersonRef | None = None
        self.filer: PersonRef | None = None
        self.previous_head: PersonRef | None = None
        layout = QVBoxLayout(self)
        head_box, self.head_choice, self.head_name = _person_box(
            "新しい世帯の世帯主", case, roles.head(case), "異動しない方が世帯主")
        layout.addWidget(head_box)

        filer_box = QGroupBox("届出人（窓口に来た方）")
        form = QFormLayout(filer_box)
        self.filer_choice = QComboBox()
        current = roles.filer(case)
        for i, member in enumerate(case.members):
            self.filer_choice.addItem(f"{i + 1}  {display_name(member.name)}", i)
        for label, relation in FILER_KINDS:
            self.filer_choice.addItem(label, relation)
        self.filer_name = QLineEdit()
        self.filer_address = QLineEdit()
        self.filer_phone = QLineEdit(current.phone if current else "")
        self.filer_phone.setObjectName("filerPhone")
        self.filer_phone.setPlaceholderText("日中に連絡のつく番号（わかる場合）")
        if current is not None and current.member is not None:
            self.filer_choice.setCurrentIndex(self.filer_choice.findData(current.member))
        elif current is not None:
            self.filer_choice.setCurrentIndex(max(0, self.filer_choice.findData(current.relation)))
            self.filer_name.setText(current.name)
            self.filer_address.setText(current.address)
        form.addRow("", self.filer_choice)
        form.addRow("氏名（世帯員でない方）", self.filer_name)
        form.addRow("住所（世帯員でない方）", self.filer_address)
        form.addRow("電話番号", self.filer_phone)
        layout.addWidget(filer_box)

        previous_box, self.previous_choice, self.previous_name = _person_box(
            "旧世帯主（世帯の一部が異動する場合）", case, case.previous_head,
            "異動しない方が旧世帯主", allow_none=True)
        layout.addWidget(previous_box)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("決定")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.head_choice.setFocus()

    def accept(self) -> None:
        try:
            self.head = self._ref(self.head_choice, self.head_name, "世帯主")
            self.previous_head = self._ref(self.previous_choice, self.previous_name, "旧世帯主")
            self.filer = self._filer()
        except RolesRefused as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    @staticmethod
    def _ref(choice: QComboBox, name: QLineEdit, what: str) -> PersonRef | None:
        data = choice.currentData()
        if data is None:
            return None
        if data == OUTSIDE:
            if not name.text().strip():
                name.setFocus()
                raise RolesRefused(f"{what}の氏名を入力してください")
            return PersonRef(name=name.text().strip())
        return PersonRef(member=data)

    def _filer(self) -> PersonRef:
        data = self.filer_choice.currentData()
        phone = self.filer_phone.text().strip()
        if isinstance(data, int):
            return PersonRef(member=data, phone=phone)
        if not self.filer_name.text().strip():
            self.filer_name.setFocus()
            raise RolesRefused("届出人の氏名を入力してください")
        return PersonRef(name=self.filer_name.text().strip(),
                         address=self.filer_address.text().strip(), phone=phone, relation=data)
