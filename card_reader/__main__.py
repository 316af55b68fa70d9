import sys

from card_reader.cli import main

sys.exit(main())
