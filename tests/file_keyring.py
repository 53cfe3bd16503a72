"""A keychain kept in a JSON file ($COCON_TEST_KEYRING), standing in for the OS one across processes: the
end-to-end tests give it to the `cocon` process (PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring) so that
what one command writes in the keychain, the next one reads. Imported only where it is asked for."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
from keyring.compat import properties

VARIABLE = "COCON_TEST_KEYRING"
BACKEND = "tests.file_keyring.FileKeyring"


class FileKeyring(keyring.backend.KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        """Viable only where a test asked for it: keyring registers every backend class once imported, and its
        chainer would otherwise reach this one in later tests of the same worker (without the variable)."""
        if VARIABLE not in os.environ:
            raise RuntimeError(f"{VARIABLE} is not set")
        return 1

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[VARIABLE])

    def _load(self) -> dict[str, str]:
        if VARIABLE not in os.environ:  # a chainer made while a test used it, reached in a later test
            return {}
        try:
            return dict(json.loads(self._path().read_text("utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}|{username}"] = password
        self._path().write_text(json.dumps(entries), "utf-8")

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        entries.pop(f"{service}|{username}", None)
        self._path().write_text(json.dumps(entries), "utf-8")
