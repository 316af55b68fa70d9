"""run_task: blocking work on the thread pool, the answer back on the GUI thread."""

import threading

from counter_app.ui.tasks import run_task, wait_for_tasks


def test_result_arrives_on_the_gui_thread(qtbot):
    seen = {}

    def work():
        seen["worker"] = threading.current_thread()
        return 42

    def done(result, error):
        seen["callback"] = threading.current_thread()
        seen["result"], seen["error"] = result, error

    run_task(work, done)
    qtbot.waitUntil(lambda: "callback" in seen)
    assert seen["result"] == 42 and seen["error"] is None
    assert seen["callback"] is threading.main_thread()
    assert seen["worker"] is not threading.main_thread()


def test_error_is_handed_to_the_callback_not_raised(qtbot):
    calls = []

    def work():
        raise OSError("printer went away")

    run_task(work, lambda result, error: calls.append((result, error)))
    qtbot.waitUntil(lambda: bool(calls))
    assert wait_for_tasks(1000)
    assert len(calls) == 1
    result, error = calls[0]
    assert result is None and isinstance(error, OSError)
