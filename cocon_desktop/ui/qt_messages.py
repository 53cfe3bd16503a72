"""Qt's own messages go to the program's log, not to the user's terminal.

Qt prints diagnostics of its platform plugins on stderr ("This plugin does not support propagateSizeHints()",
font-config and xcb notes…): a therapist can do nothing with them. They are logged under `cocon_desktop.qt`
(shown with --verbose); Qt's critical and fatal messages stay errors in the log."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("cocon_desktop.qt")


def _to_log(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        log.error("%s", message)
    else:
        log.debug("%s", message)


def route_to_log() -> None:
    qInstallMessageHandler(_to_log)
