"""Every fault a trainer provokes in demo mode reproduces through the real pcscd path: the same
card, faulted the same way, read by the same session code in process (the demo's simulated
reader) and over a private pcscd with vpcd gives the same error, the same message for staff and
the same APDUs at the card."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from pcsc_sandbox import READER_0, PcscSandbox

from card_reader import apdu
from card_reader.errors import CardError
from card_reader.kenhojo import KenhojoReader, Pin
from card_reader.sources import (
    NO_READER,
    UNPLUGGED,
    PcscCardSource,
    VirtualCardSource,
    pin_tries_left,
    read_card,
)
from card_reader.virtual_card import with_demo_fault
from counter_app.demo import load_demo_residents
from counter_app.training.panel import CardPanel

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pcscd sandbox: Linux only")

# (fault provoked by the trainer, the PIN the resident types)
FAULTS = [
    (None, "0000"),  # a wrong PIN is just a wrong PIN
    ("locked", "1234"),
    ("pulled", "1234"),
    ("not_my_number", "1234"),
    ("mute", "1234"),
]


def _flow(source, pin, reader=None):
    """What the counter does: ask the tries left (PIN dialog), then read with the PIN."""
    outcome = {}
    try:
        outcome["tries"] = pin_tries_left(source, reader)
        outcome["name"] = read_card(source, Pin(pin), reader=reader).name
    except CardError as exc:
        outcome.update(error=type(exc).__name__, detail=str(exc), message=exc.message_ja)
    return outcome


def _panel():
    reader = VirtualCardSource()
    panel = CardPanel(load_demo_residents(), reader)
    (card,) = panel.search("北見 太郎")
    return panel, reader, card


@pytest.mark.parametrize(("fault", "pin"), FAULTS, ids=[f or "wrong_pin" for f, _ in FAULTS])
def test_card_fault_in_demo_and_over_pcscd(pcsc, fault, pin):
    panel, reader, card = _panel()
    panel.provoke(card.key, fault)
    panel.place(card.key)
    in_demo = _flow(reader, pin)
    demo_apdus = [apdu.describe(c) for c in reader.card.received]

    virtual = pcsc.insert(with_demo_fault(card.holder, fault))
    try:
        over_pcscd = _flow(PcscCardSource(READER_0), pin, READER_0)
    finally:
        virtual.remove()
    assert "error" in in_demo
    # The detail differs in wording only where pcscd adds its return code.
    for outcome in (in_demo, over_pcscd):
        outcome.pop("detail")
    assert in_demo == over_pcscd
    assert demo_apdus == virtual.apdus()


def _driver(sandbox, **spec):
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "pcsc_fault_driver.py"),
                             json.dumps(spec)], capture_output=True, text=True, timeout=60,
                            env=sandbox.env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_reader_in_demo_and_over_pcscd(tmp_path):
    panel, reader, card = _panel()
    panel.place(card.key)
    panel.set_reader(NO_READER)
    in_demo = _flow(reader, "1234")

    sandbox = PcscSandbox(tmp_path, with_vpcd=False)  # pcscd running, no reader attached
    try:
        over_pcscd = _driver(sandbox, reader=None, pin="1234")
    finally:
        sandbox.stop()
    assert in_demo["error"] == "NoReaderError"
    assert in_demo == over_pcscd


def test_reader_unplugged_while_the_pin_is_typed_in_demo_and_over_pcscd(tmp_path):
    """Windows stops the Smart Card service with the last reader; pcscd gone is the same."""
    panel, reader, card = _panel()
    panel.place(card.key)
    in_demo = {"tries": pin_tries_left(reader)}
    panel.set_reader(UNPLUGGED)
    try:
        read_card(reader, Pin("1234"))
    except CardError as exc:
        in_demo.update(error=type(exc).__name__, detail=str(exc), message=exc.message_ja)

    sandbox = PcscSandbox(tmp_path)
    try:
        sandbox.insert(card.holder)
        over_pcscd = _driver(sandbox, reader=READER_0, pin="1234", kill=sandbox.pcscd_pid)
    finally:
        sandbox.stop()
    assert in_demo["error"] == "PcscUnavailableError"
    assert in_demo == over_pcscd


def test_reader_unplugged_mid_session_in_demo_and_over_pcscd(tmp_path):
    panel, reader, card = _panel()
    panel.place(card.key)
    in_demo = {}
    transport = reader.open()
    try:
        session = KenhojoReader(transport)
        session.select_application()
        panel.set_reader(UNPLUGGED)
        session.tries_left()
    except CardError as exc:
        in_demo.update(error=type(exc).__name__, detail=str(exc), message=exc.message_ja)
    finally:
        transport.close()

    sandbox = PcscSandbox(tmp_path)
    try:
        sandbox.insert(card.holder)
        over_pcscd = _driver(sandbox, reader=READER_0, pin="1234", kill=sandbox.pcscd_pid,
                             at="mid_read")
    finally:
        sandbox.stop()
    assert in_demo == {"error": "PcscUnavailableError", "detail": "SCardTransmit: 8010001D",
                       "message": in_demo["message"]}
    assert in_demo == over_pcscd
