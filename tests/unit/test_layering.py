"""Qt stays upstairs: PySide6 is imported only in ui/, app.py and __main__.py."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# -- the practice handle (issue 17): the window and the command line reach the data only through it
BELOW_THE_HANDLE = ("sqlalchemy", "cocon_desktop.db", "cocon_desktop.models", "cocon_desktop.security",
                    "cocon_desktop.documents", "cocon_desktop.sync")
UI_FILES = (PACKAGE / "ui", PACKAGE / "app.py", PACKAGE / "__main__.py")


def handle_crossings(places: tuple[Path, ...], forbidden: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for place in places:
        files = sorted(place.rglob("*.py")) if place.is_dir() else [place]
        for path in files:
            names = [n for n in imported_modules(path.read_text("utf-8"))
                     if n == forbidden or n.startswith(forbidden + ".")]
            if names:
                found[str(path.relative_to(ROOT))] = names
    return found


def session_uses(source: str) -> list[str]:
    """Where `source` holds the database's sessions: `x.sessions`, `sessionmaker`, `Session`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("sessions", "engine", "key_holder"):
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in ("sessionmaker", "Session"):
            found.append(f"{node.lineno}: {node.id}")
    return found


def test_no_relative_imports_to_slip_past_the_checks() -> None:
    relative = {}
    for folder in (PACKAGE, NETWORK, ROOT / "cocon_exchange"):
        for path in sorted(folder.rglob("*.py")):
            if any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(ast.parse(path.read_text("utf-8")))):
                relative[str(path.relative_to(ROOT))] = True
    assert relative == {}


def test_the_session_check_sees_holding_the_sessions() -> None:
    source = "def f(practice):\n    s = practice.sessions\n    m: sessionmaker[Session] = s\n"
    assert session_uses(source) == ["2: .sessions", "3: sessionmaker", "3: Session"]
    assert session_uses("practice.read(list_children, query)\nsessions_label = 1\n") == []


@pytest.mark.parametrize("forbidden", BELOW_THE_HANDLE)
def test_the_window_does_not_import_below_the_handle(forbidden: str) -> None:
    assert handle_crossings(UI_FILES, forbidden) == {}


@pytest.mark.parametrize("forbidden", BELOW_THE_HANDLE)
def test_the_command_line_does_not_import_below_the_handle(forbidden: str) -> None:
    assert (PACKAGE / "cli" / "main.py").exists()
    assert handle_crossings((PACKAGE / "cli",), forbidden) == {}


@pytest.mark.parametrize("place", ["ui", "cli"])
def test_no_sessions_held_above_the_handle(place: str) -> None:
    files = sorted((PACKAGE / place).rglob("*.py")) + ([PACKAGE / "app.py"] if place == "ui" else [])
    held = {str(p.relative_to(ROOT)): uses for p in files if (uses := session_uses(p.read_text("utf-8")))}
    assert held == {}
