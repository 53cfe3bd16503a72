"""Where a PKCS#11 key lives, without importing the token and signing stack (pyHanko, python-pkcs11): the
services that only store or read this address stay light to import (the GUI's start)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenKey:
    """Where a key lives: the PKCS#11 module, the token's label, the key's (and certificate's) label."""

    module_path: str
    token_label: str
    key_label: str
