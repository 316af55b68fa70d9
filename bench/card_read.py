"""Full basic-four reads through a real pcscd + vpcd with the virtual card.

A read: connect (exclusive), SELECT AP, tries query, VERIFY, SELECT EF 0002, READ BINARY,
disconnect unpowering the card. The counter's flow adds a probe before the PIN dialog (its own
connection: SELECT AP, SELECT EF 0011, tries query), because the card may be swapped while the
resident types. Needs root (private namespaces, see tests/pcsc_sandbox.py) and Debian's pcscd +
vsmartcard-vpcd.

    .venv/bin/python bench/card_read.py [--reads 50]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pcsc_sandbox import READER_0, PcscSandbox

HOLDER = {"name": "山田\u3000花子", "address": "東京都千代田区霞が関２－１－２",
          "birth_date": "1990-04-01", "sex": "2", "pin": "1234"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        sandbox = PcscSandbox(Path(base))
        # Before pyscard's first call: the PC/SC client library remembers the socket path.
        os.environ["PCSCLITE_CSOCK_NAME"] = str(sandbox.socket)
        from card_reader.kenhojo import KenhojoReader, Pin
        from card_reader.sources import PcscCardSource, pin_tries_left, read_card
        from card_reader.transport import PcscTransport

        try:
            card = sandbox.insert(HOLDER)
            times, apdus = [], []
            for _ in range(args.reads):
                begin = time.perf_counter()
                with PcscTransport(READER_0) as transport:
                    four = KenhojoReader(transport).read_basic_four(Pin("1234"))
                times.append((time.perf_counter() - begin) * 1000)
                apdus.append(transport.sent)
                assert four.birth_date.year == 1990
            on_card = len(card.apdus())
            source = PcscCardSource()
            flow_times = []
            for _ in range(args.reads):
                begin = time.perf_counter()
                pin_tries_left(source, READER_0)
                read_card(source, Pin("1234"), reader=READER_0)
                flow_times.append((time.perf_counter() - begin) * 1000)
            flow_apdus = (len(card.apdus()) - on_card) // args.reads
        finally:
            sandbox.stop()
    print(f"card read through pcscd + vpcd ({args.reads} reads, virtual card):")
    print(f"  APDUs per read: {max(apdus)} (card saw {on_card} in all)")
    print(f"  time per read: median {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f})")
    print(f"  counter flow (tries probe + read, two connections): {flow_apdus} APDUs, "
          f"median {statistics.median(flow_times):.1f} ms")


if __name__ == "__main__":
    main()
