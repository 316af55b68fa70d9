"""Layout of the reception page: the move, the demo reader, the household."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.views.common import page_layout, row_table

MEMBER_COLUMNS = ["続柄", "氏名", "生年月日", "性別", "住所", "入力方法"]


class DemoReaderView(QGroupBox):
    def __init__(self) -> None:
        super().__init__("デモ：模擬カードリーダー（研修用の架空の住民）")
        self.setObjectName("demoReader")
        row = QHBoxLayout(self)
        self.residents = QComboBox()
        self.residents.setObjectName("demoResidents")
        self.residents.setMinimumContentsLength(16)
        self.residents.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.place = QPushButton("カードを置く")
        self.place.setObjectName("placeCard")
        self.take_off = QPushButton("カードを外す")
        self.take_off.setObjectName("removeCard")
        self.note = QLabel()
        self.note.setObjectName("demoNote")
        row.addWidget(self.residents, 1)
        row.addWidget(self.place)
        row.addWidget(self.take_off)
        row.addWidget(self.note)


class MoveView(QGroupBox):
    def __init__(self) -> None:
        super().__init__("異動")
        grid = QGridLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("moveKind")
        self.date = QLineEdit()
        self.date.setObjectName("moveDate")
        self.date.setPlaceholderText("例: 2026-04-01 または 5080401（令和8年4月1日）")
        self.date_era = QLabel()
        self.date_era.setObjectName("moveDateEra")
        self.previous_label = QLabel("前住所")
        self.previous_address = QLineEdit()
        self.previous_address.setObjectName("previousAddress")
        self.postal_code = QLineEdit()
        self.postal_code.setObjectName("postalCode")
        self.postal_code.setPlaceholderText("〒 7桁")
        self.postal_code.setMaximumWidth(160)
        self.new_address = QLineEdit()
        self.new_address.setObjectName("newAddress")
        self.new_address.setPlaceholderText("郵便番号から町名まで入ります。続けて番地を入力")
        self.error = QLabel()
        self.error.setObjectName("moveError")
        self.error.setStyleSheet("color: #c92a2a;")
        grid.addWidget(QLabel("種類"), 0, 0)
        grid.addWidget(self.kind, 0, 1)
        grid.addWidget(QLabel("異動日"), 0, 2)
        grid.addWidget(self.date, 0, 3)
        grid.addWidget(self.date_era, 0, 4)
        grid.addWidget(self.previous_label, 1, 0)
        grid.addWidget(self.previous_address, 1, 1, 1, 4)
        grid.addWidget(QLabel("新住所"), 2, 0)
        grid.addWidget(self.postal_code, 2, 1)
        grid.addWidget(self.new_address, 2, 2, 1, 3)
        grid.addWidget(self.error, 3, 0, 1, 5)
        grid.setColumnStretch(3, 1)


class ReceptionView(QWidget):
    def __init__(self, with_demo_reader: bool) -> None:
        super().__init__()
        layout = page_layout(self, "reception", "受付")

        self.move = MoveView()
        layout.addWidget(self.move)

        self.demo_reader = DemoReaderView() if with_demo_reader else None
        if self.demo_reader is not None:
            layout.addWidget(self.demo_reader)

        household = QGroupBox("世帯員（異動する方）")
        household_layout = QVBoxLayout(household)
        self.members = row_table("members", MEMBER_COLUMNS)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        household_layout.addWidget(self.members)

        buttons = QHBoxLayout()
        self.read_card = QPushButton("カードを読む（F2）")
        self.read_card.setObjectName("readCard")
        self.add_manual = QPushButton("手入力で追加（F3）")
        self.add_manual.setObjectName("addManual")
        self.move_up = QPushButton("↑")
        self.move_up.setToolTip("上へ（Ctrl+↑）")
        self.move_down = QPushButton("↓")
        self.move_down.setToolTip("下へ（Ctrl+↓）")
        self.remove_member = QPushButton("削除（Del）")
        self.remove_member.setObjectName("removeMember")
        self.relationship = QComboBox()
        self.relationship.setObjectName("relationship")
        self.relationship.setMinimumWidth(180)
        for button in (self.read_card, self.add_manual, self.move_up, self.move_down,
                       self.remove_member):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("続柄（F4）"))
        buttons.addWidget(self.relationship)
        household_layout.addLayout(buttons)

        self.hint = QLabel()
        self.hint.setObjectName("cardHint")
        self.hint.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1864ab;")
        household_layout.addWidget(self.hint)
        layout.addWidget(household, 1)

        footer = QHBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("pageMessage")
        self.message.setStyleSheet("color: #c92a2a;")
        self.next_step = QPushButton("次へ：聞き取り（Ctrl+Enter）")
        self.next_step.setObjectName("nextStep")
        footer.addWidget(self.message, 1)
        footer.addWidget(self.next_step)
        layout.addLayout(footer)
