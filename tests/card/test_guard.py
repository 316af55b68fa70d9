"""No code path may send an APDU that touches the individual number (My Number) files."""

import datetime as dt

import pytest

from card_reader import apdu
from card_reader.errors import ForbiddenApduError, WrongPinError
from card_reader.kenhojo import CodeB, KenhojoReader, Pin
from card_reader.transport import VirtualTransport
from card_reader.virtual_card import MY_NUMBER_EFS, CardHolder, VirtualMyNumberCard

KENKAKU_AID = bytes.fromhex("D3921000310001010402")
JPKI_AID = bytes.fromhex("D392F000260100000001")


@pytest.mark.parametrize(
    "command",
    [
        apdu.select_application(),
        apdu.select_ef(apdu.EF_PIN),
        apdu.select_ef(apdu.EF_CODE_B),
        apdu.select_ef(apdu.EF_BASIC_FOUR),
        apdu.verify(),
        apdu.verify(b"1234"),
        apdu.verify(b"02040120301234"),
        apdu.read_binary(0),
        apdu.read_binary(0x100, 0x20),
        apdu.get_response(0x10),
    ],
)
def test_the_reading_commands_are_allowed(command):
    apdu.check_allowed(command)


@pytest.mark.parametrize(
    "command",
    [
        apdu.select_ef(b"\x00\x01"),  # the 12-digit individual number
        apdu.select_ef(b"\x00\x03"),  # hash file
        apdu.select_ef(b"\x00\x14"),  # 照合番号A = the My Number itself
        bytes.fromhex("00A4020C020001"),
        bytes.fromhex("00A40200020001"),  # same file, other P2
        bytes.fromhex("00A4000C020001"),  # by file id with P1=00
        bytes.fromhex("00A4080C020001"),  # by path
        apdu.select_application(KENKAKU_AID),
        apdu.select_application(JPKI_AID),
        bytes.fromhex("002000800C") + b"123456789012",  # a 12-digit secret: the number itself
        bytes.fromhex("00200081"),  # VERIFY against another reference
        bytes.fromhex("00B0810000"),  # READ BINARY by short EF id 1
        bytes.fromhex("00B0830000"),  # short EF id 3
        bytes.fromhex("00B00000000100"),  # extended Le
        bytes.fromhex("80A4040C"),  # proprietary class
        bytes.fromhex("00D6000001FF"),  # UPDATE BINARY
        bytes.fromhex("002C000000"),  # RESET RETRY COUNTER
        b"\x00\xa4",
    ],
)
def test_forbidden_commands_are_refused(command):
    with pytest.raises(ForbiddenApduError):
        apdu.check_allowed(command)


def test_every_select_of_the_number_files_is_refused_whatever_p1_p2():
    for p1 in range(256):
        for p2 in (0x00, 0x04, 0x0C):
            for ef in MY_NUMBER_EFS:
                with pytest.raises(ForbiddenApduError):
                    apdu.check_allowed(bytes([0x00, 0xA4, p1, p2, 0x02]) + ef)


def test_a_refused_command_never_reaches_the_card():
    card = VirtualMyNumberCard(CardHolder("a\u3000b", "c", dt.date(2000, 1, 1), "1"))
    transport = VirtualTransport(card)
    with pytest.raises(ForbiddenApduError):
        transport.transmit(apdu.select_ef(b"\x00\x01"))
    assert card.received == [] and transport.sent == 0


def test_whole_reads_never_touch_the_number_files():
    holder = CardHolder("a\u3000b", "c", dt.date(2000, 1, 1), "1", code_b="02040120301234")
    card = VirtualMyNumberCard(holder)
    transport = VirtualTransport(card)
    reader = KenhojoReader(transport)
    reader.read_basic_four(Pin("1234"))
    transport.close()  # unpowered: the verified PIN is forgotten
    with pytest.raises(WrongPinError):
        reader.read_basic_four(Pin("9999"))
    reader.read_basic_four(CodeB("02040120301234"))
    touched = [c for c in card.received if c[1] == 0xA4 and c[-2:] in MY_NUMBER_EFS]
    assert touched == []
    assert len(card.received) >= 15


def test_verify_data_is_masked_in_logs():
    assert apdu.describe(apdu.verify(b"1234")) == "00 20 00 80 04 ** ** ** **"
    assert "31" not in apdu.describe(apdu.verify(b"1111"))
