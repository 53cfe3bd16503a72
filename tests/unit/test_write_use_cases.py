"""Every write says what it changes (issue 17): a public services function that commits is a write use case
(`@writes(...)`, so that `practice.write` returns its Changes and the views showing them read again), or one of the
inner steps listed here, each called only by a use case that declares the changes for it."""

from __future__ import annotations

import ast
from pathlib import Path

import cocon_desktop.services
from cocon_desktop.services.changes import Changes

SERVICES = Path(cocon_desktop.services.__file__).resolve().parent

INNER_STEPS = {
    "demo_large.create_large_demo": "builds a new practice file for the benchmarks and `cocon demo --large`: no view",
    "invoicing.issue_run": "step of invoice_documents.issue_period (INVOICES|SEANCES)",
    "invoicing.credit_note": "step of invoice_documents.issue_credit_note (INVOICES|SEANCES)",
    "outbox.mark_attempt": "step of sync_run.sync_now (BATCHES|INVOICES)",
    "outbox.record_failure": "step of sync_run.sync_now",
    "outbox.record_receipt": "step of sync_run.sync_now",
    "outbox.record_rejection": "step of sync_run.sync_now",
    "outbox.record_network_status": "step of sync_run.sync_now",
    "settings_store.upgrade": "run by Practice.open, before any view reads",
    "signing_identities.active_identity": "creates the self-signed identity on first signing, inside the signing "
                                          "use cases (issue_period, issue, close_batch)",
}


def _commits(function: ast.FunctionDef) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in ("begin", "commit") for node in ast.walk(function))


def _declares(function: ast.FunctionDef) -> bool:
    return any("writes" in ast.unparse(decorator) for decorator in function.decorator_list)


def committing_functions() -> dict[str, bool]:
    """Public top-level functions of services/ that open a write transaction or commit: name → declared."""
    found = {}
    for path in sorted(SERVICES.glob("*.py")):
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and _commits(node):
                found[f"{path.stem}.{node.name}"] = _declares(node)
    return found


def test_the_scan_sees_transactions_and_declarations() -> None:
    source = ("@writes(Changes.SEANCES)\ndef a(sessions):\n    with sessions.begin() as s: pass\n"
              "def b(sessions):\n    with sessions() as s:\n        s.commit()\n"
              "def c(sessions):\n    with sessions() as s: return 1\n")
    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert [(f.name, _commits(f), _declares(f)) for f in functions] == [
        ("a", True, True), ("b", True, False), ("c", False, False)]


def test_every_committing_service_is_a_write_use_case_or_a_listed_inner_step() -> None:
    found = committing_functions()
    assert len(found) > 30  # the scan reads the real services
    undeclared = {name for name, declared in found.items() if not declared}
    assert undeclared == set(INNER_STEPS)


def test_every_declaration_names_what_changes() -> None:
    import importlib

    declared = [name for name, ok in committing_functions().items() if ok]
    for name in declared:
        module, function = name.split(".")
        changes = getattr(importlib.import_module(f"cocon_desktop.services.{module}"), function).changes
        assert isinstance(changes, Changes) and changes != Changes.NONE, name
