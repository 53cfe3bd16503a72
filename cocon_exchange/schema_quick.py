"""A quick yes or no of a JSON value against a JSON Schema (draft 2020-12) written with a few keywords — those of
the batch manifest's schema — compiled once into plain Python tests. For the common case, a valid manifest:
`jsonschema` walks 100 documents in ≈ 20 ms, this in ≈ 1 ms; `jsonschema` is still what says where and why a
manifest is refused (manifest_schema.schema_problem asks it whenever this says no).

    check = compile_quick(schema)     # None when the schema uses a keyword this does not know
    check(value) -> bool              # True only when jsonschema would find no error

It never says yes where `jsonschema` would say no: each keyword follows jsonschema's own rules (an integer is an
int or an integral float, never a bool; `pattern` is `re.search`; a keyword applies only to its own type), and
what it cannot decide exactly (uniqueItems over anything but strings) is a no."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default"})
_DEFS = "#/$defs/"


class _Unsupported(Exception):
    pass


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float)
                                                                              and v.is_integer()),
    "number": _number,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _equal_to(expected: Any) -> Check:
    """jsonschema's equality for the constants a schema like the manifest's holds (1 is not True; 1.0 is 1)."""
    if isinstance(expected, str):
        return lambda v: isinstance(v, str) and v == expected
    if _number(expected):
        return lambda v: _number(v) and v == expected
    if expected is None or isinstance(expected, bool):
        return lambda v: v is expected
    raise _Unsupported("const")


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _unique_strings(value: Any) -> bool:
    return not isinstance(value, list) or (all(isinstance(item, str) for item in value)
                                           and len(set(value)) == len(value))


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.defs: dict[str, Check] = {}

    def ref(self, target: str) -> Check:
        if not target.startswith(_DEFS) or target[len(_DEFS):] not in self.root.get("$defs", {}):
            raise _Unsupported(target)
        name = target[len(_DEFS):]
        if name not in self.defs:
            self.defs[name] = lambda v: False  # while compiling itself (a recursive definition)
            compiled = self.schema(self.root["$defs"][name])
            self.defs[name] = compiled
        return lambda v: self.defs[name](v)

    def schema(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise _Unsupported(repr(schema))
        checks = [self.keyword(key, value, schema) for key, value in schema.items() if key not in _ANNOTATIONS
                  and key not in ("then", "else")]
        return _all([c for c in checks if c is not None] or [lambda v: True])

    def keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check | None:
        if key == "type":
            kinds = [_TYPES[k] for k in ([value] if isinstance(value, str) else value)]
            return lambda v: any(kind(v) for kind in kinds)
        if key == "$ref":
            return self.ref(value)
        if key == "const":
            return _equal_to(value)
        if key == "enum":
            if not all(isinstance(item, str) for item in value):
                raise _Unsupported("enum")
            allowed = frozenset(value)
            return lambda v: isinstance(v, str) and v in allowed
        if key == "pattern":
            pattern = re.compile(value)
            return lambda v: not isinstance(v, str) or pattern.search(v) is not None
        if key in ("maxLength", "minLength"):
            most = key == "maxLength"
            return lambda v: not isinstance(v, str) or (len(v) <= value if most else len(v) >= value)
        if key in ("minimum", "maximum"):
            least = key == "minimum"
            return lambda v: not _number(v) or (v >= value if least else v <= value)
        if key in ("maxItems", "minItems"):
            most = key == "maxItems"
            return lambda v: not isinstance(v, list) or (len(v) <= value if most else len(v) >= value)
        if key == "uniqueItems":
            return _unique_strings if value else None
        if key == "items":
            item = self.schema(value)
            return lambda v: not isinstance(v, list) or all(item(i) for i in v)
        if key == "required":
            names = tuple(value)
            return lambda v: not isinstance(v, dict) or all(name in v for name in names)
        if key == "properties":
            properties = {name: self.schema(sub) for name, sub in value.items()}
            return lambda v: not isinstance(v, dict) or all(check(v[name]) for name, check in properties.items()
                                                            if name in v)
        if key == "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported(key)
            known = frozenset(schema.get("properties", {}))
            extra = self.schema(value)
            return lambda v: not isinstance(v, dict) or all(extra(v[name]) for name in v if name not in known)
        if key == "oneOf":
            options = [self.schema(sub) for sub in value]
            return lambda v: sum(1 for option in options if option(v)) == 1
        if key == "if":
            condition = self.schema(value)
            then = self.schema(schema.get("then", True))
            otherwise = self.schema(schema.get("else", True))
            return lambda v: then(v) if condition(v) else otherwise(v)
        raise _Unsupported(key)


def compile_quick(schema: dict[str, Any]) -> Check | None:
    """The quick check of `schema`, None when it uses a keyword (or a form of one) this does not know."""
    try:
        return _Compiler(schema).schema(schema)
    except (_Unsupported, KeyError, TypeError, re.error):
        return None
