"""Layout of the reception page: the move (next issue), the demo reader, the household."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

MEMBER_COLUMNS = ["氏名", "生年月日", "性別", "住所", "入力方法"]


class DemoReaderView(QGroupBox):
    def __init__(self) -> None:
        super().__init__("デモ：模擬カードリーダー（研修用の架空の住民）")
        self.setObjectName("demoReader")
        row = QHBoxLayout(self)
        self.residents = QComboBox()
        self.residents.setObjectName("demoResidents")
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


class ReceptionView(QWidget):
    def __init__(self, with_demo_reader: bool) -> None:
        super().__init__()
        self.setObjectName("page_reception")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        title = QLabel("受付")
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        move_notice = QFrame()
        move_notice.setObjectName("pageNotice")
        notice_layout = QVBoxLayout(move_notice)
        notice_layout.addWidget(QLabel(
            "異動の種類・日付・旧住所・新住所の入力は準備中です（郵便番号から住所を検索します）。"))
        layout.addWidget(move_notice)

        self.demo_reader = DemoReaderView() if with_demo_reader else None
        if self.demo_reader is not None:
            layout.addWidget(self.demo_reader)

        household = QGroupBox("世帯員（転入・転居・転出する方）")
        household_layout = QVBoxLayout(household)
        self.members = QTableWidget(0, len(MEMBER_COLUMNS))
        self.members.setObjectName("members")
        self.members.setHorizontalHeaderLabels(MEMBER_COLUMNS)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().setVisible(False)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        household_layout.addWidget(self.members)

        buttons = QHBoxLayout()
        self.read_card = QPushButton("カードを読む（F2）")
        self.read_card.setObjectName("readCard")
        self.add_manual = QPushButton("手入力で追加（F3）")
        self.add_manual.setObjectName("addManual")
        self.remove_member = QPushButton("削除（Delete）")
        self.remove_member.setObjectName("removeMember")
        for button in (self.read_card, self.add_manual, self.remove_member):
            buttons.addWidget(button)
        buttons.addStretch(1)
        household_layout.addLayout(buttons)

        self.hint = QLabel()
        self.hint.setObjectName("cardHint")
        self.hint.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1864ab;")
        household_layout.addWidget(self.hint)
        layout.addWidget(household, 1)
