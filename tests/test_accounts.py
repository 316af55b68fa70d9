"""Accounts: scrypt hashes with a salt each, lockout after repeated failures, nothing in clear."""

import datetime as dt

import pytest
from sqlalchemy import text

from counter_app.accounts import PasswordPolicyError, Role, hash_password, verify
from counter_app.store.accounts import AccountError, AccountRepository, SignInRefused
from counter_app.store.audit import AuditLog

SECRET = "aoba-counter-7"


def test_hashes_are_salted_and_verified_in_constant_time():
    first, second = hash_password(SECRET), hash_password(SECRET)
    assert first != second and SECRET not in first  # a salt per account
    assert first.startswith("scrypt$")
    assert verify(SECRET, first) and not verify("aoba-counter-8", first)
    assert not verify(SECRET, "garbage") and not verify(SECRET, "md5$x")
    with pytest.raises(PasswordPolicyError):
        hash_password("short")


def test_sign_in_locks_after_five_failures_and_never_stores_the_password(sessions):
    now = [dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)]

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return now[0]

    accounts = AccountRepository(sessions, Clock)
    assert not accounts.any_supervisor()  # a new installation: the first run creates one
    accounts.create("kanri", Role.SUPERVISOR, SECRET)
    assert accounts.any_supervisor()
    with pytest.raises(AccountError):
        accounts.create("kanri", Role.STAFF, SECRET)
    signed_in = accounts.sign_in("kanri", SECRET, "C1")
    assert (signed_in.name, signed_in.role) == ("kanri", Role.SUPERVISOR)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.sign_in("kanri", "wrong-password", "C1")
    with pytest.raises(SignInRefused) as refused:
        accounts.sign_in("kanri", SECRET, "C1")  # locked, even with the right password
    assert "15分後" in refused.value.message_ja
    now[0] += dt.timedelta(minutes=16)
    assert accounts.sign_in("kanri", SECRET, "C1").role is Role.SUPERVISOR
    with pytest.raises(SignInRefused) as unknown:
        accounts.sign_in("nobody", SECRET)
    assert unknown.value.message_ja == "アカウント名またはパスワードが違います"
    actions = [e.action for e in AuditLog(sessions).entries()]
    assert actions.count("sign_in") == 2 and actions.count("sign_in.failed") == 7
    with sessions() as s:
        dump = " ".join(str(v) for table in ("accounts", "audit_log")
                        for r in s.execute(text(f"select * from {table}")) for v in r)
    assert SECRET not in dump and "wrong-password" not in dump
