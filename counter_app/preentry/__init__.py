"""Residents' pre-entry: the QR payload codec and the data the web page (`preentry/`) reads.

Qt-free; the counter's reception page takes decoded cases in."""

from counter_app.preentry.codec import PreEntryError, decode, encode

__all__ = ["PreEntryError", "decode", "encode"]
