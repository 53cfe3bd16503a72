"""`cocon init` with a damaged practice file: one French sentence, exit 1, no traceback, no practice created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import STRONG_PASSPHRASE
from tests.e2e.test_cli import cocon


@pytest.mark.parametrize(("content", "says"), [
    (b"practice = 3\n", "[practice] doit être une table"),
    (b"[practice]\nname = [\"Alice\", \"Dupont\"]\n", "« name » n'est pas un texte"),
    (b"[practice]\nname = \"Alice\"\n\xff\xfe", "n'est pas en UTF-8"),
    (b"[[[[", "n'est pas un fichier TOML lisible"),
])
def test_init_with_a_damaged_practice_file(tmp_path: Path, content: bytes, says: str) -> None:
    toml = tmp_path / "cabinet.toml"
    toml.write_bytes(content)
    folder = tmp_path / "cabinet"
    result = cocon("init", "--practice-file", toml, "--data-dir", folder, "--passphrase-stdin",
                   stdin=f"{STRONG_PASSPHRASE}\n")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert not (folder / "vault.json").exists()
