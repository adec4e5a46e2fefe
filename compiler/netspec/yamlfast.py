"""libyaml's two fast ways into a spec, each taking only what it reads exactly as PyYAML's own
composer does (the loader, loader.py, falls back to that composer for anything else):

- `compose`: the documents' node trees, composed in one pass over libyaml's events;
- `build_clean`: for a spec the loader has nothing to say about (most of them), its values and
  where each one is, built straight from the events, without a node tree.

Limits are the loader's, passed in. tests/test_loader_c.py compares both with PyYAML alone.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # PyYAML built with libyaml (every wheel is); without it, PyYAML's own composer does all the work
    from yaml import CSafeLoader as CLoader
except ImportError:  # pragma: no cover
    CLoader = None

STR = "tag:yaml.org,2002:str"
BOOL_WORDS = {"true", "false"}  # the booleans YAML 1.1 reads as most readers do (not yes, no, on, off)
Marks = dict[tuple[Any, ...], tuple[int, int]]  # a value's or key's place (a pointer) -> its line and column
Built = tuple[dict[str, Any], Marks, Marks]  # a spec's values, where each value is, where each key is


# Text libyaml reads differently from PyYAML although both accept it: libyaml takes a tab as a
# separator inside brackets and skips a byte-order mark at the start of any line. Specs
# holding them (never a valid one's need) are composed by PyYAML's own composer only.
PYTHON_ONLY = re.compile("[\t\ufeff]")
_COLLECTIONS = {yaml.MappingStartEvent: yaml.MappingNode, yaml.SequenceStartEvent: yaml.SequenceNode}
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def compose(text: str, *, max_depth: int) -> list[yaml.Node] | None:
    """The documents composed from libyaml's events, or None when PyYAML's own composer must decide.

    One pass over libyaml's parse, composing nodes as libyaml's composer does (a tag that is not
    given is resolved the same way), and taking only the common case: text it parses without an
    error, with no alias (NS009, located at the alias, which a composed tree does not keep), no
    list or mapping deeper than `max_depth`, and nothing PyYAML reads otherwise inside brackets (it
    ends a plain scalar at `?` and places a missing value, `{a: }`, one column before libyaml).
    Any error at all leaves the file to PyYAML, whose messages netspec explains.
    """
    if CLoader is None or not text.endswith("\n") or PYTHON_ONLY.search(text):
        return None  # at the end of a last line without a line break, libyaml marks the next line
    try:
        events = CLoader(text)
        try:
            return _compose_events(events, max_depth)
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


def _compose_events(events: Any, max_depth: int) -> list[yaml.Node] | None:
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
                tag = _plain_tag(events, event.value) if event.implicit[0] else STR
            node: yaml.Node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif kind in _COLLECTIONS:
            if len(open_) >= max_depth:
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


def build_clean(text: str, *, max_depth: int, max_value_chars: int) -> Built | None:
    """The values of a spec the loader has nothing to say about, and where each key and value is,
    built straight from libyaml's events in one pass (no node tree); None for anything else, which
    `compose` and the loader's builder read.

    It takes only what both of them would read without a finding, the same way: one document whose
    root is a mapping, untagged nodes, keys that are strings and unique, values that are strings,
    null, true/false or plain decimal integers, nothing longer than `max_value_chars` or deeper than
    `max_depth`, no alias, and nothing `compose` leaves to PyYAML. tests/test_loader_c.py compares it
    with PyYAML's own composer on the whole corpus.
    """
    if CLoader is None or not text.endswith("\n") or PYTHON_ONLY.search(text):
        return None
    events = CLoader(text)
    try:
        return _build_events(events, max_depth, max_value_chars)
    except Exception:  # any error at all: `compose` decides, and PyYAML reports it
        return None
    finally:
        events.dispose()


def _clean_value(events: Any, text: str) -> Any:
    """A plain scalar's value as `_Builder._scalar` makes it, for the values it reads without a
    finding; LookupError for any other."""
    tag = _plain_tag(events, text)
    if tag == STR or tag == "tag:yaml.org,2002:timestamp":
        return text
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool" and text.lower() in BOOL_WORDS:
        return text.lower() == "true"
    if tag == "tag:yaml.org,2002:int" and _CLEAN_INT.fullmatch(text):
        return int(text)
    raise LookupError(tag)


def _build_events(events: Any, max_depth: int, max_value_chars: int) -> Built | None:
    value_marks: Marks = {}
    key_marks: Marks = {}
    frames: list[list[Any]] = []  # each open collection: [container, pointer, key awaiting its value, flow style]
    root: dict[str, Any] | None = None
    for event in iter(events.get_event, None):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            text = event.value
            if event.tag is not None or len(text) > max_value_chars or not frames:
                return None
            frame = frames[-1]
            if frame[3] and not event.style and (not text or "?" in text):
                return None  # PyYAML reads this otherwise inside brackets (see `compose`)
            container, pointer = frame[0], frame[1]
            start = event.start_mark
            mark = start.line + 1, start.column + 1
            plain = event.implicit[0]
            if type(container) is dict:
                key = frame[2]
                if key is _NO_KEY:  # this scalar is a key
                    if (plain and _plain_tag(events, text) != STR) or text in container:
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
            if event.tag is not None or len(frames) >= max_depth:
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
