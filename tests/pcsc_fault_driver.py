"""Child process for the reader-fault tests: the card session code against a private pcscd
(PCSCLITE_CSOCK_NAME), the PC/SC service killed at a chosen moment.

argv[1] is JSON: {"reader": name or null, "pin": "1234", "kill": pcscd pid or null,
"at": "before_read" (after the tries query, as while the PIN dialog is open) or "mid_read"
(after the first APDU of a session)}. Prints the outcome as one JSON line.
"""

import json
import os
import signal
import socket
import sys
import time

from card_reader.errors import CardError
from card_reader.kenhojo import KenhojoReader, Pin
from card_reader.sources import PcscCardSource, pin_tries_left, read_card


def kill_service(pid):
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until nothing listens on the socket any more
        probe = socket.socket(socket.AF_UNIX)
        try:
            probe.connect(os.environ["PCSCLITE_CSOCK_NAME"])
        except OSError:
            return
        finally:
            probe.close()
        time.sleep(0.02)
    raise SystemExit("pcscd did not go away")


def main():
    spec = json.loads(sys.argv[1])
    reader = spec.get("reader")
    source = PcscCardSource(reader)
    outcome = {}
    try:
        if spec.get("at") == "mid_read":
            transport = source.open(reader)
            try:
                session = KenhojoReader(transport)
                session.select_application()
                kill_service(spec["kill"])
                session.tries_left()
            finally:
                transport.close()
        else:
            outcome["tries"] = pin_tries_left(source, reader)
            if spec.get("kill"):
                kill_service(spec["kill"])
            outcome["name"] = read_card(source, Pin(spec["pin"]), reader=reader).name
    except CardError as exc:
        outcome.update(error=type(exc).__name__, detail=str(exc), message=exc.message_ja)
    print(json.dumps(outcome, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
