"""Tag rules: what AWS accepts on a tag, checked before any resource is rendered."""

from __future__ import annotations

from typing import Iterator

from ..codes import Code
from ..findings import Finding
from .base import SpecView, rule

# AWS tag characters: letters, digits, white space and _ . : / = + - @ (Tagging AWS resources guide).
_PUNCTUATION = set("_.:/=+-@ ")
# Tags netspec sets itself on every resource.
RESERVED_KEYS = ("Name", "ManagedBy", "NetspecName")


def _bad_chars(text: str) -> str:
    return "".join(sorted({c for c in text if not (c.isalnum() or c in _PUNCTUATION)}))


@rule("NS240")
def tag_not_allowed(view: SpecView, code: Code) -> Iterator[Finding]:
    for key, value in (view.data.get("tags") or {}).items():
        where = view.doc.key_at(("tags", key))
        if key.lower().startswith("aws:"):
            yield code.at(where, f"tag key {key!r} uses the `aws:` prefix AWS reserves")
        elif key in RESERVED_KEYS:
            yield code.at(where, f"tag key {key!r} is set by netspec itself", hint="pick another key")
        for label, text, pointer in (("key", key, None), ("value", value, ("tags", key))):
            bad = _bad_chars(text)
            if bad:
                yield code.at(view.doc.at(pointer) if pointer else where,
                              f"tag {label} {text!r} holds characters AWS does not accept in tags: {bad!r}")
