"""Passwords: scrypt (hashlib) with a random salt per account; never stored or logged in clear.

The stored form names its parameters, so they can be raised later without breaking accounts:
    scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# About 60 ms on a counter PC: slow for a guesser, unnoticed at a once-a-shift sign-in.
N, R, P = 2**15, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MIN_LENGTH = 8


class PasswordPolicyError(ValueError):
    """`message_ja` says what a password needs."""

    def __init__(self, message_ja: str) -> None:
        super().__init__("password does not meet the policy")
        self.message_ja = message_ja


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"パスワードは{MIN_LENGTH}文字以上にしてください")
    if password.strip() != password or not password.isprintable():
        raise PasswordPolicyError("パスワードの前後の空白や制御文字は使えません")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * n * r * p, dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    check_policy(password)
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, N, R, P)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def verify(password: str, stored: str) -> bool:
    """True if the password matches; compared in constant time."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
