"""Argon2id key derivation from the passphrase, with parameters tuned to this machine.

Parameters read from a file (vault.json, the key file inside a backup) are capped near what `tune()` chooses
(issue 19, #9): a crafted file asking 1 GiB × 100 passes is refused before anything is derived."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

KEY_BYTES = 32
SALT_BYTES = 16
TARGET_SECONDS = 0.4  # the issue asks for 0.3–0.5 s on this kind of machine
DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_PARALLELISM = 2
MAX_TIME_COST = 40
# What a file may ask: tune()'s own bounds (at most MAX_TIME_COST passes over DEFAULT_MEMORY_KIB) with room for a
# machine that tuned a little more memory, and never more work than tune() could have chosen.
MAX_MEMORY_KIB = 4 * DEFAULT_MEMORY_KIB
MAX_PARALLELISM = 8
MAX_WORK_KIB = MAX_TIME_COST * DEFAULT_MEMORY_KIB  # passes × memory


def check_cost(params: Argon2Params) -> None:
    """VaultError('kdf_too_costly') when deriving with `params` would cost far beyond the tuned defaults."""
    if (params.time_cost > MAX_TIME_COST or params.memory_kib > MAX_MEMORY_KIB
            or params.parallelism > MAX_PARALLELISM or params.time_cost * params.memory_kib > MAX_WORK_KIB):
        from cocon_desktop.errors import VaultError

        raise VaultError("kdf_too_costly", time_cost=params.time_cost, memory_mib=params.memory_kib // 1024,
                         max_time_cost=MAX_TIME_COST, max_memory_mib=MAX_MEMORY_KIB // 1024)


@dataclass(frozen=True)
class Argon2Params:
    time_cost: int = 3
    memory_kib: int = DEFAULT_MEMORY_KIB
    parallelism: int = DEFAULT_PARALLELISM

    def to_json(self) -> dict[str, Any]:
        return {"kdf": "argon2id", **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Argon2Params:
        if data.get("kdf") != "argon2id":
            raise ValueError("unknown kdf")
        params = cls(int(data["time_cost"]), int(data["memory_kib"]), int(data["parallelism"]))
        if params.time_cost < 1 or params.memory_kib < 8 or params.parallelism < 1:
            raise ValueError("kdf parameters out of range")
        check_cost(params)
        return params


def derive_key(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """The 256-bit key-encryption key for `passphrase` (refused beyond the caps, whoever asks)."""
    check_cost(params)
    from argon2.low_level import Type, hash_secret_raw  # here: not needed to show the first window

    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _seconds(params: Argon2Params) -> float:
    start = time.perf_counter()
    derive_key("calibration", b"\0" * SALT_BYTES, params)
    return max(time.perf_counter() - start, 1e-4)


def tune(target_seconds: float = TARGET_SECONDS, memory_kib: int = DEFAULT_MEMORY_KIB,
         parallelism: int = DEFAULT_PARALLELISM) -> Argon2Params:
    """Choose the time cost so that one derivation takes about `target_seconds` here.

    A first guess from a short probe, then one correction from a measurement at the guessed cost
    (the fixed cost of filling the memory makes the probe overestimate one pass)."""
    probe = Argon2Params(time_cost=2, memory_kib=memory_kib, parallelism=parallelism)
    _seconds(probe)  # warm the allocator
    guess = max(2, round(target_seconds / (_seconds(probe) / probe.time_cost)))
    guess = min(MAX_TIME_COST, guess)
    measured = _seconds(Argon2Params(guess, memory_kib, parallelism))
    time_cost = min(MAX_TIME_COST, max(2, round(guess * target_seconds / measured)))
    return Argon2Params(time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism)
