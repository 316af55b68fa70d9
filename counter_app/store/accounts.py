"""Accounts in the database: creating them, signing in with lockout after repeated failures.

Every sign-in (and every refusal) is in the audit trail under the account's name; a password
is never stored or logged in clear (counter_app.accounts.passwords).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from counter_app.accounts import Role, hash_password, verify
from counter_app.store import audit
from counter_app.store.models import AccountRow

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
_NAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")


@dataclass(frozen=True)
class Account:
    name: str
    role: Role


class SignInRefused(Exception):
    """`message_ja` for staff; never says whether the name or the password was wrong."""

    def __init__(self, reason: str, message_ja: str) -> None:
        super().__init__(reason)
        self.message_ja = message_ja


class AccountError(ValueError):
    def __init__(self, reason: str, message_ja: str) -> None:
        super().__init__(reason)
        self.message_ja = message_ja


class AccountRepository:
    def __init__(self, sessions: sessionmaker[Session],
                 now: type[dt.datetime] = dt.datetime) -> None:
        self._sessions = sessions
        self._now = now

    def _clock(self) -> dt.datetime:
        return self._now.now(dt.UTC)

    def any_supervisor(self) -> bool:
        """False on a new installation: the first run creates the first supervisor."""
        with self._sessions() as session:
            return bool(session.scalar(select(func.count()).select_from(AccountRow).where(
                AccountRow.role == Role.SUPERVISOR.value, AccountRow.disabled == 0)))

    def create(self, name: str, role: Role, password: str) -> Account:
        if not _NAME.match(name):
            raise AccountError("bad account name",
                               "アカウント名は半角英数字と . _ - で2～64文字にしてください")
        stored = hash_password(password)  # refuses a weak password before anything is written
        with self._sessions.begin() as session:
            if session.get(AccountRow, name) is not None:
                raise AccountError("account exists", "そのアカウント名はすでにあります")
            session.add(AccountRow(name=name, role=role.value, password_hash=stored,
                                   created_at=self._clock()))
        return Account(name, role)

    def accounts(self) -> list[Account]:
        with self._sessions() as session:
            rows = session.scalars(select(AccountRow).where(AccountRow.disabled == 0)
                                   .order_by(AccountRow.name)).all()
            return [Account(r.name, Role(r.role)) for r in rows]

    def sign_in(self, name: str, password: str, counter: str = "") -> Account:
        now = self._clock()
        refusal: SignInRefused | None = None
        with self._sessions.begin() as session:  # failures are counted even when refused
            row = session.get(AccountRow, name)
            if row is None or row.disabled:
                verify(password, _DUMMY)  # the same work for a name that does not exist
                audit.add(session, "sign_in.failed", counter=counter, detail="unknown account")
                refusal = SignInRefused("unknown account", WRONG_JA)
            elif row.locked_until is not None and _utc(row.locked_until) > now:
                audit.add(session, "sign_in.failed", counter=counter, account=name,
                          detail="locked")
                refusal = SignInRefused("locked", LOCKED_JA)
            elif not verify(password, row.password_hash):
                row.failed_attempts += 1
                if row.failed_attempts >= MAX_FAILURES:
                    row.locked_until = now + LOCKOUT
                    row.failed_attempts = 0
                audit.add(session, "sign_in.failed", counter=counter, account=name,
                          detail="wrong password")
                refusal = SignInRefused("wrong password", WRONG_JA)
            else:
                row.failed_attempts = 0
                row.locked_until = None
                audit.add(session, "sign_in", counter=counter, account=name)
                account = Account(row.name, Role(row.role))
        if refusal is not None:
            raise refusal
        return account


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


WRONG_JA = "アカウント名またはパスワードが違います"
LOCKED_JA = ("続けて失敗したため、しばらくサインインできません。15分後にやり直すか、"
             "監督者に連絡してください")
_DUMMY = hash_password("dummy-password-for-timing")
