"""EF 0002 parsing: the CARD.md example, long lengths, rare characters, filler, damage."""

import datetime as dt

import pytest
from samples import CARD_MD_EXAMPLE

from card_reader.basic_four import encode_basic_four, parse_basic_four
from card_reader.errors import MalformedCardDataError
from card_reader.tlv import TlvError, iter_tlvs, read_header
from card_reader.virtual_card import MALFORMATIONS, CardHolder


def test_card_md_synthetic_example():
    assert len(CARD_MD_EXAMPLE) == 95
    four = parse_basic_four(CARD_MD_EXAMPLE)
    assert four.name == "山田\u3000花子"
    assert (four.surname, four.given_name) == ("山田", "花子")
    assert four.address == "東京都千代田区霞が関２－１－２"  # full-width digits and U+FF0D kept
    assert four.birth_date == dt.date(1990, 4, 1)
    assert (four.sex_code, four.sex, four.sex_label_ja) == ("2", "female", "女")
    assert four.raw["name"] == "山田\u3000花子".encode()


def test_encoder_reproduces_the_example_byte_for_byte():
    assert encode_basic_four("山田\u3000花子", "東京都千代田区霞が関２－１－２",
                             dt.date(1990, 4, 1), "2") == CARD_MD_EXAMPLE


@pytest.mark.parametrize(
    ("address_chars", "length_form"),
    [(50, b"\x81"), (90, b"\x82")],  # 150 bytes of address → 81 xx; 270 bytes → 82 xx xx
)
def test_long_form_lengths(address_chars, length_form):
    address = "北海道北見市" + "あ" * (address_chars - 6)
    data = encode_basic_four("北見\u3000太郎", address, dt.date(1950, 1, 1), "1")
    assert data[2:3] == length_form
    four = parse_basic_four(data)
    assert four.address == address
    assert len(four.raw["address"]) == address_chars * 3


def test_long_form_even_when_short_form_would_do():
    data = encode_basic_four("山田\u3000花子", "東京都", dt.date(1990, 4, 1), "2",
                             force_long_form=True)
    assert data[2] == 0x81
    assert parse_basic_four(data).address == "東京都"


def test_supplementary_plane_and_private_use_characters_kept():
    name = "𠮷田\u3000\ue000子"
    four = parse_basic_four(encode_basic_four(name, "東京都", dt.date(2000, 2, 29), "9"))
    assert four.name == name
    assert four.surname == "𠮷田"
    assert (four.sex, four.sex_label_ja) == ("9", "適用不能")


def test_unknown_sex_code_is_shown_raw():
    four = parse_basic_four(encode_basic_four("a\u3000b", "c", dt.date(2000, 1, 1), "7"))
    assert (four.sex, four.sex_label_ja) == ("7", "コード 7")


@pytest.mark.parametrize("filler", [b"\xff" * 40, b"\x00" * 40, b"\xff\x00" * 100])
def test_filler_after_the_object_is_ignored(filler):
    assert parse_basic_four(CARD_MD_EXAMPLE + filler).name == "山田\u3000花子"


@pytest.mark.parametrize("how", MALFORMATIONS)
def test_damaged_files_are_refused(how):
    holder = CardHolder("山田\u3000花子", "東京都", dt.date(1990, 4, 1), "2",
                        faults={"malformed_ef": how})
    with pytest.raises(MalformedCardDataError) as info:
        parse_basic_four(holder.ef_basic_four())
    assert info.value.message_ja.endswith("手入力してください")
    if how == "bad_utf8":
        assert info.value.raw_hex.startswith("80")


def test_missing_field_is_refused():
    without_sex = CARD_MD_EXAMPLE[:-4]
    patched = without_sex[:2] + bytes([without_sex[2] - 4]) + without_sex[3:]
    with pytest.raises(MalformedCardDataError, match="missing tags DF25"):
        parse_basic_four(patched)


def test_tlv_reader_multibyte_tags_and_lengths():
    data = bytes.fromhex("DF2182000301020304")
    item = read_header(data, 0)
    assert (item.tag, item.length, item.value_offset) == (0xDF21, 3, 5)
    assert [t.tag for t in iter_tlvs(bytes.fromhex("DF210100DF2200"), 0, 7)] == [0xDF21, 0xDF22]
    with pytest.raises(TlvError, match="indefinite"):
        read_header(bytes.fromhex("FF2080"), 0)
    with pytest.raises(TlvError, match="overruns"):
        iter_tlvs(bytes.fromhex("DF2105AA"), 0, 4)


@pytest.mark.parametrize(
    ("name", "address", "code"),
    [
        ("山田\x00花子", "東京都", "U+0000"),  # NUL: no PostgreSQL text column takes it
        ("山田\u3000花子", "東京都\x1b[2J", "U+001B"),  # ESC clears a terminal
        ("山田\u202e花子", "東京都", "U+202E"),  # right-to-left override
        ("山田\r\n花子", "東京都", "U+000D"),
        ("山田\u3000花子", "東京都\u2028千代田区", "U+2028"),  # line separator
    ],
)
def test_control_characters_make_the_record_unreadable(name, address, code):
    with pytest.raises(MalformedCardDataError) as info:
        parse_basic_four(encode_basic_four(name, address, dt.date(1990, 4, 1), "2"))
    assert code in str(info.value)
    assert "山田" not in str(info.value) and "東京都" not in str(info.value)


def test_a_name_of_zero_width_spaces_is_refused():
    with pytest.raises(MalformedCardDataError, match=r"name holds the control character U\+200B"):
        parse_basic_four(encode_basic_four("\u200b\u200b", "東京都", dt.date(1990, 4, 1), "2"))


@pytest.mark.parametrize("born", [dt.date(2999, 1, 1), dt.date(1868, 1, 24),
                                  dt.date.today() + dt.timedelta(days=1)])
def test_an_impossible_birth_date_makes_the_record_unreadable(born):
    with pytest.raises(MalformedCardDataError, match="birth date"):
        parse_basic_four(encode_basic_four("山田\u3000花子", "東京都", born, "2"))
