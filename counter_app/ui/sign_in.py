"""Signing in to the config page, and signing out after a quiet while.

Only the config page asks for a sign-in: counter staff at the reception are not slowed down.
On a database without a supervisor the first one is created here. The account store
(counter_app.store.accounts) checks passwords, counts failures, locks out and audits.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.accounts import PasswordPolicyError, Role
from counter_app.accounts.passwords import MIN_LENGTH
from counter_app.store.accounts import Account, AccountError, AccountRepository, SignInRefused

log = logging.getLogger(__name__)

IDLE_MINUTES = 10  # a supervisor who walks away is signed out before someone else sits down
NOT_SUPERVISOR_JA = "この画面は監督者だけが使えます。監督者のアカウントでサインインしてください。"
MISMATCH_JA = "2回入力したパスワードが一致しません。もう一度入力してください。"


class SignInPanel(QWidget):
    """Name and password; on a database with no supervisor, the first supervisor's account."""

    signed_in = Signal(object)  # Account

    def __init__(self, accounts: AccountRepository, counter: str = "") -> None:
        super().__init__()
        self.setObjectName("signIn")
        self._accounts = accounts
        self._counter = counter
        self.creating = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 16, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("pageSummary")
        self.heading.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("accountName")
        self.name.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(1024)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setMaxLength(1024)
        form = QFormLayout()
        form.addRow("アカウント名", self.name)
        form.addRow("パスワード", self.password)
        self.again_label = QLabel("パスワード（確認）")
        form.addRow(self.again_label, self.again)
        for field in (self.name, self.password, self.again):
            field.setFixedWidth(480)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c92a2a; font-weight: bold;")
        self.submit = QPushButton()
        self.submit.clicked.connect(self.attempt)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.submit, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.name.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._password_entered)
        self.again.returnPressed.connect(self.attempt)

    def reset(self, note: str = "") -> None:
        """Ready for the next sign-in: fields empty, the name focused."""
        self.creating = not self._accounts.any_supervisor()
        if self.creating:
            self.heading.setText("監督者のアカウントがまだありません。最初の監督者を登録してください"
                                 f"（アカウント名は半角英数字、パスワードは{MIN_LENGTH}文字以上）。")
            self.submit.setText("登録してサインイン（Enter）")
        else:
            self.heading.setText("設定の変更には監督者のサインインが必要です。")
            self.submit.setText("サインイン（Enter）")
        self.again.setVisible(self.creating)
        self.again_label.setVisible(self.creating)
        for field in (self.name, self.password, self.again):
            field.clear()
        self.message.setText(note)
        self.name.setFocus()

    def _password_entered(self) -> None:
        if self.creating:
            self.again.setFocus()
        else:
            self.attempt()

    def attempt(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        if not name:
            self._refuse("アカウント名を入力してください。", self.name)
            return
        try:
            if self.creating:
                if password != self.again.text():
                    self._refuse(MISMATCH_JA, self.password)
                    return
                self._accounts.create(name, Role.SUPERVISOR, password)
                log.info("first supervisor account created")
            account = self._accounts.sign_in(name, password, self._counter)
        except (SignInRefused, AccountError, PasswordPolicyError) as exc:
            log.info("config sign-in refused: %s", exc)
            self._refuse(exc.message_ja, self.password)
            return
        finally:
            password = ""
        if not account.role.may_configure():
            log.info("config sign-in refused: role %s", account.role.value)
            self._refuse(NOT_SUPERVISOR_JA, self.name)
            return
        self.password.clear()
        self.again.clear()
        self.message.clear()
        self.signed_in.emit(account)

    def _refuse(self, message: str, focus: QLineEdit) -> None:
        self.message.setText(message)
        self.password.clear()
        self.again.clear()
        focus.setFocus()
        focus.selectAll()


class IdleWatch(QObject):
    """Fires `expired` after `minutes` without a key press or a click anywhere in the app."""

    expired = Signal()

    def __init__(self, minutes: float = IDLE_MINUTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(minutes * 60_000))
        self._timer.timeout.connect(self._expire)

    def start(self) -> None:
        QApplication.instance().installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def _expire(self) -> None:
        self.stop()
        self.expired.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.InputMethod,
                            QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self._timer.start()  # restart the quiet time
        return False


__all__ = ["Account", "IdleWatch", "SignInPanel"]
