"""A fast path for the JSON Schema check that can only ever say "valid for certain".

Why: `jsonschema`'s Draft202012Validator.iter_errors was the largest single cost of checking a
spec (about 0.22 ms of 0.6 ms per spec, profiled over bench/specs.py), and almost every spec a CI
run checks is valid. `compile_accept(schema)` turns the schema once into a tree of small closures
that answer one question: is this instance certainly valid? On bench/specs.py's 1,000 specs
`schema.spec_errors` went from 0.22 to 0.024 ms per spec (the bench's "schema + rules" stage
from about 0.4 to 0.18 ms).

The soundness rule: an accept check returns True only when the instance is valid under Draft
2020-12 exactly as jsonschema decides it. It returns False when the instance is invalid *and*
whenever it is unsure: a float (24.0 is an "integer" to jsonschema), any value whose type is not
exactly str, int, bool, None, dict or list (a subclass), a key that is not exactly a str where keys
are matched against `properties`, an enum or const value of another type (True == 1 in Python, not
in JSON Schema). False only means "run jsonschema", which stays the only source of findings; the
schema file stays the single source of truth. `compile_accept` returns None (no fast path at all)
when the schema holds a keyword this module does not implement, or a keyword value of an unexpected
shape: then jsonschema always runs.
"""

from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]

# Keywords with no effect on validity (annotations, and netspec's own hint).
_ANNOTATIONS = frozenset({"description", "x-hint", "examples", "title", "$schema", "$id", "default", "deprecated",
                          "$comment", "readOnly", "writeOnly"})
_NONE = type(None)
_EVERY: frozenset[type] = frozenset({str, int, bool, _NONE, dict, list})  # the exact types known here
# JSON Schema types as the exact Python types the fast path is sure of (floats: unsure).
_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}), "integer": frozenset({int}), "number": frozenset({int}),
    "boolean": frozenset({bool}), "null": frozenset({_NONE}), "object": frozenset({dict}),
    "array": frozenset({list}),
}


class _Unsupported(Exception):
    """The schema holds something this module does not implement."""


def _need(condition: bool) -> None:
    if not condition:
        raise _Unsupported


def _count(value: Any) -> int:
    _need(type(value) is int and value >= 0)
    return int(value)


def _bound(value: Any) -> int | float:
    _need(type(value) in (int, float))
    return value


def _yes(instance: Any) -> bool:
    return True


def _no(instance: Any) -> bool:
    return False


def _object(schema: dict[str, Any]) -> Check:
    """`properties` and `additionalProperties` in one pass over the instance's keys."""
    properties = schema.get("properties", {})
    _need(isinstance(properties, dict))
    known = {name: _compile(sub) for name, sub in properties.items()}
    extra = _compile(schema.get("additionalProperties", True))

    def check(instance: dict[Any, Any]) -> bool:
        for key, value in instance.items():
            if type(key) is not str or not known.get(key, extra)(value):
                return False
        return True
    return check


def _required(names: Any) -> Check:
    _need(isinstance(names, list) and all(type(n) is str for n in names))
    wanted = tuple(names)
    return lambda instance: all(name in instance for name in wanted)


def _property_names(schema: Any) -> Check:
    sub = _compile(schema)
    return lambda instance: all(sub(key) for key in instance)


def _items(schema: Any) -> Check:
    sub = _compile(schema)
    return lambda instance: all(sub(item) for item in instance)


def _pattern(pattern: Any) -> Check:
    """re.search, as jsonschema (not fullmatch). Compiled at its first use, once: a run checking one
    spec compiles only the patterns it meets (compiling all of netspec's took 3 ms)."""
    _need(type(pattern) is str)
    compiled: list[Callable[[str], Any]] = []

    def check(instance: str) -> bool:
        if not compiled:
            try:
                compiled.append(re.compile(pattern).search)
            except re.error:
                return False  # unsure: jsonschema reports it
        return compiled[0](instance) is not None
    return check


def _any_of(schemas: Any) -> Check:
    _need(isinstance(schemas, list) and len(schemas) > 0)
    branches = tuple(_compile(s) for s in schemas)
    return lambda instance: any(branch(instance) for branch in branches)


def _one_of_values(values: Any) -> Check:
    """enum and const: sure only of a scalar of exactly a listed value's type and equal to it."""
    _need(isinstance(values, list))
    allowed = frozenset((type(v), v) for v in values if type(v) in (str, int, bool, _NONE))
    return lambda instance: type(instance) not in (dict, list) and (type(instance), instance) in allowed


def _length(least: int, most: int | None) -> Check:
    return lambda instance: least <= len(instance) and (most is None or len(instance) <= most)


def _minimum(low: int | float) -> Check:
    return lambda number: number >= low


def _maximum(high: int | float) -> Check:
    return lambda number: number <= high


# keyword -> (the exact types it applies to, its check's builder from the whole schema). A keyword
# for another type is ignored, as JSON Schema says. `type` itself decides which types reach the
# checks at all (see _compile); `properties` builds `additionalProperties` with it.
_KEYWORDS: dict[str, tuple[frozenset[type], Callable[[dict[str, Any]], Check | None]]] = {
    "type": (_EVERY, lambda s: None),
    "properties": (frozenset({dict}), _object),
    "additionalProperties": (frozenset({dict}), lambda s: None if "properties" in s else _object(s)),
    "required": (frozenset({dict}), lambda s: _required(s["required"])),
    "propertyNames": (frozenset({dict}), lambda s: _property_names(s["propertyNames"])),
    "minProperties": (frozenset({dict}), lambda s: _length(_count(s["minProperties"]), None)),
    "maxProperties": (frozenset({dict}), lambda s: _length(0, _count(s["maxProperties"]))),
    "items": (frozenset({list}), lambda s: _items(s["items"])),
    "minItems": (frozenset({list}), lambda s: _length(_count(s["minItems"]), None)),
    "maxItems": (frozenset({list}), lambda s: _length(0, _count(s["maxItems"]))),
    "pattern": (frozenset({str}), lambda s: _pattern(s["pattern"])),
    "minLength": (frozenset({str}), lambda s: _length(_count(s["minLength"]), None)),
    "maxLength": (frozenset({str}), lambda s: _length(0, _count(s["maxLength"]))),
    "minimum": (frozenset({int}), lambda s: _minimum(_bound(s["minimum"]))),
    "maximum": (frozenset({int}), lambda s: _maximum(_bound(s["maximum"]))),
    "anyOf": (_EVERY, lambda s: _any_of(s["anyOf"])),
    "enum": (_EVERY, lambda s: _one_of_values(s["enum"])),
    "const": (_EVERY, lambda s: _one_of_values([s["const"]])),
}


def _allowed_types(schema: dict[str, Any]) -> frozenset[type]:
    names = schema.get("type", list(_TYPES))
    names = [names] if isinstance(names, str) else names
    _need(isinstance(names, list) and all(n in _TYPES for n in names))
    return frozenset().union(*(_TYPES[n] for n in names))


def _compile(schema: Any) -> Check:
    if schema is True:
        return _yes
    if schema is False:
        return _no
    _need(isinstance(schema, dict))
    _need(all(k in _KEYWORDS or k in _ANNOTATIONS for k in schema))
    types = _allowed_types(schema)
    checks: dict[type, list[Check]] = {t: [] for t in types}
    for keyword in schema:  # in the schema's order: the same tree on every run
        if keyword in _KEYWORDS and (check := _KEYWORDS[keyword][1](schema)) is not None:
            for t in _KEYWORDS[keyword][0] & types:
                checks[t].append(check)
    by_type = {t: tuple(found) for t, found in checks.items()}

    def accept(instance: Any) -> bool:
        found = by_type.get(type(instance))  # None: a type the schema refuses, or one we are unsure of
        if found is None:
            return False
        for check in found:
            if not check(instance):
                return False
        return True
    return accept


def compile_accept(schema: dict[str, Any]) -> Check | None:
    """A check that returns True only for instances certainly valid under `schema` (Draft 2020-12),
    or None when the schema uses a keyword this module does not implement."""
    try:
        return _compile(schema)
    except _Unsupported:
        return None
