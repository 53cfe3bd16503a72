"""No user-facing string of the program hedges a plural or a gender with « (s) », « (e) » or « ·ne » (issue 18,
#14): counts go through messages.plural / i18n.ntr, people's words through messages.agreed."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from cocon_desktop import messages

SOURCE = Path(messages.__file__).parent
HEDGED = re.compile(r"\w\((s|e|es|aux|ne)\)|·ne\b|·e\b")


def _user_strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings (a string opening a statement)."""
    found: list[tuple[int, str]] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        opening = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)
        if token.type == tokenize.STRING and not opening:  # Python 3.11: an f-string is one STRING token
            found.append((token.start[0], token.string))
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return found


def test_no_hedged_plural_or_gender_left_in_the_program() -> None:
    """« 2 facture(s) émise(s) », « né(e) », « psychomotricien·ne »: every sentence the user reads is agreed."""
    # the title while the practitioner's civility is not given (networks.profession_label agrees it once it is)
    allowed = {"networks.py": {'"Psychomotricien·ne"'}}
    left = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, literal in _user_strings(path):
            if HEDGED.search(literal) and literal not in allowed.get(path.name, set()):
                left.append(f"{path.relative_to(SOURCE)}:{line}: {literal[:70]}")
    assert left == []
