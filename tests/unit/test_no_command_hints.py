"""No sentence a therapist reads asks her to type a command (issue 18, #5): the messages (cocon_desktop/messages.py)
and every string of the window's sources (cocon_desktop/ui/, app.py) are scanned for a `cocon …` or
`cocon-desktop …` command line; what the command line can do, the window does in its own pages (Paramètres ›
Réseaux for a network's addresses, « Restaurer une sauvegarde… » for a backup)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cocon_desktop import messages

ROOT = Path(__file__).resolve().parents[2] / "cocon_desktop"
# « cocon network endpoint », « cocon --data-dir … », « cocon-desktop --data-dir … »
COMMAND = re.compile(r"\bcocon(?:-desktop)?\s+(?:--?[a-z]+|[a-z][a-z-]*)")


def hints(text: str) -> list[str]:
    return [m.group(0) for m in COMMAND.finditer(text)]


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module except its docstrings (what the code says to people, not to us)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_pattern_finds_a_command_hint() -> None:
    assert hints("vérifiez-le (ou `cocon network endpoint`).") == ["cocon network"]
    assert hints("lancez « cocon-desktop --data-dir /x »") == ["cocon-desktop --data"]
    assert hints("    cocon --data-dir NOUVEAU_DOSSIER restore FICHIER.coconbak") == ["cocon --data"]
    assert hints("le parcours COCON, les fichiers .coconbak, COCON Desktop") == []


def test_no_message_asks_to_type_a_command() -> None:
    texts = {**messages.MESSAGES, **getattr(messages, "PLURALS", {})}
    found = {code: hints(text) for code, text in texts.items() if hints(text)}
    assert not found, found


def test_no_window_string_asks_to_type_a_command() -> None:
    sources = [*sorted((ROOT / "ui").rglob("*.py")), ROOT / "app.py"]
    assert len(sources) > 50
    found = [f"{path.relative_to(ROOT)}:{line}: {text!r}" for path in sources for line, text in _strings(path)
             if hints(text)]
    assert not found, "\n".join(found)
