"""Every code the core can raise or return has a French sentence, and placeholders get filled."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cocon_desktop import messages
from cocon_desktop.errors import CoconError, FieldError, ValidationError, VaultError

PACKAGE = Path(messages.__file__).resolve().parent
ERROR_CLASSES = {"CoconError", "VaultError", "DatabaseError", "ValidationError", "FieldError"}


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_in(source: str, *, returns: bool = False) -> set[str]:
    """Codes in `source`: first argument (or `code=`) of an error class, `add(field, code)` calls,
    `super().__init__(code, ...)`; with `returns`, string constants in returned expressions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            args = list(node.args)
            if name in ERROR_CLASSES or name == "__init__":
                candidates = args[:1] if name != "FieldError" else args[1:2]
                candidates += [k.value for k in node.keywords if k.arg == "code"]
            elif name == "add" and len(args) == 2:  # a ValidationError's add(field, code); not icalendar's add
                candidates = [a for a in args[1:2] if re.fullmatch(r"[a-z][a-z0-9_]*", _constant(a) or "")]
            else:
                candidates = []
            found.update(c for c in map(_constant, candidates) if c)
        elif returns and isinstance(node, ast.Return) and node.value is not None:
            found.update(c for c in map(_constant, ast.walk(node.value)) if c and "_" in c)
    return found


def core_sources() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if "ui" not in p.relative_to(PACKAGE).parts[:1] and "migrations" not in p.parts]


def core_codes() -> set[str]:
    codes: set[str] = set()
    for path in core_sources():
        returns = path.name in ("identifiers.py", "keychain.py")  # functions that return a code
        codes |= codes_in(path.read_text("utf-8"), returns=returns)
    return codes


def test_collector_finds_the_codes_it_should() -> None:
    codes = core_codes()
    for expected in ("wrong_passphrase", "vault_file_corrupted", "database_key_mismatch", "siret_checksum",
                     "rpps_luhn_warning", "rpps_or_adeli_required", "keychain_plaintext", "stdin_empty",
                     "validation_failed", "recovery_key_typo", "unlock_throttled", "email_invalid"):
        assert expected in codes
    assert len(codes) > 30


def test_collector_flags_an_unknown_code() -> None:
    source = 'raise VaultError("no_such_code", path="x")\ndef f():\n    return "other_code"\n'
    assert codes_in(source, returns=True) - messages.MESSAGES.keys() == {"no_such_code", "other_code"}


def test_every_core_code_has_a_french_message() -> None:
    missing = sorted(core_codes() - messages.MESSAGES.keys())
    assert missing == []


def test_describe_fills_placeholders() -> None:
    text = messages.describe(VaultError("unlock_throttled", seconds=8))
    assert text == "Trop d'essais manqués : patientez encore 8 s avant de réessayer."
    text = messages.describe(VaultError("recovery_key_malformed", expected=36, length=35))
    assert "36" in text and "35" in text and "{" not in text


def test_describe_without_its_data_still_gives_a_sentence() -> None:
    assert messages.describe(VaultError("vault_missing")) == messages.MESSAGES["vault_missing"]


def test_describe_validation_names_each_field() -> None:
    error = ValidationError([FieldError("siret", "siret_checksum"), FieldError("city", "required")])
    text = messages.describe(error)
    assert text.startswith("SIRET : Ce SIRET est invalide")
    assert "Ville : Champ obligatoire." in text


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_messages_are_sentences(code: str) -> None:
    sentence = messages.MESSAGES[code]
    assert sentence[0].isupper() or sentence[0].isdigit() or sentence.startswith("{")
    assert sentence.rstrip().endswith((".", "…)")) or code in messages.VERBATIM
    assert messages.describe(CoconError(code)) != code
