"""The valid part of a spec: what the rules may read when the schema found errors elsewhere.

The schema reports every shape error; the rules then run on a copy of the document
with each invalid part taken out, so a wrong-case service does not hide a duplicate
zone. What is taken out:

* the invalid value itself (wrong type, pattern, enum, ...); inside a list item (a
  bucket, a service entry) the whole item, since its other fields lose their meaning;
* an unknown key and its value;
* an object missing a required key (never the spec itself: its absent keys are simply
  absent, and a rule that needs one is skipped).

Count constraints (minItems, maxProperties, ...) take nothing out: each item is still
fine to read. Lists are renumbered and every position is carried over, so findings
still point at the right line. `Document.pruned` remembers what was taken out, so
that a rule reasoning about a whole collection ("s3 is not in services") can be
skipped when part of that collection is unknown (see `rules.base.rule(needs=...)`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

from .loader import Document, Pointer

# Keywords about how many items or entries there are: the items themselves are readable.
_COUNTS = frozenset({"minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems", "minContains",
                     "maxContains"})


def invalid_pointers(errors: Iterable[ValidationError], data: Any) -> set[Pointer]:
    """The parts of `data` the schema errors make unreadable."""
    found: set[Pointer] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator in _COUNTS:
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            patterns = error.schema.get("patternProperties", {})
            found.update(path + (key,) for key in error.instance if key not in allowed and not patterns)
        elif error.validator == "propertyNames" or "propertyNames" in error.relative_schema_path:
            found.add(path + (error.instance,) if error.validator == "propertyNames" else path)
        elif path:
            found.add(path)
    return {unit(pointer, data) for pointer in found if pointer}


def unit(pointer: Pointer, data: Any) -> Pointer:
    """What to take out for an invalid `pointer`: the list item that holds it, else itself."""
    node = data
    for depth, part in enumerate(pointer):
        if isinstance(node, list):
            return pointer[: depth + 1]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return pointer


def prune(doc: Document, pointers: set[Pointer]) -> Document:
    """A copy of `doc` without the parts at `pointers`, with lists renumbered and marks carried over."""
    if not pointers:
        return doc
    moved: dict[Pointer, Pointer] = {(): ()}

    def copy(node: Any, old: Pointer, new: Pointer) -> Any:
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if old + (key,) in pointers:
                    continue
                moved[old + (key,)] = new + (key,)
                result[key] = copy(value, old + (key,), new + (key,))
            return result
        if isinstance(node, list):
            items = []
            for index, value in enumerate(node):
                if old + (index,) in pointers:
                    continue
                moved[old + (index,)] = new + (len(items),)
                items.append(copy(value, old + (index,), new + (len(items),)))
            return items
        return node

    data = copy(doc.data, (), ())
    return dataclasses.replace(
        doc, data=data,
        value_marks={moved[p]: m for p, m in doc.value_marks.items() if p in moved},
        key_marks={moved[p]: m for p, m in doc.key_marks.items() if p in moved},
        flagged=frozenset(moved[p] for p in doc.flagged if p in moved),
        pruned=doc.pruned | frozenset(pointers))
