"""Layout of the main window: navigation on the left, one page at a time, status bar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    summary: str
    coming: str  # what the page will hold once its issue is done


class PlaceholderPage(QWidget):
    """A screen that is not built yet says so, and what it will do; it pretends nothing."""

    def __init__(self, spec: PageSpec) -> None:
        super().__init__()
        self.setObjectName(f"page_{spec.key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(16)
        title = QLabel(spec.title)
        title.setObjectName("pageTitle")
        summary = QLabel(spec.summary)
        summary.setObjectName("pageSummary")
        summary.setWordWrap(True)
        notice = QFrame()
        notice.setObjectName("pageNotice")
        notice_layout = QVBoxLayout(notice)
        notice_layout.setContentsMargins(16, 12, 16, 12)
        status = QLabel("この画面は準備中です。")
        coming = QLabel(spec.coming)
        coming.setWordWrap(True)
        notice_layout.addWidget(status)
        notice_layout.addWidget(coming)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(notice)
        layout.addStretch(1)


class StatusLabels:
    """The four status-bar fields staff glance at: reader, printer, database, mode."""

    def __init__(self, bar: QStatusBar) -> None:
        self.reader = QLabel()
        self.printer = QLabel()
        self.database = QLabel()
        self.mode = QLabel()
        for name, label in (("readerStatus", self.reader), ("printerStatus", self.printer),
                            ("databaseStatus", self.database), ("modeStatus", self.mode)):
            label.setObjectName(name)
            bar.addPermanentWidget(label)


class MainWindowView(QMainWindow):
    def __init__(self, pages: list[PageSpec], built: dict[str, QWidget] | None = None) -> None:
        super().__init__()
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.demo_banner = QLabel()
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setVisible(False)
        outer.addWidget(self.demo_banner)

        body = QHBoxLayout()
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.navigation.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()
        for number, spec in enumerate(pages, start=1):
            self.navigation.addItem(f"{number}  {spec.title}")
            self.stack.addWidget((built or {}).get(spec.key) or PlaceholderPage(spec))
        body.addWidget(self.navigation)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        self.status = StatusLabels(self.statusBar())
