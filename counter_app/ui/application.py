"""Application-wide look: the bundled Japanese font, Qt's Japanese strings, large type."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from counter_app.bundled import resource

log = logging.getLogger(__name__)

UI_FONT_FILES = ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf")
BASE_POINT_SIZE = 14  # counter PCs are read at arm's length, often by older residents too

STYLE_SHEET = """
QStatusBar QLabel { padding: 2px 12px; border-left: 1px solid #adb5bd; }
QLabel#demoBadge { background: #d9480f; color: white; font-weight: bold; border-radius: 4px; }
QLabel#demoBanner { background: #fff4e6; color: #7a2e00; border-bottom: 3px solid #d9480f;
                    padding: 8px 16px; font-weight: bold; }
QListWidget#navigation { font-size: 16pt; }
QListWidget#navigation::item { padding: 10px 14px; }
QListWidget#navigation::item:selected { background: #1c7ed6; color: white; }
QPushButton { padding: 6px 14px; }
QFrame#promptRow { border: 2px solid transparent; border-radius: 6px; }
QFrame#promptRow:focus { background: #e7f5ff; border: 2px solid #1c7ed6; }
QLabel#promptText { font-size: 16pt; }
QTreeWidget#checklist { font-size: 15pt; }
QTreeWidget#checklist::item { padding: 5px 2px; }
QTableWidget { font-size: 15pt; }
QLabel#pageTitle { font-size: 19pt; font-weight: bold; }
QLabel#pageSummary { font-size: 16pt; }
QFrame#pageNotice { background: #e7f5ff; border: 1px solid #74c0fc; border-radius: 6px; }
QFrame#pageNotice QLabel { color: #1d3f5e; }
QLineEdit:focus, QComboBox:focus, QPushButton:focus, QCheckBox:focus, QTableView:focus,
QTreeView:focus, QListWidget:focus, QAbstractScrollArea:focus {
    border: 3px solid #f08c00; }
QPushButton:focus { background: #fff4e6; }
QTableView::item:selected:focus, QTreeView::item:selected { background: #1c7ed6; color: white; }
QLabel#banner { background: #ebfbee; color: #2b8a3e; border: 1px solid #8ce99a; padding: 6px 12px;
                font-size: 15pt; }
"""


def load_ui_font() -> str:
    """Register the bundled font and return its family name."""
    family = ""
    for name in UI_FONT_FILES:
        data = resource("fonts", name).read_bytes()
        font_id = QFontDatabase.addApplicationFontFromData(data)
        if font_id < 0:
            log.error("could not load bundled font %s", name)
            continue
        family = family or QFontDatabase.applicationFontFamilies(font_id)[0]
    return family


def load_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own Japanese strings, so standard buttons read OK → 「OK」, Cancel → 「キャンセル」."""
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for catalogue in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan), catalogue,
                           "_", directory):
            app.installTranslator(translator)
            loaded.append(translator)
        else:
            log.warning("Qt translation %s_ja not found in %s", catalogue, directory)
    return loaded


def configure_application(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    family = load_ui_font()
    if family:
        font = QFont(family, BASE_POINT_SIZE)
        app.setFont(font)
    load_translations(app)
    app.setStyleSheet(STYLE_SHEET)
