"""`cocon verify` from the shell (issue 19, #2): what it checked when everything holds, and one French sentence
with exit 3 when an audit entry was deleted behind its back, or a trigger made again with `WHEN 0`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocon_desktop.db.engine import connect
from cocon_desktop.security import vault
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # the demo practice (made once per process), copied


def _verify(folder: Path) -> tuple[int, str, str]:
    result = cocon("--data-dir", folder, "--passphrase-stdin", "verify", stdin="demo\n")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def _sql(folder: Path, *statements: str) -> None:
    conn = connect(folder / "practice.db", vault.unlock_with_passphrase(folder, "demo").data_key)
    for statement in statements:
        conn.execute(statement)
    conn.close()


def test_verify_says_what_it_checked(demo_dir: Path) -> None:
    code, out, _ = _verify(demo_dir)
    assert code == 0
    assert out.startswith("Vérification réussie : 18 documents, 0 attestation et ")
    assert "entrées de l'historique ; chaînes, empreintes, numérotation, signatures et factures électroniques" in out


def test_an_audit_entry_deleted_fails_in_one_sentence(demo_dir: Path) -> None:
    assert _verify(demo_dir)[0] == 0
    _sql(demo_dir, "DROP TRIGGER audit_entry_no_delete",
         "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
    _sql(demo_dir, "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
                   "BEGIN SELECT RAISE(ABORT, 'cocon: the audit log is append-only'); END")
    code, out, err = _verify(demo_dir)
    assert code == 3 and not out
    assert err.startswith("Des entrées de l'historique des modifications ont été supprimées ou réécrites : ")
    assert len(err.splitlines()) == 1


def test_a_trigger_made_again_with_when_0_fails(demo_dir: Path) -> None:
    _sql(demo_dir, "DROP TRIGGER invoice_no_delete",
         "CREATE TRIGGER invoice_no_delete BEFORE DELETE ON invoice WHEN 0 "
         "BEGIN SELECT RAISE(ABORT, 'cocon: issued documents are immutable'); END")
    code, _, err = _verify(demo_dir)
    assert code == 3
    assert err == ("Une protection des documents émis a été modifiée dans la base : le déclencheur "
                   "invoice_no_delete ne fait plus ce qu'il doit.")
