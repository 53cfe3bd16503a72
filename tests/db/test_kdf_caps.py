"""Issue 19, #9: Argon2 parameters read from files (vault.json, the key file inside a backup) are capped near the tuned
defaults, and refused in French before anything is derived. On 3412e4b a crafted backup asking 1 GiB × 100 passes
took 50 s and 1.1 GB before saying « wrong passphrase »."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from cocon_desktop.errors import CoconError, VaultError
from cocon_desktop.messages import text
from cocon_desktop.security.vault import VaultPaths
from cocon_desktop.services import backup, backup_format, practice_handle
from cocon_desktop.services.practice_handle import Practice
from tests.conftest import STRONG_PASSPHRASE


def rewrite_checksum(path: Path, edit: object) -> None:
    """Edit vault.json by hand as an attacker would, recomputing its unkeyed SHA-256 so it does not look damaged."""
    data = json.loads(path.read_text("utf-8"))
    data.pop("sha256")
    edit(data)  # type: ignore[operator]
    data["sha256"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")


def _crafted_backup(practice: Practice, tmp_path: Path, time_cost: int, memory_kib: int) -> Path:
    info = practice.write(backup.automatic_backup).value
    container = backup_format.read(info.path)
    work = tmp_path / "crafted"
    work.mkdir()
    key_file = work / "vault.json"
    key_file.write_bytes(container.read_member("vault.json"))
    rewrite_checksum(key_file, lambda d: d["slots"]["passphrase"].update(time_cost=time_cost,
                                                                          memory_kib=memory_kib))
    members = []
    for name in container.members:
        path = work / name if name == "vault.json" else work / f"member-{name}"
        if name != "vault.json":
            path.write_bytes(container.read_member(name))
        members.append((name, path))
    crafted = tmp_path / "crafted.coconbak"
    header = {k: v for k, v in container.header.items() if k not in ("format", "version", "members")}
    backup_format.write(crafted, header, members, practice.key.data_key)
    return crafted


def test_backup_asking_one_gib_times_100_passes_is_refused_at_once(practice: Practice, tmp_path: Path) -> None:
    crafted = _crafted_backup(practice, tmp_path, 100, 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(CoconError) as caught:
        backup.restore(crafted, tmp_path / "restored", passphrase=STRONG_PASSPHRASE)
    assert time.perf_counter() - started < 0.5  # 50 s and 1.1 GB on 3412e4b
    assert caught.value.code == "kdf_too_costly"
    assert caught.value.data["memory_mib"] == 1024 and caught.value.data["time_cost"] == 100
    assert "calcul de clé démesuré (100 passes sur 1024 Mio" in text(caught.value.code, caught.value.data)
    assert not (tmp_path / "restored").exists()


@pytest.mark.parametrize(("time_cost", "memory_kib"), [(41, 64 * 1024), (3, 512 * 1024), (30, 200 * 1024)])
def test_vault_json_beyond_the_caps_is_refused_before_deriving(practice: Practice, data_dir: Path,
                                                               time_cost: int, memory_kib: int) -> None:
    practice.close()
    rewrite_checksum(VaultPaths(data_dir).key_file,
                      lambda d: d["slots"]["passphrase"].update(time_cost=time_cost, memory_kib=memory_kib))
    started = time.perf_counter()
    with pytest.raises(VaultError) as caught:
        practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    assert caught.value.code == "kdf_too_costly" and time.perf_counter() - started < 0.5


def test_tuned_defaults_are_within_the_caps() -> None:
    from cocon_desktop.security import kdf

    for params in (kdf.Argon2Params(), kdf.Argon2Params(kdf.MAX_TIME_COST, kdf.DEFAULT_MEMORY_KIB,
                                                        kdf.DEFAULT_PARALLELISM)):
        kdf.check_cost(params)
        assert kdf.Argon2Params.from_json(params.to_json()) == params
