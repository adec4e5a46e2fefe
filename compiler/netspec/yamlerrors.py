"""YAML syntax errors in netspec's words: what is wrong, where to fix it, and the line with a caret.

PyYAML says where its parser stopped ("mapping values are not allowed here"), which is
often a line after the mistake. Each explainer below recognises one common mistake
from PyYAML's problem and context, and names the place to fix: the tab, the bracket or
quote that is never closed, the key that lacks its colon, the line indented unlike its
neighbours. What none recognises keeps PyYAML's words, at PyYAML's place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import yaml

from .codes import code
from .findings import Finding, Location


@dataclass(frozen=True)
class Explained:
    line: int  # 1-based
    col: int  # 1-based
    message: str
    hint: str


class _Text:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def previous_content(self, number: int) -> int | None:
        """The nearest line above `number` that holds more than blanks or a comment."""
        for candidate in range(number - 1, 0, -1):
            stripped = self.line(candidate).strip()
            if stripped and not stripped.startswith("#"):
                return candidate
        return None


def _content_start(line: str) -> int:
    """1-based column of a line's first key or value, past any `- ` list markers."""
    match = re.match(r"[ ]*(?:-[ ]+)*", line)
    return (match.end() if match else 0) + 1


def _key_without_colon(line: str) -> tuple[str, int] | None:
    """(`key`, column after it) when a block line is a key and value missing the colon: `name ds-team`."""
    start = _content_start(line) - 1
    body = line[start:].split(" #", 1)[0].rstrip()
    match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_.-]*)[ \t]+([^:#\[\]{}]+)", body)
    if not match:
        return None
    return match.group(1), start + len(match.group(1)) + 1


Explainer = Callable[[yaml.MarkedYAMLError, _Text], Explained | None]


def _tab(error: yaml.MarkedYAMLError, text: _Text) -> Explained | None:
    if "'\\t'" not in str(error.problem) or error.problem_mark is None:
        return None
    line, col = error.problem_mark.line + 1, error.problem_mark.column + 1
    if text.line(line)[: col - 1].strip():
        return Explained(line, col, "a tab stands where YAML expects a value or a key; YAML separates with spaces",
                         "replace the tab with a space")
    return Explained(line, col, "a tab indents this line; YAML indents with spaces only",
                     "replace the tab with spaces, as many as the lines around it use")


_OPENERS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}


def _unclosed_bracket(error: yaml.MarkedYAMLError, text: _Text) -> Explained | None:
    pair = _OPENERS.get(str(error.context))
    if pair is None or error.context_mark is None:
        return None
    opener, closer = pair
    line, col = error.context_mark.line + 1, error.context_mark.column + 1
    return Explained(line, col, f"the `{opener}` opened here is never closed",
                     f"add `{closer}` after its last item, and separate items with `,`")


def _unclosed_quote(error: yaml.MarkedYAMLError, text: _Text) -> Explained | None:
    if error.context != "while scanning a quoted scalar" or error.context_mark is None:
        return None
    line, col = error.context_mark.line + 1, error.context_mark.column + 1
    quote = text.line(line)[col - 1: col] or '"'
    return Explained(line, col, f"the quoted text that starts here is never closed with `{quote}`",
                     f"end the text with `{quote}` on the same line")


def _missing_colon(line_number: int, text: _Text) -> Explained | None:
    found = _key_without_colon(text.line(line_number))
    if found is None:
        return None
    key, col = found
    value = text.line(line_number)[col - 1:].split(" #", 1)[0].strip()
    return Explained(line_number, col, f"a colon is missing after the key `{key}`",
                     f"write `{key}: {value}`")


def _simple_key(error: yaml.MarkedYAMLError, text: _Text) -> Explained | None:
    if error.context != "while scanning a simple key" or error.context_mark is None:
        return None
    return _missing_colon(error.context_mark.line + 1, text)


def _indentation(line: int, col: int, text: _Text) -> Explained:
    above = text.previous_content(line)
    key = re.match(r"[^:\s]*", text.line(line)[col - 1:]).group() or "this line"  # type: ignore[union-attr]
    if above is None:
        return Explained(line, col, f"`{key}` is indented unlike the lines around it",
                         "line up the keys of one mapping in the same column")
    above_col = _content_start(text.line(above))
    above_key = re.match(r"[^:\s]*", text.line(above)[above_col - 1:]).group()  # type: ignore[union-attr]
    return Explained(line, col, f"bad indentation: `{key}` starts in column {col}, "
                                f"but `{above_key}` on line {above} in column {above_col}",
                     "keys of one mapping start in the same column; indent deeper only under a key that ends with `:`")


def _mapping_values(error: yaml.MarkedYAMLError, text: _Text) -> Explained | None:
    """`mapping values are not allowed here`: a missing colon on the line above, or a line indented too deep."""
    if error.problem != "mapping values are not allowed here" or error.problem_mark is None:
        return None
    line, col = error.problem_mark.line + 1, error.problem_mark.column + 1
    if ": " in text.line(line)[: col - 1] and text.line(line)[col - 1: col] == ":":
        key = text.line(line)[: col - 1].split(":", 1)[0].strip().lstrip("- ")
        value = text.line(line).split(":", 1)[1].split(" #", 1)[0].strip()
        return Explained(line, col, "a second `:` in this line: YAML reads the value as another key",
                         f'quote the value: `{key}: "{value}"`')
    above = text.previous_content(line)
    if above is not None:
        missing = _missing_colon(above, text)
        if missing is not None:
            return missing
    return _indentation(line, _content_start(text.line(line)), text)


def _block_end(error: yaml.MarkedYAMLError, text: _Text) -> Explained | None:
    """`expected <block end>`: a line indented to a column no open mapping or list uses."""
    if not str(error.problem).startswith("expected <block end>") or error.problem_mark is None:
        return None
    return _indentation(error.problem_mark.line + 1, error.problem_mark.column + 1, text)


EXPLAINERS: tuple[Explainer, ...] = (_tab, _unclosed_bracket, _unclosed_quote, _simple_key, _mapping_values, _block_end)


def syntax_error(error: yaml.MarkedYAMLError, source: str, path: str) -> Finding:
    """One NS001 finding for a YAML syntax error: explained when recognised, with its line and a caret."""
    text = _Text(source)
    explained = next((e for e in (explain(error, text) for explain in EXPLAINERS) if e is not None), None)
    if explained is None:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = str(error.problem or "invalid YAML")
        message = f"YAML cannot read this: {problem}" + (f" ({error.context})" if error.context else "")
        explained = Explained(line, col, message, code("NS001").hint)
    excerpt = text.line(explained.line) if explained.line <= len(text.lines) else ""
    return code("NS001").at(Location(path, explained.line, explained.col), explained.message,
                            hint=explained.hint, excerpt=excerpt)
