"""Bad input never crashes: the key file (vault.json), the practice file (TOML) and the tariff files, fed random
bytes, random structures and mutations of good files, give a value or a CoconError whose French sentence exists,
never another exception. (The CSV import and batch files: test_csv_children.py, test_batch_verify.py, and
tests/db/test_bad_input_db.py for the database side.)"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocon_desktop import messages
from cocon_desktop.domain.practice_toml import profile_from_toml
from cocon_desktop.domain.tariffs import NetworkTariff, load_tariff_toml, parse_tariff
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.keyfile import KeyFile, Slot

ROOT = Path(__file__).resolve().parents[2]
TARIFF = (ROOT / "resources" / "tariffs" / "RPO.toml").read_bytes()
PRACTICE = (ROOT / "docs" / "practice.example.toml").read_bytes()
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# what TOML and JSON can hold, and a little more
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats()
           | st.text(max_size=20) | st.dates() | st.datetimes() | st.times()
           | st.sampled_from(["", "NaN", "Infinity", "-1", "39.001", "2026-02-30", "orthophonie", "argon2id"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


def french(error: CoconError) -> str:
    """The sentence the user reads: it must exist for the code (and for every field error)."""
    codes = [e.code for e in error.errors] if isinstance(error, ValidationError) else [error.code]
    assert all(code in messages.MESSAGES for code in codes), codes
    sentence = messages.describe(error)
    parts = [messages.text(e.code, e.data) for e in error.errors] if isinstance(error, ValidationError) \
        else [sentence]
    assert sentence and all(part[:1].isupper() and part.endswith(".") for part in parts), sentence
    return sentence


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a nested structure of dicts and lists."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def replaced(value: Any, where: tuple[Any, ...], new: Any) -> Any:
    if not where:
        return new
    out = copy.deepcopy(value)
    target = out
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = new
    return out


# --- tariff files ----------------------------------------------------------------------------------------------

def tariff_or_french(call: Any) -> NetworkTariff | None:
    try:
        result = call()
    except CoconError as error:
        french(error)
        return None
    assert isinstance(result, NetworkTariff)
    return result


def test_the_shipped_tariff_loads() -> None:
    tariff = load_tariff_toml(TARIFF)
    assert tariff.network == "RPO" and tariff.versions


@FUZZ
@given(st.binary(max_size=600))
def test_tariff_any_bytes(raw: bytes) -> None:
    tariff_or_french(lambda: load_tariff_toml(raw))


@FUZZ
@given(st.data())
def test_tariff_one_value_replaced_anywhere(data: st.DataObject) -> None:
    good = tomllib.loads(TARIFF.decode())
    where = data.draw(st.sampled_from(paths(good)))
    tariff_or_french(lambda: parse_tariff(replaced(good, where, data.draw(VALUES))))


@FUZZ
@given(st.data())
def test_tariff_text_cut_or_mangled(data: st.DataObject) -> None:
    text = TARIFF.decode()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    piece = data.draw(st.sampled_from(["", "=", "[", "]]", "\"", "\n[[versions]]\n", "1e999", "nan", "inf",
                                       "2026-01-01T10:00:00", "{}", "[[versions.forfaits]]\n"]))
    tariff_or_french(lambda: load_tariff_toml((text[:start] + piece + text[end:]).encode()))


@pytest.mark.parametrize("change", [
    ("versions", 0, "effective_from", datetime(2026, 1, 1, 10, 0)),  # a TOML date-time beside dates
    ("versions", 0, "forfaits", 0, "sessions", math.inf),
    ("versions", 0, "forfaits", 0, "age_max_months", float("nan")),
    ("versions", 0, "forfaits", 0, "session_price", "NaN"),
    ("versions", 0, "forfaits", 0, "bilan_price", "Infinity"),
    ("versions", 0, "forfaits", 0, "discipline_prices", ["orthophonie"]),
    ("versions", 0, "forfaits", 0, "disciplines", "orthophonie"),
    ("versions", 0, "forfaits", 0, 7),
    ("versions", 0, "forfaits", "tous"),
    ("versions", 0, 3),
    ("versions", "2026"),
    ("pathway_max_age_years", "cinq"),
    ("pathway_max_age_years", math.inf),
    ("network", ["RPO"]),
    ("versions", 0, "effective_from", time(10, 0)),
])
def test_tariff_known_traps(change: tuple[Any, ...]) -> None:
    good = tomllib.loads(TARIFF.decode())
    *where, value = change
    assert tariff_or_french(lambda: parse_tariff(replaced(good, tuple(where), value))) is None


def test_tariff_that_is_not_a_table() -> None:
    for value in ([], "RPO", 3, None):
        assert tariff_or_french(lambda value=value: parse_tariff(value)) is None


# --- the practice file (cocon init --practice-file) -----------------------------------------------------------

def profile_or_french(raw: bytes) -> None:
    try:
        profile = profile_from_toml(raw, "cabinet.toml")
    except CoconError as error:
        french(error)
        return
    assert all(isinstance(getattr(profile, name), str) for name in profile.field_names())


def test_the_example_practice_file_reads() -> None:
    profile = profile_from_toml(PRACTICE, "practice.example.toml")
    assert profile.name and profile.siret


@FUZZ
@given(st.binary(max_size=400))
def test_practice_file_any_bytes(raw: bytes) -> None:
    profile_or_french(raw)


@FUZZ
@given(st.data())
def test_practice_file_one_value_replaced(data: st.DataObject) -> None:
    good = tomllib.loads(PRACTICE.decode())
    where = data.draw(st.sampled_from(paths(good)))
    bad = replaced(good, where, data.draw(VALUES))
    text = "\n".join(f"{k} = {json.dumps(v, default=str)}" for k, v in bad.items()) if isinstance(bad, dict) else ""
    profile_or_french(text.encode())
    profile_or_french(b"practice = 3\n")
    profile_or_french(b"[practice]\nname = [1, 2]\nsiret = 1e400\n")


# --- the key file (vault.json) --------------------------------------------------------------------------------

def good_keyfile() -> dict[str, Any]:
    slot = Slot("passphrase", b"s" * 16, b"n" * 12, b"w" * 48, Argon2Params(3, 65536, 2))
    raw = KeyFile("0f1e2d3c-vault", "2026-11-30T10:00:00+00:00", {"passphrase": slot}).to_bytes(b"k" * 32)
    body: dict[str, Any] = json.loads(raw)
    body.pop("sha256")
    return body


def sealed(body: Any) -> bytes:
    """A body with a correct checksum: the parser must then judge the content itself."""
    if isinstance(body, dict):
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
        body = {**body, "sha256": digest}
    return json.dumps(body, default=str).encode()


def keyfile_or_french(raw: bytes) -> None:
    try:
        KeyFile.from_bytes(raw)
    except CoconError as error:
        assert french(error)


def test_the_good_key_file_reads() -> None:
    assert KeyFile.from_bytes(sealed(good_keyfile())).slots["passphrase"].kdf == Argon2Params(3, 65536, 2)


@FUZZ
@given(st.binary(max_size=600))
def test_key_file_any_bytes(raw: bytes) -> None:
    keyfile_or_french(raw)


@FUZZ
@given(st.data())
def test_key_file_one_value_replaced_with_a_good_checksum(data: st.DataObject) -> None:
    good = good_keyfile()
    where = data.draw(st.sampled_from(paths(good)))
    keyfile_or_french(sealed(replaced(good, where, data.draw(VALUES))))


@pytest.mark.parametrize("raw", [
    b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's recursion limit
    b"{\"a\":" * 50_000 + b"1" + b"}" * 50_000,
    b"\xff\xfe{}",
    b"1e999999",
    b"NaN",
])
def test_key_file_known_traps(raw: bytes) -> None:
    keyfile_or_french(raw)


@pytest.mark.parametrize("change", [("version", 10**400), ("slots", "passphrase", "memory_kib", 1e300),
                                    ("slots", "passphrase", "time_cost", float("inf")), ("slots", []),
                                    ("slots", "passphrase", "salt", "éé"), ("created", date(2026, 1, 1))])
def test_key_file_known_values(change: tuple[Any, ...]) -> None:
    *where, value = change
    keyfile_or_french(sealed(replaced(good_keyfile(), tuple(where), value)))
