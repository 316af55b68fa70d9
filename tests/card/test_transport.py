"""PcscTransport in this process against the session's pcscd: sharing and power."""

import pytest
from pcsc_sandbox import READER_0
from smartcard import scard

from card_reader.errors import NoCardError, NoReaderError, ReaderBusyError
from card_reader.kenhojo import KenhojoReader, Pin
from card_reader.transport import PcscTransport, list_readers

HOLDER = {"name": "北見\u3000花子", "address": "北海道北見市", "birth_date": "1987-02-28",
          "sex": "2", "pin": "5678"}


@pytest.fixture
def placed(pcsc):
    card = pcsc.insert(HOLDER)
    yield card
    card.remove()


def _other_program(mode):
    """Another program on the PC holding the card (as a browser or a JPKI client might)."""
    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    hresult, card, _ = scard.SCardConnect(context, READER_0, mode,
                                          scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
    assert hresult == 0
    return context, card


def _release(context, card):
    scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
    scard.SCardReleaseContext(context)


def test_exclusive_connection_and_card_unpowered_after_each_read(placed):
    for _ in range(2):
        with PcscTransport(READER_0) as transport:
            assert not transport.shared
            assert KenhojoReader(transport).read_basic_four(Pin("5678")).name == "北見\u3000花子"
    assert placed.verify_count() == 2  # unpowered in between: the PIN was asked again


def test_falls_back_to_a_shared_transaction_when_another_program_shares_the_card(placed):
    context, card = _other_program(scard.SCARD_SHARE_SHARED)
    try:
        with PcscTransport(READER_0) as transport:
            assert transport.shared
            four = KenhojoReader(transport).read_basic_four(Pin("5678"))
        assert four.birth_date.isoformat() == "1987-02-28"
    finally:
        _release(context, card)


def test_a_shared_card_is_reset_when_our_transaction_ends(placed):
    context, card = _other_program(scard.SCARD_SHARE_SHARED)
    try:
        for _ in range(2):
            with PcscTransport(READER_0) as transport:
                assert transport.shared
                KenhojoReader(transport).read_basic_four(Pin("5678"))
        assert placed.verify_count() == 2  # the second read found the PIN unverified again
        # The other program's next command learns that the card was reset under it.
        hresult, _ = scard.SCardTransmit(card, scard.SCARD_PCI_T1, [0x00, 0xA4, 0x04, 0x0C])
        assert hresult & 0xFFFFFFFF == 0x80100068  # SCARD_W_RESET_CARD
    finally:
        _release(context, card)


def test_card_held_exclusively_elsewhere_is_a_clear_error(placed):
    context, card = _other_program(scard.SCARD_SHARE_EXCLUSIVE)
    try:
        with pytest.raises(ReaderBusyError) as info:
            PcscTransport(READER_0)
        assert "他のプログラム" in info.value.message_ja
    finally:
        _release(context, card)


def test_empty_reader_and_unknown_reader(pcsc):
    assert READER_0 in list_readers()
    with pytest.raises(NoCardError):
        PcscTransport(READER_0)
    with pytest.raises(NoReaderError):
        PcscTransport("No Such Reader 99")
