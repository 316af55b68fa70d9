"""Reading virtual cards through a real pcscd with vpcd, via `python -m card_reader`."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
from pcsc_sandbox import READER_0, READER_1, PcscSandbox

HANAKO = {"name": "山田\u3000花子", "address": "東京都千代田区霞が関２－１－２",
          "birth_date": "1990-04-01", "sex": "2", "pin": "1234", "code_b": "02040120301234"}
NUMBER_FILE_SELECTS = ("00 A4 02 0C 02 00 01", "00 A4 02 0C 02 00 03", "00 A4 02 0C 02 00 14")


@pytest.fixture
def card(pcsc):
    """Insert a virtual card; always taken off again, and checked for My Number access."""
    inserted = []

    def insert(**overrides):
        holder = {**HANAKO, **overrides}
        inserted.append(pcsc.insert(holder))
        return inserted[-1]

    yield insert
    for virtual in inserted:
        virtual.remove()
        assert not [a for a in virtual.apdus() if a.startswith(NUMBER_FILE_SELECTS)]


def _read(pcsc, pin="1234", *extra):
    return pcsc.cli("read", "--reader", READER_0, "--pin-stdin", *extra, stdin=pin + "\n")


def _fails(result, code, text):
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_readers_lists_both_virtual_readers(pcsc):
    result = pcsc.cli("readers")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [READER_0, READER_1]


def test_happy_path_in_six_apdus(pcsc, card):
    virtual = card()
    result = _read(pcsc)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"name": "山田\u3000花子",
                                         "address": "東京都千代田区霞が関２－１－２",
                                         "birth_date": "1990-04-01", "sex": "female"}
    assert virtual.apdus() == [
        "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08",
        "00 A4 02 0C 02 00 11",
        "00 20 00 80",
        "00 20 00 80 04 ** ** ** **",
        "00 A4 02 0C 02 00 02",
        "00 B0 00 00 00",
    ]


def test_reader_is_found_automatically(pcsc, card):
    card()
    result = pcsc.cli("read", "--pin-stdin", stdin="1234\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["birth_date"] == "1990-04-01"


def test_code_b_instead_of_pin(pcsc, card):
    card()
    result = pcsc.cli("read", "--reader", READER_0, "--code-b-stdin", stdin="02040120301234\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sex"] == "female"


def test_wrong_pin_three_times_until_blocked_and_never_a_fourth_verify(pcsc, card):
    virtual = card()
    _fails(_read(pcsc, "0000"), 7, "あと2回")
    _fails(_read(pcsc, "0000"), 7, "あと1回")
    _fails(_read(pcsc, "0000"), 11, "残り回数が1回")  # staff did not confirm: card not asked
    assert virtual.verify_count() == 2
    _fails(_read(pcsc, "0000", "--confirm-last-try"), 8, "ロックされています")
    _fails(_read(pcsc, "1234", "--confirm-last-try"), 8, "ロックされています")
    assert virtual.verify_count() == 3


def test_card_removed_mid_read(pcsc, card):
    card(faults={"remove_after_apdus": 4})
    _fails(_read(pcsc), 9, "カードが離れました")


def test_mute_card(pcsc, card):
    card(faults={"mute": True})
    _fails(_read(pcsc), 12, "カードが応答しません")


def test_not_a_my_number_card(pcsc, card):
    card(my_number_card=False)
    _fails(_read(pcsc), 6, "マイナンバーカードではありません")
    _fails(pcsc.cli("read", "--pin-stdin", stdin="1234\n"), 6, "マイナンバーカードではありません")


def test_long_form_length_with_a_150_byte_address(pcsc, card):
    address = "北海道北見市北進町" + "一" * 41  # 50 characters, 150 bytes of UTF-8
    assert len(address.encode()) == 150
    card(address=address)
    result = _read(pcsc)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["address"] == address


def test_rare_character_in_the_name_and_sex_code_9(pcsc, card):
    card(name="𠮷田\u3000一郎", sex="9")
    four = json.loads(_read(pcsc).stdout)
    assert four["name"] == "𠮷田\u3000一郎"
    assert four["sex"] == "9"


def test_filler_bytes_after_the_data(pcsc, card):
    card(filler=64)
    assert json.loads(_read(pcsc).stdout)["name"] == "山田\u3000花子"


def test_damaged_file(pcsc, card):
    card(faults={"malformed_ef": "bad_offsets"})
    _fails(_read(pcsc), 10, "手入力してください")


@pytest.mark.parametrize("fault", ["answer_61xx", "answer_6cxx"])
def test_61xx_and_6cxx_through_pcscd(pcsc, card, fault):
    virtual = card(faults={fault: True})
    assert json.loads(_read(pcsc).stdout)["name"] == "山田\u3000花子"
    assert len(virtual.apdus()) == 7


def test_no_card(pcsc):
    _fails(_read(pcsc), 5, "カードが置かれていません")


def test_waits_for_a_card_being_placed(pcsc, card):
    placer = threading.Timer(1.0, card)
    placer.start()
    started = time.monotonic()
    result = pcsc.cli("read", "--reader", READER_0, "--pin-stdin", "--wait", "10",
                      stdin="1234\n")
    placer.join()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.0


def test_no_reader(tmp_path):
    sandbox = PcscSandbox(tmp_path, with_vpcd=False)
    try:
        _fails(sandbox.cli("readers"), 4, "カードリーダーが接続されていません")
        _fails(sandbox.cli("read", "--pin-stdin", stdin="1234\n"), 4, "接続されていません")
    finally:
        sandbox.stop()


def test_no_pcscd(tmp_path):
    sandbox_env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "nothing.comm")}
    for args in (["readers"], ["read", "--pin-stdin"]):
        result = subprocess.run([sys.executable, "-m", "card_reader", *args], input="1234\n",
                                capture_output=True, text=True, env=sandbox_env, timeout=30)
        _fails(result, 3, "PC/SC")


@pytest.mark.parametrize(("wait", "reader"), [
    ("nan", []), ("inf", []), ("-1", []), ("1e308", []), ("soon", []),
    ("nan", ["--reader", READER_0]), ("1e308", ["--reader", READER_0]),
], ids=["nan", "inf", "negative", "1e308", "soon", "nan_named_reader", "1e308_named_reader"])
def test_a_wait_that_could_never_end_is_refused(pcsc, wait, reader):
    # No card on the readers: before the check, nan waited for ever and 1e308 overflowed.
    result = pcsc.cli("read", "--pin-stdin", "--wait", wait, *reader, stdin="1234\n", timeout=20)
    _fails(result, 2, "--wait")


def test_mute_card_without_naming_the_reader(pcsc, card):
    card(faults={"mute": True})
    _fails(pcsc.cli("read", "--pin-stdin", stdin="1234\n"), 12, "カードが応答しません")


def test_wrong_code_b_has_its_own_message(pcsc, card):
    virtual = card()
    result = pcsc.cli("read", "--reader", READER_0, "--code-b-stdin", stdin="02040120309999\n")
    _fails(result, 7, "照合番号Bが違います")
    assert "暗証番号" not in result.stderr and "あと9回" in result.stderr
    assert virtual.verify_count() == 1


@pytest.mark.parametrize("holder", [{"name": "山田\x00花子"}, {"address": "東京都\x1b[2J"},
                                    {"birth_date": "2999-01-01"}],
                         ids=["nul_in_name", "escape_in_address", "born_in_2999"])
def test_card_data_no_case_may_hold_is_unreadable(pcsc, card, holder):
    card(**holder)
    result = _read(pcsc)
    _fails(result, 10, "手入力してください")
    assert "山田" not in result.stderr and "\x1b" not in result.stderr
