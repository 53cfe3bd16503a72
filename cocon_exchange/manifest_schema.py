"""The JSON Schema (draft 2020-12) of `manifest.json`, shipped as package data, and the check against it: a valid
manifest is recognised by the schema compiled into plain Python tests (schema_quick.py: ≈ 1 ms for 100 documents
instead of ≈ 20), a refused one is explained by jsonschema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from cocon_exchange.schema_quick import Check, compile_quick

if TYPE_CHECKING:  # jsonschema (0.1 s to import) only when a manifest is checked
    from jsonschema import Draft202012Validator

SCHEMA_FILE = "batch-manifest.schema.json"


@cache
def manifest_schema() -> dict[str, Any]:
    """The schema as a dict (read once from cocon_exchange/schemas/)."""
    text = resources.files("cocon_exchange").joinpath("schemas").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(manifest_schema())


@cache
def _quick() -> Check | None:
    return compile_quick(manifest_schema())


def schema_problem(manifest: Any) -> str:
    """"" when `manifest` follows the schema, else where it does not: "$.documents[0].amount: …"."""
    quick = _quick()
    if quick is not None and quick(manifest):
        return ""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(manifest))
    if error is None:
        return ""
    return f"{error.json_path} : {error.message[:200]}"
