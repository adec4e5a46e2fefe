"""Read a spec file into plain data plus the line and column of every node.

PyYAML composes a node tree that carries marks; we build the Python values
ourselves from it so that we can (a) remember where each key and value stood,
(b) reject duplicate keys, anchors, aliases and custom tags, and (c) flag YAML 1.1
scalars that silently change meaning (`no` -> false, `010` -> 8).

Two composers give the same node tree: libyaml's (PyYAML's C extension, about ten
times faster) and PyYAML's own. libyaml composes a spec only when it decides exactly
as PyYAML's would (`yamlfast.compose`); anything else, every error included, goes to
PyYAML's own composer, whose errors netspec explains (yamlerrors.py). A spec the loader
has nothing to say about (most of them) skips the node tree: its values and positions are
built straight from libyaml's events (`yamlfast.build_clean`). Either way the document, findings,
codes and positions are the same (tests/test_loader_c.py compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import yamlfast
from .codes import code
from .findings import Finding, Location
from .yamlerrors import syntax_error
from .yamlfast import BOOL_WORDS, STR

# Limits on what a spec file may hold, checked before the part they protect runs: the size
# before the file is read, the depth before PyYAML's recursive composer descends, a scalar's
# length before it is converted (Python refuses int() of 4,301+ digits). A real spec is under
# 2 KB, 4 levels deep, with values under 300 characters. Messages and findings per spec are
# bounded where findings are made and shown (findings.MAX_MESSAGE_CHARS, MAX_FINDINGS_PER_SPEC).
MAX_SPEC_BYTES = 256 * 1024  # NS007
MAX_DEPTH = 20  # NS010: mappings and lists inside one another
MAX_VALUE_CHARS = 1024  # NS011: one key or scalar value

Pointer = tuple[str | int, ...]

# Plain scalars YAML 1.1 resolves to something other than what most readers expect.
_SURPRISING_INT = re.compile(r"[-+]?(0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+|[0-9]+_[0-9_]*)")
_SURPRISING_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|\.(inf|Inf|INF|nan|NaN|NAN))")

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


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


class _DepthLimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing to nest deeper than MAX_DEPTH: its composer recurses."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self._depth >= MAX_DEPTH and self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            raise _TooDeep(self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _compose(text: str) -> tuple[list[yaml.Node], bool]:
    """Every document's node tree, and whether aliases may be in it (only PyYAML's composer keeps them).
    Raises _TooDeep or PyYAML's errors, as PyYAML's own composer does."""
    fast = yamlfast.compose(text, max_depth=MAX_DEPTH)
    if fast is not None:
        return fast, False
    return list(yaml.compose_all(text, Loader=_DepthLimitedLoader)), True


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
            self._flag(pointer)
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
            if self._too_long(key_node, "key"):
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

    def _too_long(self, node: yaml.ScalarNode, what: str) -> bool:
        if len(node.value) <= MAX_VALUE_CHARS:
            return False
        self.findings.append(code("NS011").at(
            self.loc(node), f"a {what} of {len(node.value):,} characters; the limit is {MAX_VALUE_CHARS:,}"))
        return True

    def _scalar(self, node: yaml.ScalarNode, pointer: Pointer | None) -> Any:
        text = node.value
        if pointer is not None and self._too_long(node, "value"):
            self._flag(pointer)
            return None
        plain = not node.style  # None from PyYAML's composer, '' from libyaml's
        tag = node.tag
        if plain and tag == "tag:yaml.org,2002:bool" and text.lower() not in BOOL_WORDS:
            self.findings.append(code("NS008").at(
                self.loc(node), f"`{text}` is read as a boolean by YAML 1.1",
                hint=f'write "{text}" (quoted) for the word, or true/false for a boolean'))
            self._flag(pointer)
            return text
        if plain and tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and (
                _SURPRISING_INT.fullmatch(text) or _SURPRISING_FLOAT.fullmatch(text)):
            self.findings.append(code("NS008").at(
                self.loc(node), f"`{text}` is read as a number in a YAML 1.1 base or form you may not mean",
                hint=f'write "{text}" (quoted) for text, or the plain decimal number'))
            self._flag(pointer)
            return text
        if tag == STR:
            return text  # what SafeConstructor makes of a string, without its dispatch
        if tag == "tag:yaml.org,2002:timestamp":
            return text  # dates are never meaningful in a spec; keep the text for the schema to judge
        try:
            return self._constructor.construct_object(node)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError, yaml.YAMLError):
            # Only an explicit tag can ask for this (`!!int ds-team`, `!!bool " x"`): implicit
            # resolution picks int, float or bool only for text of that form.
            short = tag.replace("tag:yaml.org,2002:", "!!")
            self.findings.append(code("NS012").at(
                self.loc(node), f"{text!r} cannot be read as {short}",
                hint=f"remove the tag {short}, or write a value of that type"))
            self._flag(pointer)
            return text


def load_text(text: str, path: str) -> tuple[Document | None, list[Finding]]:
    """Parse spec text. Returns the document (None when unusable) and findings."""
    start = Location(path, 1, 1)
    if not text.strip():
        return None, [code("NS004").at(start, "the spec file is empty")]
    clean = yamlfast.build_clean(text, max_depth=MAX_DEPTH, max_value_chars=MAX_VALUE_CHARS)
    if clean is not None:
        data, value_marks, key_marks = clean
        return Document(path=path, text=text, data=data, value_marks=value_marks, key_marks=key_marks), []
    try:
        nodes, may_alias = _compose(text)
    except _TooDeep as exc:
        return None, [code("NS010").at(Location(path, exc.mark.line + 1, exc.mark.column + 1),
                                       f"lists and mappings nest more than {MAX_DEPTH} levels deep here")]
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
    if may_alias:
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


def too_large(path: str, size: int | None) -> Finding:
    """NS007 for a file of `size` bytes (None: more than the limit, when only that much was read)."""
    shown = f"{size:,} bytes" if size is not None else f"over {MAX_SPEC_BYTES:,} bytes"
    return code("NS007").at(Location(path, 1, 1), f"the file is {shown}; specs are limited to {MAX_SPEC_BYTES:,}")


def without_bom(raw: bytes) -> bytes:
    """A spec's bytes without the UTF-8 byte order mark an editor may put first: its text is the rest."""
    return raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw


def load_bytes(raw: bytes, path: str) -> tuple[Document | None, list[Finding]]:
    start = Location(path, 1, 1)
    if len(raw) > MAX_SPEC_BYTES:  # exactly one byte over: the reader stopped there (a stream, a growing file)
        return None, [too_large(path, len(raw) if len(raw) > MAX_SPEC_BYTES + 1 else None)]
    raw = without_bom(raw)
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
