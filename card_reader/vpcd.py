"""Attach a virtual card to vpcd (vsmartcard's virtual reader driver in pcscd).

vpcd listens on TCP (35963 for `Virtual PCD 00 00`, 35964 for `… 00 01`); a card is a client.
Each message is a 2-byte big-endian length and a payload: one byte is a control code
(0 power off, 1 power on, 2 reset, 4 "send your ATR"), more bytes are a command APDU that gets
the response APDU back. Connecting is inserting the card; closing the socket is removing it.
"""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

from card_reader import apdu
from card_reader.virtual_card import ATR, CardMute, CardPulled, VirtualMyNumberCard

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963  # slot 0; slot n is DEFAULT_PORT + n

CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        # vpcd writes each message in two parts; without quick ACKs every APDU waits ~40 ms
        # for the delayed-ACK timer. Linux resets the flag after use, so set it every time.
        if hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _send_message(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(len(payload).to_bytes(2, "big") + payload)


def connect(host: str, port: int, timeout_s: float) -> socket.socket:
    """Connect to vpcd, retrying while pcscd is still starting."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=2)
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def serve(card: VirtualMyNumberCard, sock: socket.socket, apdu_log: Path | None = None) -> str:
    """Answer vpcd until it hangs up or a fault pulls the card; returns why it stopped."""
    log_file = apdu_log.open("a", encoding="ascii") if apdu_log else None
    try:
        while True:
            header = _recv_exact(sock, 2)
            if header is None:
                return "vpcd closed the connection"
            payload = _recv_exact(sock, int.from_bytes(header, "big"))
            if payload is None:
                return "vpcd closed the connection"
            if len(payload) == 1:
                code = payload[0]
                if code == CTRL_ATR:
                    _send_message(sock, ATR)
                elif code in (CTRL_OFF, CTRL_RESET):
                    card.power_on()  # power lost: selection and verified PIN are forgotten
                continue
            if log_file is not None:
                log_file.write(apdu.describe(payload) + "\n")
                log_file.flush()
            try:
                response = card.process(payload)
            except CardPulled:
                return "card pulled (fault)"
            except CardMute:
                # Silence would hang vpcd for ever (it has no timeout); a truncated answer is
                # what a reader passes on when the card stops mid-response.
                _send_message(sock, b"\x00")
                continue
            _send_message(sock, response)
    finally:
        if log_file is not None:
            log_file.close()
        sock.close()

