"""A keyring backend for tests: the real `keyring` package and its lookup, with the secrets in
a JSON file named by MADOGUCHI_TEST_KEYRING (selected with PYTHON_KEYRING_BACKEND)."""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _file() -> Path:
        return Path(os.environ["MADOGUCHI_TEST_KEYRING"])

    def _load(self) -> dict:
        path = self._file()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        secrets = self._load()
        secrets[f"{service}/{username}"] = password
        self._file().write_text(json.dumps(secrets), encoding="utf-8")

    def delete_password(self, service, username):
        secrets = self._load()
        if secrets.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._file().write_text(json.dumps(secrets), encoding="utf-8")
