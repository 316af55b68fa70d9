"""Madoguchi: the write-free one-stop reception counter (書かないワンストップ窓口)."""

__version__ = "0.1.0"

import logging

# Until the composition root sets up the log file, nothing from here reaches the console.
logging.getLogger(__name__).addHandler(logging.NullHandler())
