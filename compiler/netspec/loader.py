"""Read a spec file into plain data plus the line and column of every node.

PyYAML composes a node tree that carries marks; we build the Python values
ourselves from it so that we can (a) remember where each key and value stood,
(b) reject duplicate keys, anchors, aliases and custom tags, and (c) flag YAML 1.1
scalars that silently change meaning (`no` -> false, `010` -> 8).

Two composers give the same node tree: libyaml's (PyYAML's C extension, about ten
times faster) and PyYAML's own. libyaml composes a spec only when it decides exactly
as PyYAML's would (see `_compose_fast`); anything else, every error included, goes to
PyYAML's own composer, whose errors netspec explains (yamlerrors.py). A spec the loader
has nothing to say about (most of them) skips the node tree: its values and positions are
built straight from libyaml's events (`_load_clean`). Either way the document, findings,
codes and positions are the same (tests/test_loader_c.py compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # PyYAML built with libyaml (every wheel is); without it, PyYAML's own composer does all the work
    from yaml import CSafeLoader as _CLoader
except ImportError:  # pragma: no cover
    _CLoader = None

from .codes import code
from .findings import Finding, Location
from .yamlerrors import syntax_error

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
_BOOL_WORDS = {"true", "false"}
_SURPRISING_INT = re.compile(r"[-+]?(0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+|[0-9]+_[0-9_]*)")
_SURPRISING_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|\.(inf|Inf|INF|nan|NaN|NAN))")

_STR = "tag:yaml.org,2002:str"
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


# Text libyaml reads differently from PyYAML although both accept it: libyaml takes a tab as a
# separator inside brackets and skips a byte-order mark at the start of any line. Specs
# holding them (never a valid one's need) are composed by PyYAML's own composer only.
_PYTHON_ONLY = re.compile("[\t\ufeff]")
_COLLECTIONS = {yaml.MappingStartEvent: yaml.MappingNode, yaml.SequenceStartEvent: yaml.SequenceNode}
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _compose_fast(text: str) -> list[yaml.Node] | None:
    """The documents composed from libyaml's events, or None when PyYAML's own composer must decide.

    One pass over libyaml's parse, composing nodes as libyaml's composer does (a tag that is not
    given is resolved the same way), and taking only the common case: text it parses without an
    error, with no alias (NS009, located at the alias, which a composed tree does not keep), no
    list or mapping deeper than MAX_DEPTH, and nothing PyYAML reads otherwise inside brackets (it
    ends a plain scalar at `?` and places a missing value, `{a: }`, one column before libyaml).
    Any error at all leaves the file to PyYAML, whose messages netspec explains.
    """
    if _CLoader is None or not text.endswith("\n") or _PYTHON_ONLY.search(text):
        return None  # at the end of a last line without a line break, libyaml marks the next line
    try:
        events = _CLoader(text)
        try:
            return _compose_events(events)
        finally:
            events.dispose()
    except Exception:  # libyaml's errors differ in wording and place: PyYAML's own composer reports them
        return None


# The tags of untagged nodes, as PyYAML's SafeLoader resolves them: it has no path resolvers, so a
# collection gets its kind's default tag and a quoted scalar is a string; a plain scalar's tag
# depends on its text alone (the implicit resolvers), and is remembered per text (`_plain_tag`).
_DEFAULT_TAGS = {yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                 yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG}
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_KEPT = 4096  # distinct plain texts remembered (keys and common values recur in every spec)


def _plain_tag(events: Any, text: str) -> str:
    tag = _PLAIN_TAGS.get(text)
    if tag is None:
        tag = events.resolve(yaml.ScalarNode, text, (True, False))
        if len(_PLAIN_TAGS) >= _PLAIN_TAGS_KEPT:
            _PLAIN_TAGS.clear()
        _PLAIN_TAGS[text] = tag
    return tag


def _compose_events(events: Any) -> list[yaml.Node] | None:
    documents: list[yaml.Node] = []
    root: yaml.Node | None = None
    open_: list[tuple[yaml.Node, list[yaml.Node]]] = []  # each open collection, and a mapping's key awaiting its value
    for event in iter(events.get_event, None):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if open_ and open_[-1][0].flow_style and not event.style and (not event.value or "?" in event.value):
                return None
            tag = event.tag
            if tag is None or tag == "!":
                tag = _plain_tag(events, event.value) if event.implicit[0] else _STR
            node: yaml.Node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif kind in _COLLECTIONS:
            if len(open_) >= MAX_DEPTH:
                return None
            node_class = _COLLECTIONS[kind]
            tag = event.tag
            if tag is None or tag == "!":
                tag = _DEFAULT_TAGS[node_class]
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
        elif kind in _CLOSES:
            open_.pop()[0].end_mark = event.end_mark
            continue
        elif kind is yaml.AliasEvent:
            return None
        elif kind is yaml.DocumentEndEvent:
            documents.append(root)  # type: ignore[arg-type]  # a document always holds a node
            root = None
            continue
        else:  # the stream's and a document's start, the stream's end
            continue
        if not open_:
            root = node
        elif isinstance(open_[-1][0], yaml.MappingNode):
            pending = open_[-1][1]
            if pending:
                open_[-1][0].value.append((pending.pop(), node))
            else:
                pending.append(node)
        else:
            open_[-1][0].value.append(node)
        if kind in _COLLECTIONS:
            open_.append((node, []))
    return documents


_CLEAN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # the ints YAML 1.1 reads as most readers do (not _SURPRISING_INT)
_NO_KEY = object()  # a mapping's frame between entries: the next scalar is a key


def _load_clean(text: str, path: str) -> Document | None:
    """The document of a spec the loader has nothing to say about, built straight from libyaml's
    events in one pass (no node tree); None for anything else, which `_compose` and `_Builder` read.

    It takes only what both of them would read without a finding, the same way: one document whose
    root is a mapping, untagged nodes, keys that are strings and unique, values that are strings,
    null, true/false or plain decimal integers, nothing longer than MAX_VALUE_CHARS or deeper than
    MAX_DEPTH, no alias, and nothing `_compose_fast` leaves to PyYAML. tests/test_loader_c.py
    compares it with PyYAML's own composer on the whole corpus.
    """
    if _CLoader is None or not text.endswith("\n") or _PYTHON_ONLY.search(text):
        return None
    events = _CLoader(text)
    try:
        built = _build_events(events)
    except Exception:  # any error at all: `_compose` decides, and PyYAML reports it
        return None
    finally:
        events.dispose()
    if built is None:
        return None
    data, value_marks, key_marks = built
    return Document(path=path, text=text, data=data, value_marks=value_marks, key_marks=key_marks)


def _clean_value(events: Any, text: str) -> Any:
    """A plain scalar's value as `_Builder._scalar` makes it, for the values it reads without a
    finding; LookupError for any other."""
    tag = _PLAIN_TAGS.get(text) or _plain_tag(events, text)
    if tag == _STR or tag == "tag:yaml.org,2002:timestamp":
        return text
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool" and text.lower() in _BOOL_WORDS:
        return text.lower() == "true"
    if tag == "tag:yaml.org,2002:int" and _CLEAN_INT.fullmatch(text):
        return int(text)
    raise LookupError(tag)


def _build_events(events: Any) -> tuple[dict[str, Any], dict[Pointer, tuple[int, int]],
                                        dict[Pointer, tuple[int, int]]] | None:
    value_marks: dict[Pointer, tuple[int, int]] = {}
    key_marks: dict[Pointer, tuple[int, int]] = {}
    frames: list[list[Any]] = []  # each open collection: [container, pointer, key awaiting its value, flow style]
    root: dict[str, Any] | None = None
    plain_tags = _PLAIN_TAGS
    for event in iter(events.get_event, None):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            text = event.value
            if event.tag is not None or len(text) > MAX_VALUE_CHARS or not frames:
                return None
            frame = frames[-1]
            if frame[3] and not event.style and (not text or "?" in text):
                return None  # PyYAML reads this otherwise inside brackets (see _compose_fast)
            container, pointer = frame[0], frame[1]
            start = event.start_mark
            mark = start.line + 1, start.column + 1
            plain = event.implicit[0]
            if type(container) is dict:
                key = frame[2]
                if key is _NO_KEY:  # this scalar is a key
                    if (plain and (plain_tags.get(text) or _plain_tag(events, text)) != _STR) or text in container:
                        return None
                    key_marks[pointer + (text,)] = mark
                    frame[2] = text
                    continue
                value_marks[pointer + (key,)] = mark
                container[key] = _clean_value(events, text) if plain else text
                frame[2] = _NO_KEY
            else:
                value_marks[pointer + (len(container),)] = mark
                container.append(_clean_value(events, text) if plain else text)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag is not None or len(frames) >= MAX_DEPTH:
                return None
            new: Any = {} if kind is yaml.MappingStartEvent else []
            start = event.start_mark
            mark = start.line + 1, start.column + 1
            if not frames:
                if root is not None or type(new) is not dict:
                    return None  # a second document, or a root that is not a mapping
                root, place = new, ()
            else:
                frame = frames[-1]
                container, pointer = frame[0], frame[1]
                if type(container) is dict:
                    if frame[2] is _NO_KEY:
                        return None  # a collection as a key
                    place = pointer + (frame[2],)
                    container[frame[2]] = new
                    frame[2] = _NO_KEY
                else:
                    place = pointer + (len(container),)
                    container.append(new)
            value_marks[place] = mark
            frames.append([new, place, _NO_KEY, event.flow_style])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frames.pop()
        elif kind is yaml.AliasEvent:
            return None
    return None if root is None else (root, value_marks, key_marks)


def _compose(text: str) -> tuple[list[yaml.Node], bool]:
    """Every document's node tree, and whether aliases may be in it (only PyYAML's composer keeps them).
    Raises _TooDeep or PyYAML's errors, as PyYAML's own composer does."""
    fast = _compose_fast(text)
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
        if plain and tag == "tag:yaml.org,2002:bool" and text.lower() not in _BOOL_WORDS:
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
        if tag == _STR:
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
    clean = _load_clean(text, path)
    if clean is not None:
        return clean, []
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
