"""The Kenhojo reader: exact APDU transcripts, PIN handling, faults (virtual card in-process)."""

import datetime as dt

import pytest
from samples import CARD_MD_EXAMPLE

from card_reader.apdu import Response
from card_reader.errors import (
    CardNotRespondingError,
    CardProtocolError,
    CardRemovedError,
    LastTryNeedsConfirmationError,
    NotMyNumberCardError,
    PinBlockedError,
    WrongPinError,
)
from card_reader.kenhojo import CodeB, KenhojoReader, Pin
from card_reader.transport import VirtualTransport
from card_reader.virtual_card import CardHolder, VirtualMyNumberCard


class Transcript:
    """A transport that replays a recorded exchange and fails on any unexpected command."""

    def __init__(self, pairs):
        self.pairs = [(bytes.fromhex(c), bytes.fromhex(r)) for c, r in pairs]
        self.position = 0

    def transmit(self, command):
        expected, response = self.pairs[self.position]
        assert command.hex().upper() == expected.hex().upper(), f"APDU #{self.position}"
        self.position += 1
        return Response.parse(response)


HAPPY_TRANSCRIPT = [
    ("00A4040C0AD3921000310001010408", "9000"),
    ("00A4020C020011", "9000"),
    ("00200080", "63C3"),
    ("0020008004" "31323334", "9000"),
    ("00A4020C020002", "9000"),
    ("00B0000000", CARD_MD_EXAMPLE.hex() + "FFFF" + "9000"),
]


def test_happy_path_transcript_is_exactly_six_apdus():
    transport = Transcript(HAPPY_TRANSCRIPT)
    four = KenhojoReader(transport).read_basic_four(Pin("1234"))
    assert transport.position == 6
    assert four.to_json() == {"name": "山田\u3000花子", "address": "東京都千代田区霞が関２－１－２",
                              "birth_date": "1990-04-01", "sex": "female"}


def test_wrong_pin_transcript_reports_tries_and_stops():
    transport = Transcript([*HAPPY_TRANSCRIPT[:3], ("0020008004" "31313131", "63C2")])
    with pytest.raises(WrongPinError) as info:
        KenhojoReader(transport).read_basic_four(Pin("1111"))
    assert info.value.tries_left == 2
    assert info.value.message_ja == "暗証番号が違います。あと2回間違えるとロックされます"
    assert transport.position == 4  # nothing after the failed VERIFY


def test_not_a_my_number_card_transcript():
    transport = Transcript([("00A4040C0AD3921000310001010408", "6A82")])
    with pytest.raises(NotMyNumberCardError):
        KenhojoReader(transport).read_basic_four(Pin("1234"))


@pytest.mark.parametrize("sw", ["6984", "6983", "63C0"])
def test_blocked_pin_is_reported_without_verify(sw):
    transport = Transcript([*HAPPY_TRANSCRIPT[:2], ("00200080", sw)])
    with pytest.raises(PinBlockedError) as info:
        KenhojoReader(transport).read_basic_four(Pin("1234"))
    assert "ロック" in info.value.message_ja
    assert transport.position == 3


def test_read_continues_at_the_next_offset_when_the_object_is_longer():
    holder = CardHolder("北見\u3000太郎", "北海道北見市" + "あ" * 110, dt.date(1950, 1, 1), "1")
    ef = holder.ef_basic_four()
    assert len(ef) > 256
    transport = Transcript([
        *HAPPY_TRANSCRIPT[:5],
        ("00B0000000", ef[:256].hex() + "9000"),
        (f"00B00100{len(ef) - 256:02X}", ef[256:].hex() + "9000"),
    ])
    assert KenhojoReader(transport).read_basic_four(Pin("1234")).address == holder.address


def _virtual(**overrides):
    fields = dict(name="山田\u3000花子", address="東京都千代田区霞が関２－１－２",
                  birth_date=dt.date(1990, 4, 1), sex="2", code_b="02040120301234")
    fields.update(overrides)
    card = VirtualMyNumberCard(CardHolder(**fields))
    return card, VirtualTransport(card)


def test_wrong_pin_three_times_blocks_and_no_fourth_verify_is_ever_sent():
    card, transport = _virtual()
    reader = KenhojoReader(transport)
    for left in (2, 1):
        with pytest.raises(WrongPinError) as info:
            reader.read_basic_four(Pin("0000"))
        assert info.value.tries_left == left
    with pytest.raises(LastTryNeedsConfirmationError):
        reader.read_basic_four(Pin("0000"))  # no staff confirmation: the card is not asked
    assert card.verify_count() == 2
    with pytest.raises(PinBlockedError):
        reader.read_basic_four(Pin("0000"), allow_last_try=True)
    assert card.verify_count() == 3
    with pytest.raises(PinBlockedError):
        reader.read_basic_four(Pin("1234"), allow_last_try=True)  # even the right PIN
    assert card.verify_count() == 3


def test_success_resets_the_counter():
    _card, transport = _virtual()
    reader = KenhojoReader(transport)
    with pytest.raises(WrongPinError):
        reader.read_basic_four(Pin("0000"))
    reader.read_basic_four(Pin("1234"))
    transport.close()
    reader.select_application()
    assert reader.tries_left() == 3


def test_already_verified_card_spends_no_verify():
    card, transport = _virtual()
    reader = KenhojoReader(transport)
    reader.read_basic_four(Pin("1234"))
    reader.read_basic_four(Pin("1234"))
    assert card.verify_count() == 1


def test_code_b_opens_the_basic_four():
    card, transport = _virtual()
    four = KenhojoReader(transport).read_basic_four(CodeB("02040120301234"))
    assert four.name == "山田\u3000花子"
    assert card.tries[b"\x00\x15"] == 10


def test_card_removed_mid_read():
    _, transport = _virtual(faults={"remove_after_apdus": 4})
    with pytest.raises(CardRemovedError) as info:
        KenhojoReader(transport).read_basic_four(Pin("1234"))
    assert "置き直して" in info.value.message_ja


def test_mute_card():
    _, transport = _virtual(faults={"mute_after_apdus": 0})
    with pytest.raises(CardNotRespondingError):
        KenhojoReader(transport).read_basic_four(Pin("1234"))


def test_other_card_is_not_a_my_number_card():
    _, transport = _virtual(my_number_card=False)
    with pytest.raises(NotMyNumberCardError):
        KenhojoReader(transport).read_basic_four(Pin("1234"))


@pytest.mark.parametrize("fault", ["answer_61xx", "answer_6cxx"])
def test_61xx_and_6cxx_are_followed(fault):
    _card, transport = _virtual(faults={fault: True})
    four = KenhojoReader(transport).read_basic_four(Pin("1234"))
    assert four.address == "東京都千代田区霞が関２－１－２"
    assert transport.sent == 7  # one extra APDU: GET RESPONSE or the resend


def test_unexpected_status_word_is_a_protocol_error():
    transport = Transcript([*HAPPY_TRANSCRIPT[:4], ("00A4020C020002", "6A82")])
    with pytest.raises(CardProtocolError, match="6A82"):
        KenhojoReader(transport).read_basic_four(Pin("1234"))


def test_6cxx_to_anything_but_a_read_is_a_protocol_error():
    transport = VirtualTransport(VirtualMyNumberCard(CardHolder(
        "a\u3000b", "c", dt.date(2000, 1, 1), "1")))
    transport._send = lambda command: bytes.fromhex("6C04")  # a card answering nonsense
    with pytest.raises(CardProtocolError, match="6Cxx"):
        KenhojoReader(transport).read_basic_four(Pin("1234"))


@pytest.mark.parametrize("bad", ["123", "12345", "12a4", "１２３４", ""])
def test_pin_must_be_four_ascii_digits(bad):
    with pytest.raises(ValueError):
        Pin(bad)


def test_secrets_do_not_show_in_repr():
    assert "1234" not in repr(Pin("1234"))
    assert "0204" not in repr(CodeB("02040120301234"))
