"""The schema's fast path (schemafast.py) only ever accepts what jsonschema accepts, and is taken.

jsonschema stays the only source of findings: the fast check may answer True only for a spec
jsonschema finds no error in. These tests hold it to that on specs generated valid and then
mutated, on random small schemas, and on every spec file of the repository; they also show that a
valid spec never reaches jsonschema (else the fast path would silently do nothing), and that the
findings of every spec file are the same with the fast path as without it.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec import compile_text, schema
from netspec.loader import load_text
from netspec.pipeline import check_document
from netspec.schemafast import compile_accept

from conftest import BASE_SPEC, ROOT
from test_properties import budget, valid_spec

ACCEPT = compile_accept(schema.schema())
VALIDATOR = schema.validator()

# Every spec-shaped file of the repository: the examples, the organisation example, the tests' own.
SPEC_FILES = sorted([*(ROOT / "specs").glob("*.yaml"), *(ROOT / "docs" / "examples").glob("**/specs/**/*.yaml"),
                     *(ROOT / "tests").glob("**/*.yaml")])
VALID_FILES = [p for p in SPEC_FILES if not p.is_relative_to(ROOT / "tests")]
# The files the loader makes a document of (the others never reach the schema).
DOCUMENTS = [p for p in SPEC_FILES if load_text(p.read_bytes().decode("utf-8", "replace"), str(p))[0] is not None]


def _bench_specs(count: int) -> list[str]:
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from specs import generated_spec  # bench/specs.py
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return [generated_spec(i).decode() for i in range(count)]


def _plain(value: Any) -> bool:
    """Only the exact JSON types the fast path is sure of: no float, no subclass, string keys."""
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if type(value) is list:
        return all(_plain(v) for v in value)
    return type(value) in (str, int, bool, type(None))


def _agrees(instance: Any) -> bool:
    """The fast answer, checked against jsonschema: never True on an invalid instance; and on plain
    data exactly jsonschema's answer (the netspec schema holds nothing the fast path is unsure of)."""
    fast = ACCEPT(instance)
    errors = list(VALIDATOR.iter_errors(instance))
    assert not (fast and errors), f"accepted an invalid instance: {[e.message for e in errors]}"
    if _plain(instance):
        assert fast == (not errors), f"plain valid data not accepted: {instance!r}"
    return fast


def test_the_spec_schema_has_a_fast_path():
    assert ACCEPT is not None and schema.fast_accept() is not None


# --- Specs generated valid, then mutated ----------------------------------------------------------

TRICKY = [None, True, False, 0, 1, -1, 15, 16, 28, 29, 24.0, 24.5, 1.0, 2 ** 70, "", "x", "a" * 300, "é", "💥",
          "ds-team\n", "\nds-team", "DS-TEAM", "10.2.0.0/16\n", "10.2.0.0/16", "us-east-1a", "use1-az1", "read",
          "read\n", "s3", "123456789012", [], {}, ["x"], {"x": 1}, {"pool": "p-one", "size": 20},
          {"ipam_pool_id": "ipam-pool-0123456789abcdef0", "netmask": 20}, {"name": "s3"}]
KEYS = ["netspec", "name", "region", "cidr", "azs", "subnets", "services", "buckets", "tags", "flow_logs", "dns",
        "perimeter", "access", "account", "pool", "size", "zones", "allow", "mode", "x", "Name", ""]


def _changed_string(draw, text: str) -> str:
    how = draw(st.sampled_from(["newline", "lead", "upper", "double", "cut", "long", "text"]))
    return {"newline": lambda: text + "\n", "lead": lambda: " " + text, "upper": text.upper,
            "double": lambda: text + text, "cut": lambda: text[:1], "long": lambda: (text or "a") * 300,
            "text": lambda: draw(st.text(max_size=6))}[how]()


def _changed_int(draw, number: int) -> Any:
    return draw(st.sampled_from([number - 1, number + 1, float(number), number + 0.5, bool(number % 2), -number]))


def _mutate(draw, node: Any, depth: int = 0) -> Any:
    """`node` with one part changed: a descendant replaced, a key or item removed or added, a value nudged."""
    if depth < 5 and isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)):
        where = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        op = draw(st.sampled_from(["descend", "descend", "descend", "remove", "add", "empty"]))
        if op == "descend":
            node[where] = _mutate(draw, node[where], depth + 1)
        elif op == "remove":
            del node[where]
        elif op == "empty":
            node.clear()
        elif isinstance(node, dict):
            node[draw(st.sampled_from(KEYS) | st.text(max_size=4))] = _tricky(draw)
        else:
            node.append(copy.deepcopy(draw(st.sampled_from([*TRICKY, node[where]]))))
        return node
    if type(node) is str and draw(st.booleans()):
        return _changed_string(draw, node)
    if type(node) is int and draw(st.booleans()):
        return _changed_int(draw, node)
    return _tricky(draw)


def _tricky(draw) -> Any:
    """One of TRICKY, copied: a later mutation changes the spec, never the list every example draws from."""
    return copy.deepcopy(draw(st.sampled_from(TRICKY)))


@budget(300)
@given(valid_spec(), st.data())
def test_mutated_specs_fast_answer_is_sound(spec, data):
    assert _agrees(spec), "a generated valid spec is accepted"
    mutated = copy.deepcopy(spec)
    for _ in range(data.draw(st.integers(1, 3))):
        mutated = _mutate(data.draw, mutated)
    _agrees(mutated)


# --- Random small schemas of the keywords the fast path implements --------------------------------

NAMES = ["a", "b", "c"]
SCALAR = st.sampled_from([None, True, False, 0, 1, 2, 1.0, 2.5, -3, "", "a", "b", "ab", "a\n", "é"])
INSTANCES = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.sampled_from(NAMES), inner, max_size=3), max_leaves=10)
TYPE = st.sampled_from(["string", "integer", "number", "boolean", "null", "object", "array"])
KEYWORD = st.one_of(
    st.tuples(st.just("type"), TYPE | st.lists(TYPE, min_size=1, max_size=3, unique=True)),
    st.tuples(st.just("pattern"), st.sampled_from(["a", "^a", "b$", "^[a-z]*(?!\\n)$", "^.$"])),
    st.tuples(st.sampled_from(["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]),
              st.integers(0, 2)),
    st.tuples(st.sampled_from(["minimum", "maximum"]), st.integers(-1, 2) | st.sampled_from([0.5, 1.5])),
    st.tuples(st.just("enum"), st.lists(SCALAR, min_size=1, max_size=3)),
    st.tuples(st.just("const"), SCALAR),
    st.tuples(st.just("required"), st.lists(st.sampled_from(NAMES), max_size=2, unique=True)),
    st.tuples(st.sampled_from(["description", "x-hint", "title"]), st.just("ignored")),
)
LEAF = st.lists(KEYWORD, max_size=3).map(dict)  # few keywords: many instances pass, near the boundary


def _nested(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(LEAF, st.fixed_dictionaries({}, optional={
        "properties": st.dictionaries(st.sampled_from(NAMES), inner, max_size=2),
        "additionalProperties": inner, "items": inner, "propertyNames": inner,
        "anyOf": st.lists(inner, min_size=1, max_size=3)})).map(lambda parts: {**parts[0], **parts[1]})


SCHEMAS = st.recursive(LEAF | st.booleans(), _nested, max_leaves=6)


@budget(300)
@given(SCHEMAS, st.lists(INSTANCES, min_size=1, max_size=5))
def test_random_schemas_fast_answer_is_sound(subject, instances):
    accept = compile_accept(subject)
    assert accept is not None, "only implemented keywords"
    checker = jsonschema.Draft202012Validator(subject)
    for instance in instances:
        if accept(instance):
            assert not list(checker.iter_errors(instance)), (subject, instance)


# --- Exact Draft 2020-12 semantics, case by case ---------------------------------------------------

class _Str(str):
    pass


SEMANTICS = [
    # (schema, instance, the fast answer): True only where jsonschema finds no error.
    ({"type": "integer"}, 24, True),
    ({"type": "integer"}, 24.0, False),  # valid to jsonschema, but the fast path is unsure of floats
    ({"type": "integer"}, True, False),  # a boolean is never an integer
    ({"type": "number"}, 24.5, False),
    ({"minimum": 5}, True, True),  # a boolean is not a number: minimum does not apply
    ({"minimum": 16, "maximum": 28}, 16, True),
    ({"minimum": 16, "maximum": 28}, 29, False),
    ({"minimum": 2}, 1.5, False),  # a float: unsure, whatever the keyword
    ({}, 24.5, False),
    ({"pattern": "b"}, "abc", True),  # re.search, not fullmatch
    ({"pattern": "^a$"}, "a\n", True),  # Python's $ before a final newline: as jsonschema decides
    ({"pattern": "^a(?!\\n)$"}, "a\n", False),
    ({"pattern": "^a$"}, 5, True),  # a pattern applies to strings only
    ({"minLength": 2}, "💥", False),  # code points, not bytes
    ({"minLength": 2}, 5, True),
    ({"maxItems": 1}, {"a": 1, "b": 2}, True),  # a keyword for another type is ignored
    ({"enum": [1]}, True, False),  # True == 1 in Python, not in JSON Schema
    ({"enum": [True]}, 1, False),
    ({"enum": [1.0]}, 1, False),  # valid to jsonschema: unsure
    ({"const": "read"}, "read", True),
    ({"const": None}, None, True),
    ({"enum": [{"a": 1}]}, {"a": 1}, False),  # containers in enum: unsure
    ({"type": "string"}, _Str("x"), False),  # a subclass: unsure
    ({"properties": {"a": {"type": "string"}}}, {1: "x"}, False),  # a key that is not a string: unsure
    ({"additionalProperties": False, "properties": {"a": True}}, {"a": 24.5}, True),
    ({"additionalProperties": False}, {"a": 1}, False),
    ({"additionalProperties": {"type": "string"}, "properties": {"a": {"type": "integer"}}}, {"a": 1, "b": "x"}, True),
    ({"required": ["a"]}, {}, False),
    ({"required": ["a"]}, [], True),
    ({"propertyNames": {"maxLength": 1}}, {"ab": 1}, False),
    ({"anyOf": [{"type": "string"}, {"type": "object", "required": ["pool"]}]}, {"pool": "x"}, True),
    ({"anyOf": [{"type": "string"}, {"type": "object", "required": ["pool"]}]}, {}, False),
    ({"items": {"type": "string"}, "minItems": 2}, ["a", "b"], True),
    ({"items": {"type": "string"}, "minItems": 2}, ["a", 1], False),
    ({"pattern": "("}, "x", False),  # a pattern Python cannot compile: jsonschema raises its error
    (True, 24.5, True),
    (False, None, False),
]


@pytest.mark.parametrize("subject, instance, expected", SEMANTICS, ids=[repr(c[:2])[:60] for c in SEMANTICS])
def test_semantics(subject, instance, expected):
    assert compile_accept(subject)(instance) is expected
    if expected:
        assert not list(jsonschema.Draft202012Validator(subject).iter_errors(instance))


# --- Keywords the fast path does not implement: no fast path at all --------------------------------

UNSUPPORTED = {
    "$ref": {"$ref": "#/$defs/x"}, "$defs": {"$defs": {"x": {}}}, "allOf": {"allOf": [{}]}, "oneOf": {"oneOf": [{}]},
    "not": {"not": {}}, "if": {"if": {}, "then": {}}, "then": {"then": {}}, "else": {"else": {}},
    "patternProperties": {"patternProperties": {"^a": {}}}, "uniqueItems": {"uniqueItems": True},
    "dependentRequired": {"dependentRequired": {"a": ["b"]}}, "dependentSchemas": {"dependentSchemas": {"a": {}}},
    "format": {"format": "date"}, "prefixItems": {"prefixItems": [{}]}, "contains": {"contains": {}},
    "exclusiveMinimum": {"exclusiveMinimum": 1}, "exclusiveMaximum": {"exclusiveMaximum": 1},
    "multipleOf": {"multipleOf": 2}, "unevaluatedProperties": {"unevaluatedProperties": False},
    "unevaluatedItems": {"unevaluatedItems": False}, "minContains": {"minContains": 1},
    "$dynamicRef": {"$dynamicRef": "#x"}, "an unknown keyword": {"x-other": 1},
    "deep inside": {"properties": {"a": {"items": {"anyOf": [{"type": "string"}, {"not": {}}]}}}},
    "inside additionalProperties": {"additionalProperties": {"allOf": []}},
    "an unknown type": {"type": "int"},
    "a required that is not a list": {"required": "name"},
    "a count that is not an integer": {"minItems": 1.5},
    "a bound that is a boolean": {"minimum": True},
    "a schema that is not a mapping": {"items": [{"type": "string"}]},
}


@pytest.mark.parametrize("subject", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_unsupported_keywords_disable_the_fast_path(subject):
    assert compile_accept(subject) is None
    assert compile_accept({"type": "object", "properties": {"x": subject}}) is None


def test_the_config_schema_falls_back_to_jsonschema():
    """netspec.toml's schema uses allOf, if/then and format: it is checked by jsonschema alone."""
    assert schema.fast_accept("netspec-config.schema.json") is None


# --- The repository's specs: taken on the fast path, findings unchanged ----------------------------

class _CountingValidator:
    """The real validator, counting the documents it is asked about."""

    def __init__(self) -> None:
        self.seen = 0

    def iter_errors(self, instance: Any):
        self.seen += 1
        return VALIDATOR.iter_errors(instance)


@pytest.fixture
def counting(monkeypatch) -> _CountingValidator:
    spy = _CountingValidator()
    monkeypatch.setattr(schema, "validator", lambda name=schema.SCHEMA_NAME: spy)
    return spy


def _doc(text: str, path: str = "spec.yaml"):
    doc, findings = load_text(text, path)
    assert doc is not None, findings
    return doc


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_valid_spec_files_never_reach_jsonschema(path, counting):
    assert schema.spec_errors(_doc(path.read_text(encoding="utf-8"), str(path))) == []
    assert counting.seen == 0


def test_valid_generated_specs_never_reach_jsonschema(counting):
    for text in [BASE_SPEC, *_bench_specs(50)]:
        assert schema.spec_errors(_doc(text)) == []
    assert compile_text(BASE_SPEC, "spec.yaml").ok
    assert counting.seen == 0


def test_an_invalid_spec_goes_to_jsonschema(counting):
    errors = schema.spec_errors(_doc(BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33")))
    assert counting.seen == 1 and [e.validator for e in errors] == ["anyOf"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_findings_are_the_same_without_the_fast_path(path, monkeypatch):
    doc, _ = load_text(path.read_bytes().decode("utf-8", "replace"), str(path))
    assert doc is not None
    _agrees(doc.data)
    fast = check_document(doc)
    monkeypatch.setattr(schema, "fast_accept", lambda name=schema.SCHEMA_NAME: None)
    assert [dataclasses.astuple(f) for f in check_document(doc)] == [dataclasses.astuple(f) for f in fast]
