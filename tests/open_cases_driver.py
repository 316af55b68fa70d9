"""Child process for test_many_open_cases.py: the real app (production mode) on a database full
of open cases, showing 受付中の案件 again and again, then closing as staff would.

    python tests/open_cases_driver.py DB_URL VIEWS

Prints one JSON line: start-up time, and for each view the rows shown and the milliseconds from
switching to the page to the filled table. A binding that loses references aborts here
(exit 134) instead.
"""

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from counter_app.app import build_gui, start
from counter_app.config import Options
from counter_app.ui.tasks import wait_for_tasks

TIMEOUT_S = 120


def wait_until(condition, timeout=TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("driver: timed out")
        QApplication.processEvents()
        time.sleep(0.005)


def shown(page, previous):
    """The page has loaded a new list (not the one it showed before) into its table."""
    return (page.summaries is not previous and bool(page.summaries)
            and page.table.rowCount() == len(page.summaries))


def main():
    url, views = sys.argv[1], int(sys.argv[2])
    began = time.perf_counter()
    gui = build_gui(start(Options(db_url=url), os.environ))
    window, page = gui.window, gui.window.open_cases
    window.show()
    # The app opens on this page when cases are open.
    wait_until(lambda: window.current_page_key() == "open_cases" and shown(page, None))
    start_ms = (time.perf_counter() - began) * 1000
    loads = []
    for _ in range(views):
        window.show_page_key("reception")
        previous = page.summaries
        began = time.perf_counter()
        window.show_page_key("open_cases")
        wait_until(lambda previous=previous: shown(page, previous))
        QApplication.processEvents()  # paint it, as staff would see it
        loads.append({"rows": page.table.rowCount(),
                      "ms": round((time.perf_counter() - began) * 1000)})
    window.close()
    gui.shutdown()
    wait_for_tasks()
    print(json.dumps({"start_ms": round(start_ms), "loads": loads}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
