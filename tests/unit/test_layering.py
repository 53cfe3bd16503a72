"""Qt stays upstairs: PySide6 is imported only in ui/, app.py and __main__.py."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import cocon_desktop

PACKAGE = Path(cocon_desktop.__file__).resolve().parent
QT_ALLOWED = {"app.py", "__main__.py"}
QT_MODULES = ("PySide6", "shiboken6")


def qt_imports(source: str) -> list[str]:
    """The Qt modules that `source` imports (at any depth: in functions too)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in QT_MODULES]
    return found


def core_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui" or str(relative) in QT_ALLOWED:
            continue
        files.append(path)
    return files


def test_the_check_flags_qt_imports() -> None:
    source = (
        "import os\n"
        "import PySide6.QtWidgets\n"
        "from shiboken6 import isValid\n"
        "def later():\n"
        "    from PySide6 import QtCore\n"
        "from cocon_desktop.domain import practice\n"
    )
    assert sorted(qt_imports(source)) == ["PySide6", "PySide6.QtWidgets", "shiboken6"]
    assert qt_imports("import PySide6Extra\nfrom .PySide6 import x\n") == []


def test_core_does_not_import_qt() -> None:
    files = core_files()
    assert any(p.name == "cli.py" for p in files)
    assert any(p.parent.name == "services" for p in files)
    offenders = {str(p.relative_to(PACKAGE)): qt_imports(p.read_text("utf-8")) for p in files}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_cli_import_does_not_load_qt() -> None:
    code = (
        "import sys, cocon_desktop.cli, cocon_desktop.services.info, cocon_desktop.services.demo\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            check=True, cwd=PACKAGE.parent)
    assert result.stdout.strip() == "[]"
