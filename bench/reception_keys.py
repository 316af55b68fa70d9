"""Staff effort for a four-person move-in, from the first card placed to the closed case (the
packet printed first, here saved as a PDF: no printer).

Runs the scripted move-in of tests/reception_script.py against the real window (offscreen) and
counts staff key presses (a shortcut such as Ctrl+Enter counts once) and clicks. Placing the
cards and typing the PINs are the residents' own acts and are not counted. Baseline: the
handwritten counter, four people × seven forms × four fields = 112 fields written by hand.
Then the scripted おくやみ of tests/event_script.py (the deceased's card read with 照合番号B,
the survivors' with their PINs), from the first key to the checklist marked.

    .venv/bin/python bench/reception_keys.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from PySide6.QtWidgets import QApplication


def main():
    from event_script import run_okuyami
    from reception_script import VISIT_DAY, QTestBot, run_four_person_move_in

    from card_reader.sources import VirtualCardSource
    from counter_app.demo import load_demo_residents
    from counter_app.preferences import Preferences
    from counter_app.reception.gate import PrintGate
    from counter_app.reception.packet import form_facts
    from counter_app.rules import default_catalogue
    from counter_app.store import CaseRepository, open_database
    from counter_app.ui.application import configure_application
    from counter_app.ui.assembly import CounterWindow, PrintSetup
    from counter_app.ui.collector import GuiThreadCollector
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.main_window import StatusSources
    from counter_app.ui.tasks import wait_for_tasks
    from forms.templates import load_templates

    app = QApplication([])
    GuiThreadCollector(app)
    configure_application(app)
    with tempfile.TemporaryDirectory() as tmp:
        repository = CaseRepository(open_database(f"sqlite:///{tmp}/bench.sqlite3"))
        saver = CaseSaver(repository)
        catalogue, templates = default_catalogue(), load_templates()
        controller = CounterController(catalogue, repository, saver,
                                       today=lambda: VISIT_DAY,  # a week after the move
                                       form_facts=form_facts(templates),
                                       gate=PrintGate(templates))
        window = CounterWindow(StatusSources(True, "SQLite", lambda: [], lambda: None),
                               Preferences(Path(tmp)), controller, VirtualCardSource(),
                               load_demo_residents(),
                               # No printer: the packet is saved as a PDF, in the temporary
                               # directory.
                               PrintSetup(templates, lambda: [], None, Path(tmp) / "pdf"))
        window.show()
        window.activateWindow()
        bot = QTestBot()
        bot.waitUntil(lambda: QApplication.activeWindow() is window)
        begin = time.perf_counter()
        staff = run_four_person_move_in(window, bot)
        seconds = time.perf_counter() - begin
        wait_for_tasks(30000)  # the next resident's page may still be drawing
        window.show_page_key("reception")
        bot.waitUntil(lambda: window.current_page_key() == "reception")
        controller.new_case()
        window.reception.focus_first()
        okuyami = run_okuyami(window, bot)
        wait_for_tasks(30000)
        saver.shutdown()
    print("four-person move-in, first card to closed case, packet saved (staff input only):")
    print(f"  {staff.keys} key presses + {staff.clicks} click = {staff.keys + staff.clicks} "
          f"actions; {staff.questions} interview questions asked")
    print(f"  keystroke-level estimate (KLM): {staff.klm_seconds():.0f} s of staff time "
          f"({staff.acts} acts × M 1.35 s + {staff.keys} keys × K 0.28 s)")
    print("  handwritten baseline: 4 people × 7 forms × 4 fields = 112 fields")
    print(f"  scripted run took {seconds:.1f} s of machine time")
    print("おくやみ (the head died; wife and son remain), first key to the checklist marked:")
    print(f"  {okuyami.keys} key presses + {okuyami.clicks} click = "
          f"{okuyami.keys + okuyami.clicks} actions, 17 of them the 照合番号B off the card "
          f"face; {len(okuyami.asked)} interview questions asked; KLM "
          f"{okuyami.klm_seconds():.0f} s")


if __name__ == "__main__":
    main()
