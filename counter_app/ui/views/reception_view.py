"""Layout of the reception page: the move, the household and its roles.

Laid out for a 1366x768 counter PC first: one column, nothing wider than the window, long text
wraps; every action shows its key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.event_views import EventView, KindsBar
from counter_app.ui.views.common import page_layout, row_table

MEMBER_COLUMNS = ["続柄", "氏名", "フリガナ", "生年月日", "性別", "役割", "入力"]
ERROR_STYLE = "color: #c92a2a;"


class MoveView(QGroupBox):
    def __init__(self) -> None:
        super().__init__("異動")
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        self.date = QLineEdit()
        self.date.setObjectName("moveDate")
        self.date.setPlaceholderText("月日4桁 0401 ／ 和暦 5080401 ／ 2026-04-01")
        self.date.setMaximumWidth(330)
        self.date_era = QLabel()
        self.date_era.setObjectName("moveDateEra")
        self.previous_label = QLabel("前住所")
        self.previous_address = QLineEdit()
        self.previous_address.setObjectName("previousAddress")
        self.previous_building = QLineEdit()
        self.previous_building.setObjectName("previousBuilding")
        self.previous_building.setPlaceholderText("方書（建物名・部屋番号）")
        self.new_label = QLabel("新住所")
        self.postal_code = QLineEdit()
        self.postal_code.setObjectName("postalCode")
        self.postal_code.setPlaceholderText("〒（F5）市内は下4桁")
        self.postal_code.setMaximumWidth(230)
        self.new_address = QLineEdit()
        self.new_address.setObjectName("newAddress")
        self.new_address.setPlaceholderText("郵便番号から町名まで入ります。続けて番地を入力")
        self.new_building = QLineEdit()
        self.new_building.setObjectName("newBuilding")
        self.new_building.setPlaceholderText("方書（建物名・部屋番号）")
        self.lookup_busy = QProgressBar()
        self.lookup_busy.setObjectName("postalBusy")
        self.lookup_busy.setRange(0, 0)  # "working", for the first look-up outside the city
        self.lookup_busy.setMaximumWidth(120)
        self.lookup_busy.setVisible(False)
        self.error = QLabel()
        self.error.setObjectName("moveError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        grid.addWidget(QLabel("異動日"), 0, 0)
        grid.addWidget(self.date, 0, 1)
        grid.addWidget(self.date_era, 0, 2, 1, 3)
        grid.addWidget(self.previous_label, 1, 0)
        grid.addWidget(self.previous_address, 1, 1, 1, 4)
        grid.addWidget(self.previous_building, 1, 5)
        grid.addWidget(self.new_label, 2, 0)
        postal = QHBoxLayout()
        postal.addWidget(self.postal_code)
        postal.addWidget(self.lookup_busy)
        grid.addLayout(postal, 2, 1)
        grid.addWidget(self.new_address, 2, 2, 1, 3)
        grid.addWidget(self.new_building, 2, 5)
        grid.addWidget(self.error, 3, 0, 1, 6)
        grid.setColumnStretch(4, 1)
        grid.setColumnStretch(5, 1)


class ReceptionView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = page_layout(self, "reception", "受付")

        # What the visit is for: a move, a life event, or both (event_views.py).
        self.kinds = KindsBar()
        layout.addWidget(self.kinds)
        self.event_box = EventView()
        layout.addWidget(self.event_box)
        self.move = MoveView()
        layout.addWidget(self.move)

        household = self.household_box = QGroupBox("世帯員（異動する方）")
        household_layout = QVBoxLayout(household)
        self.members = row_table("members", MEMBER_COLUMNS)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        household_layout.addWidget(self.members, 1)

        self.roles = QLabel()
        self.roles.setObjectName("roles")
        self.roles.setWordWrap(True)
        household_layout.addWidget(self.roles)

        buttons = QHBoxLayout()
        self.read_card = QPushButton("カード（F2）")
        self.read_card.setObjectName("readCard")
        self.add_manual = QPushButton("手入力（F3）")
        self.add_manual.setObjectName("addManual")
        self.details = QPushButton("詳細（F6）")
        self.details.setObjectName("memberDetails")
        self.details.setToolTip("フリガナ・本籍・住民票コード・外国人住民の事項・異動しない方")
        self.roles_button = QPushButton("世帯主・届出人（F7）")
        self.roles_button.setObjectName("rolesButton")
        self.move_up = QPushButton("↑")
        self.move_up.setToolTip("上へ（Ctrl+↑）")
        self.move_down = QPushButton("↓")
        self.move_down.setToolTip("下へ（Ctrl+↓）")
        for arrow in (self.move_up, self.move_down):
            arrow.setFixedWidth(36)
        self.remove_member = QPushButton("削除（Del）")
        self.remove_member.setObjectName("removeMember")
        self.relationship = QComboBox()
        self.relationship.setObjectName("relationship")
        self.relationship.setMinimumWidth(150)  # 「子の配偶者」; the row fits 1366 pixels
        for button in (self.read_card, self.add_manual, self.details, self.roles_button,
                       self.move_up, self.move_down, self.remove_member):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("続柄（F4）"))
        buttons.addWidget(self.relationship)
        household_layout.addLayout(buttons)

        self.hint = QLabel()
        self.hint.setObjectName("cardHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("font-size: 15pt; font-weight: bold; color: #1864ab;")
        household_layout.addWidget(self.hint)
        layout.addWidget(household, 1)

        # Messages share the footer with 次へ, so the household table keeps its height.
        footer = QHBoxLayout()
        messages = QVBoxLayout()
        self.card_problem = QLabel()
        self.card_problem.setObjectName("cardProblem")
        self.card_problem.setWordWrap(True)
        self.card_problem.setStyleSheet("color: #c92a2a; background: #fff5f5;"
                                        " border: 1px solid #ffa8a8; padding: 4px 8px;")
        self.card_problem.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("pageMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        messages.addWidget(self.card_problem)
        messages.addWidget(self.message)
        self.next_step = QPushButton("次へ：聞き取り（Ctrl+Enter）")
        self.next_step.setObjectName("nextStep")
        footer.addLayout(messages, 1)
        footer.addWidget(self.next_step, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(footer)
