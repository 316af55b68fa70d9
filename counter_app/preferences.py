"""Per-PC preferences (reader, printer, window geometry, database URL and password) in an INI
file.

The file lives in the data directory so that a PC's set-up is one folder to back up, and so that
tests get their own by pointing MADOGUCHI_DATA_DIR at a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_FILE_NAME = "settings.ini"


class PreferencesError(Exception):
    """A value in settings.ini cannot be used as written. The message names the key."""


class Preferences:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SETTINGS_FILE_NAME
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _text(self, key: str) -> str | None:
        value = self._settings.value(key)
        return str(value) if value not in (None, "") else None

    def _set(self, key: str, value: object) -> None:
        if value in (None, ""):
            self._settings.remove(key)
        else:
            self._settings.setValue(key, value)
        self._settings.sync()

    @property
    def database_url(self) -> str | None:
        return self._text("database/url")

    @database_url.setter
    def database_url(self, url: str | None) -> None:
        self._set("database/url", url)

    @property
    def database_password(self) -> str | None:
        """`database/password`: written by an administrator, in double quotes (INI syntax
        splits an unquoted value at commas and ends it at a semicolon). Never logged."""
        value = self._settings.value("database/password")
        if isinstance(value, list):
            raise PreferencesError('database/password in settings.ini must be in double quotes'
                                   ' ("…"): it contains a comma')
        return str(value) if value not in (None, "") else None

    @property
    def counter_name(self) -> str:
        """This counter's name in claims and the audit: `counter/name`, else the PC's name."""
        import socket

        return (self._text("counter/name") or socket.gethostname())[:64]

    @property
    def reader_name(self) -> str | None:
        return self._text("reader/name")

    @reader_name.setter
    def reader_name(self, name: str | None) -> None:
        self._set("reader/name", name)

    @property
    def printer_name(self) -> str | None:
        return self._text("printer/name")

    @printer_name.setter
    def printer_name(self, name: str | None) -> None:
        self._set("printer/name", name)

    @property
    def window_geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @window_geometry.setter
    def window_geometry(self, geometry: QByteArray | None) -> None:
        self._set("window/geometry", geometry)
