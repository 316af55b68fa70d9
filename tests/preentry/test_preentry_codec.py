"""The pre-entry QR payload: round trips, size, and every kind of bad code refused."""

import zlib

import pytest
from households import compact_of, household, payload

from counter_app.preentry import PreEntryError, decode, encode
from counter_app.rules import default_catalogue

DAMAGED = "QRコードを正しく読み取れませんでした。もう一度読み取ってください。"
FOREIGN = "事前入力のQRコードではありません。"
INVALID = "QRコードの内容に誤りがあります。窓口で入力し直してください。"


def test_a_household_of_1_to_10_comes_back_exactly():
    catalogue = default_catalogue()
    for size in range(1, 11):
        case = household(size)
        text = encode(case)
        assert text.startswith("MDP1") and text[4:].isdigit(), size
        assert decode(text) == case, size
        assert decode(text, catalogue) == case, size


def test_the_payload_is_the_documented_format():
    case = household(4)
    assert encode(case) == payload(compact_of(case))


def test_a_four_person_household_fits_a_small_qr_code():
    # 1,000 digits fit QR version 15-M (numeric); four people need far fewer.
    sizes = [len(encode(household(n))) for n in range(1, 7)]
    assert sizes == sorted(sizes)
    assert sizes[3] < 950, sizes


def test_what_a_scanner_types_through_an_ime_or_with_caps_lock_is_read():
    case = household(2)
    text = encode(case)
    full_width = text.translate(str.maketrans("0123456789MDP", "０１２３４５６７８９ＭＤＰ"))
    assert decode(full_width) == case
    assert decode(text.lower()) == case
    assert decode(f"  {text}\r\n") == case


def test_only_the_case_file_subset_travels():
    case = household(1)
    case["id"] = "c1"
    case["members"][0]["resident_code"] = "12345678901"
    case["members"][0]["source"] = "card"
    case["household"] = {"head": 0}
    decoded = decode(encode(case))
    assert "id" not in decoded and "household" not in decoded
    assert decoded["members"][0] == {**household(1)["members"][0], "source": "preentry"}


def test_codes_that_are_not_pre_entry_codes_are_refused():
    for text, message in [
        ("", FOREIGN),
        ("MADOGUCHI1|c1|resident_move|1", FOREIGN),  # a printed page's code
        ("https://example.jp/", FOREIGN),
        ("MDPX123", FOREIGN),
        ("MDP1", DAMAGED),
        ("MDP112345678901234567", DAMAGED),
        ("MDP1ABC", DAMAGED),
    ]:
        with pytest.raises(PreEntryError) as error:
            decode(text)
        assert error.value.message_ja == message, text


def test_a_newer_format_asks_for_an_update():
    with pytest.raises(PreEntryError) as error:
        decode("MDP2" + encode(household(1))[4:])
    assert "アプリの更新" in error.value.message_ja
    assert "version 2" in str(error.value)


def test_every_damaged_digit_is_noticed():
    text = encode(household(4))
    for position in range(4, len(text)):
        changed = text[:position] + str((int(text[position]) + 5) % 10) + text[position + 1:]
        with pytest.raises(PreEntryError) as error:
            decode(changed)
        assert error.value.message_ja == DAMAGED, position


def test_a_code_cut_short_or_extended_is_refused():
    text = encode(household(4))
    for cut in (1, 2, 17, 100):
        for broken in (text[:-cut], text + "0" * cut):
            with pytest.raises(PreEntryError) as error:
                decode(broken)
            assert error.value.message_ja == DAMAGED, cut


def test_a_checksum_over_other_content_is_refused():
    compact = compact_of(household(1))
    with pytest.raises(PreEntryError) as error:
        decode(payload(compact, crc_of=b"[]"))
    assert error.value.message_ja == DAMAGED
    assert "checksum" in str(error.value)


def _tampered(change):
    compact = compact_of(household(3))
    change(compact)
    return payload(compact)


MADE_UP = [
    (lambda c: c.append(1), "11 items"),
    (lambda c: c.__setitem__(0, 4), "move.kind"),
    (lambda c: c.__setitem__(0, True), "move.kind"),
    (lambda c: c.__setitem__(1, "20260230"), "not a date of the calendar"),
    (lambda c: c.__setitem__(1, "19260401"), "plausible"),
    (lambda c: c.__setitem__(2, "つくば市123456789012"), "12 or more digits"),
    (lambda c: c.__setitem__(2, "つくば市１２３４５６７８９０１２"), "12 or more digits"),
    (lambda c: c.__setitem__(3, "ハイツ\u202e101"), "control characters"),
    (lambda c: c.__setitem__(4, "099990"), "postal_code"),
    (lambda c: c.__setitem__(5, ""), "must not be empty"),
    (lambda c: c.__setitem__(5, "あ" * 121), "longer than 120"),
    (lambda c: c.__setitem__(7, 3), "filer.member"),
    (lambda c: c.__setitem__(8, "090-1234-567890"), "filer.phone"),
    (lambda c: c.__setitem__(9, []), "1 to 10 people"),
    (lambda c: c.__setitem__(9, c[9] * 4), "1 to 10 people"),
    (lambda c: c[9][0].__setitem__(0, 123), "members[0].name"),
    (lambda c: c[9][1].__setitem__(1, "みほん　はなこ"), "katakana only"),
    (lambda c: c[9][1].__setitem__(1, "ミホン ハナコ"), "katakana only"),
    (lambda c: c[9][1].__setitem__(0, "見本　123412341234"), "12 or more digits"),
    (lambda c: c[9][2].__setitem__(2, "20150231"), "not a date of the calendar"),
    (lambda c: c[9][2].__setitem__(2, "20300101"), "birth_date"),
    (lambda c: c[9][2].__setitem__(3, 3), "sex"),
    (lambda c: c[9][2].__setitem__(4, "友人"), "relationship"),
    (lambda c: c[9][0].append("extra"), "6 items"),
    (lambda c: c[9][0][5].extend([99, True]), "not a fact"),
    (lambda c: c[9][0][5].__setitem__(slice(0, 0), [3, True]),
     "household.has_dog is not a fact of this scope"),
    (lambda c: c[9][0][5].__setitem__(1, 1), "expected true, false or a choice"),
    (lambda c: c[9][0][5].__setitem__(1, "123456789012"), "12 or more digits"),
    (lambda c: c[9][0][5].__setitem__(slice(0, 0), [7, True]), "out of order or repeated"),
    (lambda c: c[10].extend(["member.0.card_held", True]), "not a fact of this scope"),
    (lambda c: c[10].extend(["move.kind; drop", True]), "not a fact of this scope"),
]


def test_content_that_was_made_up_is_refused_naming_the_field():
    # The reason names the field, never what it holds: staff logs may keep it.
    personal = ("見本", "ミホン", "みほん", "つくば", "あおば", "ハイツ", "090-", "1984", "2015",
                "2030", "友人", "20260230", "19260401", "123456789012", "１２３４")
    for change, reason in MADE_UP:
        with pytest.raises(PreEntryError) as error:
            decode(_tampered(change))
        assert error.value.message_ja == INVALID, reason
        assert reason in str(error.value)
        assert [p for p in personal if p in str(error.value)] == [], reason


def test_answers_the_catalogue_does_not_ask_are_refused():
    catalogue = default_catalogue()
    for key, value, reason in [
        ("household.has_cat", True, "not a question of this city's catalogue"),
        ("member.0.age", True, "not a question of this city's catalogue"),
        ("member.0.health_insurance", "private", "not an answer to health_insurance"),
        ("member.0.card_held", "yes", "not an answer to card_held"),
    ]:
        case = household(1)
        case["answers"][key] = value
        text = encode(case)  # well formed: only the catalogue knows it is wrong
        assert decode(text)["answers"][key] == value
        with pytest.raises(PreEntryError) as error:
            decode(text, catalogue)
        assert reason in str(error.value)


def test_content_that_is_not_json_or_too_large_is_refused():
    for content, reason in ((b"[1,", "not JSON"), (b"[" * 5000 + b"]" * 5000, "not JSON"),
                            (b"[" * 100000, "larger than"), (b"\xff\xfe", "not JSON"),
                            (b"[NaN]", "not JSON")):
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        data += zlib.crc32(b"MDP1" + content).to_bytes(4, "big")
        digits = "".join(str(int.from_bytes(data[i:i + 7], "big")).zfill(
            17 if len(data[i:i + 7]) == 7 else len(str(256 ** len(data[i:i + 7]) - 1)))
            for i in range(0, len(data), 7))
        with pytest.raises(PreEntryError) as error:
            decode("MDP1" + digits)
        assert reason in str(error.value)


def test_encode_refuses_what_decode_would_refuse():
    for change, reason in [
        (lambda c: c["members"].extend(household(10)["members"][:1] * 10), "1 to 10 people"),
        (lambda c: c["members"][0].update(name="見本　太郎 123456789012"), "12 or more digits"),
        (lambda c: c["answers"].update({"member.5.card_held": True}), "no member 5"),
        (lambda c: c.update(filer={"name": "代理　人", "phone": ""}), "filer"),
    ]:
        case = household(2)
        change(case)
        with pytest.raises(PreEntryError) as error:
            encode(case)
        assert reason in str(error.value)
    case = household(2)
    case["move"]["new_building"] = "My Number 1234 5678 9012"  # spaced: not one number
    assert decode(encode(case)) == case


def test_without_a_filer_the_head_of_household_files():
    case = household(2)
    case["members"].reverse()  # the 世帯主 is now the second
    del case["filer"]
    assert decode(encode(case))["filer"] == {"member": 1, "phone": ""}


def test_the_longest_names_the_page_allows_travel():
    case = household(1)
    case["members"][0]["name"] = "長" * 30 + "\u3000" + "名" * 30
    case["members"][0]["kana"] = "ナ" * 30 + "\u3000" + "メ" * 30
    assert decode(encode(case)) == case
    case["members"][0]["name"] = "長" * 81
    with pytest.raises(PreEntryError, match="longer than 80"):
        encode(case)


def test_a_decoded_code_is_a_case_the_counter_loads():
    from counter_app.domain import Case, MemberSource

    case = Case.from_dict(decode(encode(household(4))))
    assert [m.source for m in case.members] == [MemberSource.PREENTRY] * 4
    assert case.members[1].kana == "ミホン\u3000ハナコ"
    assert (case.filer.member, case.filer.phone) == (0, "090-1234-5678")
    assert (case.move.new_postal_code, case.move.new_building) == ("0999903", "あおばハイツ203")
    assert case.answers["member.3.needs_childcare"] is True
