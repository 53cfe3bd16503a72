"""Argon2id key derivation from the passphrase, with parameters tuned to this machine."""

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
        if not (1 <= params.time_cost <= 100 and 8 <= params.memory_kib <= 1024 * 1024
                and 1 <= params.parallelism <= 64):
            raise ValueError("kdf parameters out of range")
        return params


def derive_key(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """The 256-bit key-encryption key for `passphrase`."""
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
