"""Accounts and roles (staff, supervisor, trainer), Qt-free: password hashing and the rules of
signing in. The store keeps the accounts (counter_app.store.accounts)."""

from counter_app.accounts.passwords import PasswordPolicyError, check_policy, hash_password, verify
from counter_app.accounts.roles import Role

__all__ = ["PasswordPolicyError", "Role", "check_policy", "hash_password", "verify"]
