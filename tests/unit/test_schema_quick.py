"""The manifest's schema compiled into plain Python tests (cocon_exchange/schema_quick.py) says yes exactly where
jsonschema does: on a real manifest and on thousands of changed ones (every value replaced by values of every JSON
type and by near misses, every key removed, keys added, documents turned into credit notes)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cocon_exchange.batch_format import MANIFEST_NAME, build_batch
from cocon_exchange.manifest_schema import manifest_schema, schema_problem
from cocon_exchange.manifest_signature import simple_manifest_signer
from cocon_exchange.schema_quick import compile_quick
from tests.unit.batch_helpers import content, identity, members, signed_documents

REPLACEMENTS: tuple[Any, ...] = (
    None, True, False, 0, 1, 1.0, 1.5, -1, 5001, "", "x", "EUR", "invoice", "credit_note", "actes.csv",
    "2026-11-30", "220.00", "-40.00", "0.00", "-0.00", "FAC-2026-0001", "documents/FAC-2026-0001.pdf", "a" * 64,
    "A" * 64, "91234567500017", "RPM", "10001234565", "x" * 301, [], {}, ["a" * 64], ["a" * 64, "a" * 64], [1],
    {"a": 1})


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    who = identity()
    batch = build_batch(content(signed_documents(who)), simple_manifest_signer(who.certificate_pem,
                                                                                  who.private_key_der))
    value: dict[str, Any] = json.loads(dict(members(batch))[MANIFEST_NAME])
    value["practice"]["signing_certificates"] = ["b" * 64]
    return value


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _near_misses(value: Any) -> tuple[Any, ...]:
    """Values close to a valid one: a trailing line feed (`$` of a pattern), a letter's case, a digit more."""
    if isinstance(value, str):
        return (value + "\n", value.upper(), value.lower(), value + "0", value[:-1], " " + value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value + 1, value - 1, float(value), float(value) + 0.5, str(value))
    return ()


def _changed(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in _paths(manifest):
        parent: Any = None
        target: Any = manifest
        for key in path:
            parent, target = target, target[key]
        for replacement in (*REPLACEMENTS, *_near_misses(target)):
            changed = copy.deepcopy(manifest)
            holder = changed
            for key in path[:-1]:
                holder = holder[key]
            if path:
                holder[path[-1]] = copy.deepcopy(replacement)
                yield changed
        if path and isinstance(parent, dict):
            removed = copy.deepcopy(manifest)
            holder = removed
            for key in path[:-1]:
                holder = holder[key]
            del holder[path[-1]]
            yield removed
        if isinstance(target, dict):
            added = copy.deepcopy(manifest)
            holder = added
            for key in path:
                holder = holder[key]
            holder["extra"] = 1
            yield added
    for index in range(len(manifest["documents"])):  # an invoice becomes a credit note, and the reverse
        for kind, corrects, amount in (("credit_note", "FAC-2026-0001", "-40.00"), ("credit_note", None, "-40.00"),
                                       ("credit_note", "FAC-2026-0001", "40.00"), ("invoice", None, "-40.00"),
                                       ("invoice", "FAC-2026-0001", "40.00"), ("credit_note", "FAC-2026-0001",
                                                                               "0.00")):
            changed = copy.deepcopy(manifest)
            changed["documents"][index].update(kind=kind, corrects=corrects, amount=amount)
            yield changed


def test_the_quick_check_agrees_with_jsonschema(manifest: dict[str, Any]) -> None:
    schema = manifest_schema()
    quick = compile_quick(schema)
    assert quick is not None  # the manifest's schema uses only keywords it knows
    reference = Draft202012Validator(schema)
    assert quick(manifest) and reference.is_valid(manifest)
    seen = {True: 0, False: 0}
    for changed in _changed(manifest):
        expected = reference.is_valid(changed)
        assert quick(changed) == expected, json.dumps(changed)[:2000]
        seen[expected] += 1
    assert seen[True] > 50 and seen[False] > 1500  # both answers exercised


def test_a_refused_manifest_is_still_explained_by_jsonschema(manifest: dict[str, Any]) -> None:
    changed = copy.deepcopy(manifest)
    changed["documents"][1]["amount"] = "80,00"
    assert schema_problem(changed).startswith("$.documents[1].amount ")
    assert schema_problem(manifest) == ""


@pytest.mark.parametrize("where, value", [
    (("documents", 1, "amount"), "80.00\n"), (("totals", "amount"), None), (("practice", "siret"), None),
    (("period", "start"), None), (("documents", 0, "sha256"), None), (("documents", 0, "file"), None)])
def test_a_trailing_newline_is_refused(manifest: dict[str, Any], where: tuple[Any, ...], value: str | None) -> None:
    """JSON Schema's `$` is the end of the text (ECMA-262); Python's `re.search` also lets it match before a final
    newline: the schema's patterns say `$(?!\\n)` so that both read « 80.00\\n » as no amount."""
    changed = copy.deepcopy(manifest)
    target = changed
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value if value is not None else target[where[-1]] + "\n"
    assert not Draft202012Validator(manifest_schema()).is_valid(changed)
    quick = compile_quick(manifest_schema())
    assert quick is not None and not quick(changed)
    assert schema_problem(changed).startswith("$." + ".".join(str(k) for k in where).replace(".1.", "[1].")
                                              .replace(".0.", "[0]."))


@pytest.mark.parametrize("schema", [
    {"type": "string", "format": "date"},  # a keyword it does not know
    {"enum": ["a", 1]},  # an enum of mixed values
    {"const": {"a": 1}},
    {"$ref": "https://example.org/other.json"},
    {"type": "object", "patternProperties": {"^a": {}}, "additionalProperties": False},
])
def test_a_schema_beyond_its_keywords_is_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert compile_quick(schema) is None


def test_unique_items_other_than_strings_is_a_no() -> None:
    quick = compile_quick({"type": "array", "uniqueItems": True})
    assert quick is not None
    assert quick(["a", "b"]) and not quick(["a", "a"])
    assert not quick([1, 2])  # undecided: a no, and jsonschema answers
    assert compile_quick({"type": "integer"}) is not None
    integer = compile_quick({"type": "integer", "minimum": 1})
    assert integer is not None
    assert integer(1) and integer(2.0) and not integer(True) and not integer(0) and not integer("1")
