"""Terraform template syntax shared by the HCL writer and the audit: where an interpolation ends.

A pure lexical helper, not part of the renderer: the audit may use it and stay independent of
what the renderer writes.
"""

from __future__ import annotations

import re

_SIMPLE = re.compile(r'[^{}"]*\}')


def interpolation_end(text: str, start: int) -> int:
    """Index just past the `}` closing the interpolation opened at `start` (`${` or `%{`), -1 if never closed.

    Braces nest; quoted strings inside the expression may hold braces (and escaped quotes) of their own.
    """
    simple = _SIMPLE.match(text, start + 2)  # most are a plain reference: no quote, no brace before the `}`
    return simple.end() if simple is not None else _scan(text, start)


def _scan(text: str, start: int) -> int:
    """interpolation_end, one character at a time."""
    depth, i, quoted = 1, start + 2, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1
