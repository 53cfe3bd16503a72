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
    assert any(p.parent.name == "cli" for p in files)
    assert any(p.parent.name == "services" for p in files)
    offenders = {str(p.relative_to(PACKAGE)): qt_imports(p.read_text("utf-8")) for p in files}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_cli_import_does_not_load_qt() -> None:
    code = (
        "import sys, cocon_desktop.cli.main, cocon_desktop.services.info, cocon_desktop.services.demo\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            check=True, cwd=PACKAGE.parent)
    assert result.stdout.strip() == "[]"


ROOT = PACKAGE.parent
NETWORK = ROOT / "cocon_network"


def imported_modules(source: str) -> list[str]:
    """Every absolute module name that `source` imports (at any depth: in functions too)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def crossings(folder: Path, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """The modules of `folder` that import one of `forbidden` (a package or a package's subpackage)."""
    offenders = {}
    for path in sorted(folder.rglob("*.py")):
        names = [n for n in imported_modules(path.read_text("utf-8"))
                 if any(n == f or n.startswith(f + ".") for f in forbidden)]
        if names:
            offenders[str(path.relative_to(ROOT))] = names
    return offenders


def test_the_crossing_check_sees_nested_and_dotted_imports() -> None:
    source = "import cocon_network.receiver\ndef f():\n    from cocon_desktop.ui import main_window\n"
    assert imported_modules(source) == ["cocon_network.receiver", "cocon_desktop.ui"]


def test_the_program_never_imports_the_network_side() -> None:
    assert crossings(PACKAGE, ("cocon_network",)) == {}


def test_the_network_side_imports_neither_qt_nor_the_programs_ui() -> None:
    assert (NETWORK / "receiver.py").exists()
    assert crossings(NETWORK, (*QT_MODULES, "cocon_desktop.ui")) == {}


def test_the_shared_package_imports_neither_side_nor_qt() -> None:
    exchange = ROOT / "cocon_exchange"
    assert (exchange / "batch_verify.py").exists()
    assert crossings(exchange, (*QT_MODULES, "cocon_desktop", "cocon_network")) == {}
