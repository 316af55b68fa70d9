"""Reading the basic four fields (name, address, birth date, sex) from a My Number card.

Filled in by the card-reader issue: PC/SC transport, Kenhojo reader, virtual card and CLI.
This package never imports Qt.
"""

import logging

# A library: the application decides where log lines go (never the console by default).
logging.getLogger(__name__).addHandler(logging.NullHandler())
