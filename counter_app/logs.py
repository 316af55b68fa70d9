"""Logging to a rotating file in the data directory.

Log lines are English and carry no personal data: no names, addresses, birth dates or PINs.
Cases are referred to by their id only.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "counter-app.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


def log_dir(data_dir: Path) -> Path:
    return data_dir / "logs"


def setup_file_logging(data_dir: Path, level: str = "INFO", rotate: bool = True) -> Path:
    """Route the root logger to `<data_dir>/logs/counter-app.log`; return the file's path.

    `rotate=False` only appends: for a process that must not rename the file of the instance
    that owns it (Windows refuses to rename an open file). Raises OSError if it cannot write.
    """
    directory = log_dir(data_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / LOG_FILE_NAME
    handler: logging.Handler
    if rotate:
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    else:
        handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_madoguchi", False)]:
        root.removeHandler(old)
        old.close()
    handler._madoguchi = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path
