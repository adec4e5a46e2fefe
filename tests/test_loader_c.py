"""libyaml's composer and PyYAML's own give the same documents, findings, codes and positions.

The loader lets libyaml (PyYAML's C extension) compose a spec only when it reads it exactly
as PyYAML's own composer does, and leaves every other file to PyYAML (yamlfast.compose);
a spec with nothing to report is built straight from libyaml's events (yamlfast.build_clean).
Each test loads one input with libyaml allowed and with PyYAML alone (and, for the clean
path, with and without it), and compares everything a later stage can see: the data, every
key's and value's line and column, the flagged values, and every finding with its message,
hint, excerpt and related locations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from netspec import loader, yamlfast

from conftest import EXAMPLES
from test_loader import LOADER_CASES, SYNTAX_ERRORS, UNUSABLE
from test_properties import _text, budget, mutated_structure, mutated_text, valid_spec

HOSTILE = sorted((Path(__file__).parent / "hostile").glob("*.yaml"))

# Inputs where libyaml and PyYAML part ways, each sent to PyYAML by one of the loader's guards.
DIVERGENT = {
    "a tab between items in brackets (libyaml accepts it)": "azs: [a,\tb]\n",
    "a byte-order mark starting a later line (libyaml skips it)": "a: 1\n\ufeffb: 2\n",
    "a ? inside a plain scalar in brackets (PyYAML ends the scalar there)": "azs: [us-west-2a, us? -west-2b]\n",
    "a missing value in brackets (libyaml marks it a column later)": "azs: [a, b: ]\ntags: {x: }\n",
    "no line break after the last line (libyaml marks the end a line lower)": "? ",
    "an empty value at the very end": "a: 1\nb:",
    "an alias (libyaml's composer loses the alias's place)": "a: &x 1\nb: *x\n",
    "lists nested past the limit (libyaml's composer recurses in C)": "a: " + "[" * 25 + "]" * 25 + "\n",
}

# Inputs libyaml composes, covering what a spec may hold.
ORDINARY = {
    "block and flow collections": "a:\n  - x\n  - {b: 1, c: [2, 3]}\nd: [e, f]\n",
    "explicit keys and empty values": "? a\n: 1\nb:\nc: ~\n",
    "quoted, folded and literal scalars": "a: 'x'\nb: \"y\\tz\"\nc: |\n  l1\n  l2\nd: >\n  f1\n  f2\n",
    "non-ASCII text before values": "é: 💥\nname: café\nx: [é, 💥, z]\n",
    "Windows line breaks": "a: 1\r\nb: [x, y]\r\n",
    "comments everywhere": "# c\na: 1 # c\n# c\nb:\n  # c\n  - x # c\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "an anchor without an alias": "a: &x 1\n",
    "a merge key": "b: {x: 1}\nc:\n  <<: {y: 2}\n",
    "YAML 1.1 scalars": "a: [yes, no, on, off, 010, 0x1F, 1:30, 1_000, .nan, -.inf, 2024-01-01]\n",
    "explicit tags": "a: !!int 3\nb: !!str 010\nc: !custom x\nd: ! 5\ne: !!binary aGk=\n",
    "a directive": "%YAML 1.1\n---\na: 1\n",
    "nesting at the limit": "a: " + "[" * (loader.MAX_DEPTH - 1) + "]" * (loader.MAX_DEPTH - 1) + "\n",
}


def _clean(text: str) -> yamlfast.Built | None:
    return yamlfast.build_clean(text, max_depth=loader.MAX_DEPTH, max_value_chars=loader.MAX_VALUE_CHARS)


def view(raw: bytes) -> tuple:
    doc, findings = loader.load_bytes(raw, "s.yaml")
    seen = None if doc is None else (repr(doc.data), sorted(doc.value_marks.items(), key=repr),
                                     sorted(doc.key_marks.items(), key=repr), sorted(doc.flagged, key=repr))
    return seen, [(f.code, f.location, f.message, f.hint, f.severity, f.excerpt, f.related) for f in findings]


def both(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    """The input loaded by the loader as it is, and by PyYAML's composer alone; and, loaded
    without the clean path, the same as by the loader as it is."""
    fast = view(raw)
    with monkeypatch.context() as patch:
        patch.setattr(yamlfast, "build_clean", lambda text, **limits: None)
        assert view(raw) == fast, "the clean path and libyaml's composer with the builder part ways"
    with monkeypatch.context() as patch:
        patch.setattr(yamlfast, "CLoader", None)
        slow = view(raw)
    return fast, slow


def _corpus() -> list[tuple[str, bytes]]:
    cases = [(f"loader case {i}", text.encode("utf-8", "surrogatepass")) for i, (text, _) in enumerate(LOADER_CASES)]
    cases += [(f"unusable file {i}", raw) for i, (raw, _, _) in enumerate(UNUSABLE)]
    cases += [(f"syntax error: {name}", text.encode()) for name, (text, _) in SYNTAX_ERRORS.items()]
    cases += [(f"hostile/{p.name}", p.read_bytes()) for p in HOSTILE]
    cases += [(f"example {p.name}", p.read_bytes()) for p in EXAMPLES]
    cases += [(name, text.encode()) for name, text in {**DIVERGENT, **ORDINARY}.items()]
    return cases


CORPUS = _corpus()


@pytest.mark.parametrize("raw", [raw for _, raw in CORPUS], ids=[name for name, _ in CORPUS])
def test_both_composers_agree(raw, monkeypatch):
    fast, slow = both(raw, monkeypatch)
    assert fast == slow


needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")


@needs_libyaml
@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in EXAMPLES] + list(ORDINARY.values()),
                         ids=[p.name for p in EXAMPLES] + list(ORDINARY))
def test_libyaml_composes_ordinary_specs(text):
    """The speed is real: what a spec holds is composed by libyaml, not handed to PyYAML."""
    assert yamlfast.compose(text, max_depth=loader.MAX_DEPTH) is not None


@needs_libyaml
@pytest.mark.parametrize("text", list(DIVERGENT.values()), ids=list(DIVERGENT))
def test_what_libyaml_reads_differently_goes_to_pyyaml(text):
    assert yamlfast.compose(text, max_depth=loader.MAX_DEPTH) is None
    assert _clean(text) is None


# Specs the loader has something to say about, or whose values need the constructor: the clean
# path leaves them to the composer and the builder.
NOT_CLEAN = {
    "a duplicate key": "a: 1\na: 2\n",
    "a YAML 1.1 boolean word": "a: yes\n",
    "an octal-looking number": "a: 010\n",
    "a float": "a: 1.5\n",
    "a key that is not a string": "1: a\n",
    "a boolean key": "on: push\n",
    "a collection as a key": "? [a]\n: 1\n",
    "a merge key": "b: {x: 1}\nc:\n  <<: {y: 2}\n",
    "an explicit tag": "a: !!str 1\n",
    "a non-specific tag": "a: ! 5\n",
    "a tagged mapping": "a: !!map {b: 1}\n",
    "a value over the limit": "a: " + "x" * (loader.MAX_VALUE_CHARS + 1) + "\n",
    "a root that is a list": "- a\n",
    "a root that is a scalar": "a\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "an empty second document": "a: 1\n---\n",
    "a syntax error": "a: [b\n",
}


@needs_libyaml
@pytest.mark.parametrize("text", list(NOT_CLEAN.values()), ids=list(NOT_CLEAN))
def test_what_the_loader_reports_is_not_taken_by_the_clean_path(text):
    assert _clean(text) is None


@needs_libyaml
@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in EXAMPLES] + [
    "a: [x, 'y', \"z\"]\nb: {c: ~, d: null, e: true, f: False, g: -12, h: +0, i: 2024-01-01}\nj:\nk: |\n  l\n",
    "a: &x 1\n",  # an anchor without an alias
], ids=[p.name for p in EXAMPLES] + ["every clean kind of value", "an anchor"])
def test_clean_specs_take_the_clean_path(text):
    """The speed is real: a spec with nothing to report is built in one pass."""
    built = _clean(text)
    assert built is not None
    doc, findings = loader.load_text(text, "s.yaml")
    assert findings == [] and (doc.data, doc.value_marks, doc.key_marks) == built


@budget(150)
@given(mutated_text())
def test_both_composers_agree_on_mutated_specs(raw):
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both(raw, monkeypatch)
    assert fast == slow


@budget(100)
@given(mutated_structure())
def test_both_composers_agree_on_restructured_specs(raw):
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both(raw, monkeypatch)
    assert fast == slow


@budget(100)
@given(valid_spec(), st.integers(0, 2))
def test_both_composers_agree_on_generated_specs(spec, style):
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both(_text(spec, style), monkeypatch)
    assert fast == slow
