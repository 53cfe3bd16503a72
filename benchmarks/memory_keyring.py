"""A keyring backend for the start-up benchmark only: the keychain path as the program takes it (keyring, its
backend lookup, `vault.unlock_from_keychain`), with the secret held in this process's memory because the VM has no
Secret Service. It is named by PYTHON_KEYRING_BACKEND=memory_keyring.MemoryKeyring and reads the one secret it
holds from COCON_BENCH_KEYCHAIN ("vault_id:hex", the demo practice's data key, set by large_practice.py)."""

from __future__ import annotations

import os

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        user, _, secret = os.environ.get("COCON_BENCH_KEYCHAIN", "").partition(":")
        self.store = {("cocon-desktop", user): secret} if user else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)
