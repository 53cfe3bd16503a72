"""The recovery key as written on paper and typed back, typing slips included."""

from __future__ import annotations

import re

import pytest

from cocon_desktop.errors import VaultError
from cocon_desktop.security.recovery import ALPHABET, RecoveryKey

# A fixed key whose 32 characters are the whole alphabet in order (so it holds 0 and 1, which O, I, L
# stand in for, and every group differs from the others).
KEY = RecoveryKey(int("".join(f"{i:05b}" for i in range(32)), 2).to_bytes(20, "big"))


def test_generate_format_parse_round_trip() -> None:
    key = RecoveryKey.generate()
    text = key.formatted()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){8}", text)
    assert len(key.groups) == 9
    assert RecoveryKey.parse(text) == key
    assert RecoveryKey.generate() != key


def test_fixed_key_reads_back() -> None:
    assert KEY.formatted().startswith("0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ-")
    assert RecoveryKey.parse(KEY.formatted()).secret == KEY.secret


def test_lower_case_spaces_and_lookalike_letters() -> None:
    text = KEY.formatted()
    assert RecoveryKey.parse(text.lower()) == KEY
    assert RecoveryKey.parse(" ".join(KEY.groups)) == KEY
    assert RecoveryKey.parse("".join(KEY.groups)) == KEY
    assert RecoveryKey.parse(text.replace("0", "O").replace("1", "I")) == KEY
    assert RecoveryKey.parse(text.replace("1", "l").replace("0", "o")) == KEY


def test_one_character_typo_is_caught() -> None:
    text = KEY.formatted()
    for position in (0, 7, 20, len(text) - 1):  # in the first group, the middle, the check group
        if text[position] == "-":
            continue
        replacement = next(c for c in ALPHABET if c != text[position] and c not in "01")
        typo = text[:position] + replacement + text[position + 1:]
        with pytest.raises(VaultError) as caught:
            RecoveryKey.parse(typo)
        assert caught.value.code == "recovery_key_typo"


def test_swapped_groups_are_caught() -> None:
    groups = KEY.groups
    swapped = [groups[1], groups[0], *groups[2:]]
    with pytest.raises(VaultError) as caught:
        RecoveryKey.parse("-".join(swapped))
    assert caught.value.code == "recovery_key_typo"


@pytest.mark.parametrize("drop", [1, 4])
def test_wrong_length(drop: int) -> None:
    text = "".join(KEY.groups)[:-drop]
    with pytest.raises(VaultError) as caught:
        RecoveryKey.parse(text)
    assert caught.value.code == "recovery_key_malformed"
    assert caught.value.data == {"expected": 36, "length": 36 - drop}


def test_wrapping_key_depends_on_key_and_salt() -> None:
    salt = b"s" * 16
    assert KEY.wrapping_key(salt) == RecoveryKey.parse(KEY.formatted()).wrapping_key(salt)
    assert KEY.wrapping_key(salt) != KEY.wrapping_key(b"t" * 16)
    assert KEY.wrapping_key(salt) != RecoveryKey.generate().wrapping_key(salt)
