"""Key rotation on the large practice (issue 19, #3): « Changer la clé de chiffrement » re-encrypts the whole database
(sqlcipher_export into a new file, integrity check, rename), rewraps the key, then writes a fresh backup.

Run alone: `python -m benchmarks.key_rotation` (generates the large demo in a temporary folder)."""

from __future__ import annotations

import time
from pathlib import Path

from cocon_desktop.domain.passphrase import DEMO_PASSPHRASE
from cocon_desktop.services import key_rotation
from cocon_desktop.services.practice_handle import Practice

Row = tuple[str, str, str, str]


def rows(practice: Practice) -> list[Row]:
    """Rotate the open large practice's key once (it stays open, under the new key)."""
    size_mb = practice.paths.database.stat().st_size / 1e6
    start = time.perf_counter()
    report = practice.write(key_rotation.rotate_data_key, DEMO_PASSPHRASE).value
    total = time.perf_counter() - start
    backup = total - report.seconds
    return [(f"rekey the large practice ({size_mb:.0f} MB): re-encrypt, check, rename, rewrap",
             f"{report.seconds:.1f} s", f"+ fresh backup {backup:.1f} s, total {total:.1f} s",
             "in the worker, with its bar")]


if __name__ == "__main__":
    import tempfile
    from datetime import date

    from cocon_desktop.services.demo_large import create_large_demo

    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        large = create_large_demo(Path(tmp) / "large", date.today(), signed_months=0)
        print(f"generated in {time.perf_counter() - began:.1f} s")
        with large:
            for row in rows(large):
                print("  ".join(row))
