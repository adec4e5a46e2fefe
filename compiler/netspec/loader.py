"""Read a spec file into plain data plus the line and column of every node.

PyYAML composes a node tree that carries marks; we build the Python values
ourselves from it so that we can (a) remember where each key and value stood,
(b) reject duplicate keys, anchors, aliases and custom tags, and (c) flag YAML 1.1
scalars that silently change meaning (`no` -> false, `010` -> 8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .codes import code
from .findings import Finding, Location
from .yamlerrors import syntax_error

MAX_SPEC_BYTES = 256 * 1024

Pointer = tuple[str | int, ...]

# Plain scalars YAML 1.1 resolves to something other than what most readers expect.
_BOOL_WORDS = {"true", "false"}
_SURPRISING_INT = re.compile(r"^[-+]?(0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+|[0-9]+_[0-9_]*)$")
_SURPRISING_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|\.(inf|Inf|INF|nan|NaN|NAN))$")

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Document:
    """A loaded spec: its data and where every part of it came from."""

    path: str
    text: str
    data: Any
    value_marks: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    # Values already reported by the loader (NS008); later checks stay quiet about them.
    flagged: frozenset[Pointer] = frozenset()
    # Parts taken out because their shape was invalid (see partial.py); empty for a schema-valid spec.
    pruned: frozenset[Pointer] = frozenset()

    def at(self, pointer: Pointer) -> Location:
        """Location of a value; its key, or the nearest existing ancestor, when it is absent."""
        probe = tuple(pointer)
        while probe:
            mark = self.value_marks.get(probe) or self.key_marks.get(probe)
            if mark:
                return Location(self.path, *mark)
            probe = probe[:-1]
        return Location(self.path, *self.value_marks.get((), (1, 1)))

    def key_at(self, pointer: Pointer) -> Location:
        """Location of a key (where an unknown or misplaced key is best shown), else of its value."""
        mark = self.key_marks.get(tuple(pointer))
        return Location(self.path, *mark) if mark else self.at(pointer)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node tree into Python values, collecting findings."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.value_marks: dict[Pointer, tuple[int, int]] = {}
        self.key_marks: dict[Pointer, tuple[int, int]] = {}
        self._seen: set[int] = set()
        self.flagged: set[Pointer] = set()
        self._constructor = yaml.constructor.SafeConstructor()

    def loc(self, node: yaml.Node) -> Location:
        line, col = _mark(node)
        return Location(self.path, line, col)

    def build(self, node: yaml.Node, pointer: Pointer) -> Any:
        if id(node) in self._seen:
            return None  # an alias: the composer hands back the anchored node; reported by _aliases
        self._seen.add(id(node))
        self.value_marks[pointer] = _mark(node)
        if node.tag not in _STANDARD_TAGS:
            self.findings.append(code("NS009").at(self.loc(node), f"custom tag {node.tag!r} is not supported"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, pointer + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, pointer)

    def _mapping(self, node: yaml.MappingNode, pointer: Pointer) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.findings.append(code("NS009").at(self.loc(key_node), "merge keys (<<) are not supported in specs"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.findings.append(code("NS009").at(self.loc(key_node), "mapping keys must be plain strings"))
                continue
            key = self._scalar(key_node, None)
            if not isinstance(key, str):
                # `on:` or `1:` as a key: keep the text so the schema can name it.
                key = str(key_node.value)
            if key in result:
                first = self.key_marks[pointer + (key,)]
                self.findings.append(code("NS002").at(
                    self.loc(key_node), f"duplicate key {key!r} (first defined at line {first[0]})",
                    related=(Location(self.path, *first),)))
                continue
            self.key_marks[pointer + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, pointer + (key,))
        return result

    def _flag(self, pointer: Pointer | None) -> None:
        if pointer is not None:
            self.flagged.add(pointer)

    def _scalar(self, node: yaml.ScalarNode, pointer: Pointer | None) -> Any:
        text = node.value
        plain = node.style is None
        tag = node.tag
        if plain and tag == "tag:yaml.org,2002:bool" and text.lower() not in _BOOL_WORDS:
            self.findings.append(code("NS008").at(
                self.loc(node), f"`{text}` is read as a boolean by YAML 1.1",
                hint=f'write "{text}" (quoted) for the word, or true/false for a boolean'))
            self._flag(pointer)
            return text
        if plain and tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and (
                _SURPRISING_INT.match(text) or _SURPRISING_FLOAT.match(text)):
            self.findings.append(code("NS008").at(
                self.loc(node), f"`{text}` is read as a number in a YAML 1.1 base or form you may not mean",
                hint=f'write "{text}" (quoted) for text, or the plain decimal number'))
            self._flag(pointer)
            return text
        if tag == "tag:yaml.org,2002:timestamp":
            return text  # dates are never meaningful in a spec; keep the text for the schema to judge
        return self._constructor.construct_object(node)


def load_text(text: str, path: str) -> tuple[Document | None, list[Finding]]:
    """Parse spec text. Returns the document (None when unusable) and findings."""
    start = Location(path, 1, 1)
    if not text.strip():
        return None, [code("NS004").at(start, "the spec file is empty")]
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_error(exc, text, path)]
    except yaml.YAMLError as exc:
        return None, [code("NS001").at(start, f"YAML cannot read this: {str(exc).splitlines()[0]}")]
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None, [code("NS004").at(start, "the spec file holds no YAML document")]
    if len(nodes) > 1:
        second = nodes[1]
        return None, [code("NS005").at(Location(path, *_mark(second)),
                                       f"the file holds {len(nodes)} YAML documents; a spec is one document")]
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        return None, [code("NS006").at(Location(path, *_mark(root)),
                                       f"the spec is a YAML {_kind(root)}, not a mapping")]
    builder = _Builder(path)
    builder.findings.extend(_aliases(text, path))
    data = builder.build(root, ())
    doc = Document(path=path, text=text, data=data,
                   value_marks=builder.value_marks, key_marks=builder.key_marks,
                   flagged=frozenset(builder.flagged))
    return doc, builder.findings


def _aliases(text: str, path: str) -> list[Finding]:
    """Aliases expand into shared or exponential data; specs are short enough to write out."""
    if "*" not in text:
        return []
    return [code("NS009").at(Location(path, e.start_mark.line + 1, e.start_mark.column + 1),
                             f"aliases (*{e.anchor}) are not supported in specs")
            for e in yaml.parse(text, Loader=yaml.SafeLoader) if isinstance(e, yaml.AliasEvent)]


def load_bytes(raw: bytes, path: str) -> tuple[Document | None, list[Finding]]:
    start = Location(path, 1, 1)
    if len(raw) > MAX_SPEC_BYTES:
        return None, [code("NS007").at(start, f"the file is {len(raw):,} bytes; specs are limited to {MAX_SPEC_BYTES:,}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [code("NS003").at(Location(path, line, col), f"byte 0x{raw[exc.start]:02x} is not valid UTF-8")]
    if "\x00" in text:
        return None, [code("NS003").at(start, "the file contains NUL bytes; it looks binary")]
    return load_text(text, path)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "scalar" if isinstance(node, yaml.ScalarNode) else "node"
