"""Findings: what every check reports, and the exit codes a run ends with.

A finding is one located problem (`path:line:col: CODE message`). Checks never
raise on bad input; they return findings, and the CLI decides once, at the end,
what they mean for the exit code.
"""

from __future__ import annotations

import datetime
import enum
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

# How much of a value a message may echo: a spec can hold a 1,024-character value, and a
# message has no use for more than its two ends. Code.at tidies every message and hint.
MAX_WORD_CHARS = 120  # one run of non-space characters (a quoted value, a key, a path)
MAX_MESSAGE_CHARS = 1000  # a whole message or hint
MAX_EXCERPT_CHARS = 300  # a source line shown under a finding (NS001); a longer one is not shown
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD_CHARS + 1))
# Control characters, line separators and lone surrogates (from `\ud800` in a YAML string, or
# a file name that is not UTF-8): shown as escapes, so a finding stays one line and encodes.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class ExitCode(enum.IntEnum):
    """Every exit code netspec uses, in one place."""

    CLEAN = 0
    FINDINGS = 1
    USAGE = 2  # bad arguments, unreadable paths, files netspec must not overwrite
    INTERNAL = 3  # a bug in netspec (never the answer to any input); reported in one line


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class SuppressionKind(str, enum.Enum):
    """Where a suppression is written; the values are SARIF's `suppression.kind`."""

    EXTERNAL = "external"  # netspec.toml / [tool.netspec]
    IN_SOURCE = "inSource"  # a `# netspec: ignore` comment in the spec


@dataclass(frozen=True)
class Suppression:
    """An accepted finding: its code, where it applies, why, and until when."""

    code: str
    reason: str
    origin: Location  # where the suppression is written
    kind: SuppressionKind
    paths: tuple[str, ...] = ()  # external: globs relative to the config file's folder
    line: int | None = None  # in-source: the spec line it covers
    expires: datetime.date | None = None  # suppresses through this day; None: no end


@dataclass(frozen=True, order=True)
class Finding:
    location: Location
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    # Extra locations that belong to the same problem (the other half of an overlap).
    related: tuple[Location, ...] = field(default=(), compare=False)
    # The source line the finding points into, shown with a caret under its column (YAML syntax errors).
    excerpt: str = field(default="", compare=False)
    # Set when a suppression accepts the finding: reported, but it no longer fails a run.
    suppressed_by: Suppression | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def active(self) -> bool:
        """Not suppressed: it counts towards the exit code and the summary's errors and warnings."""
        return self.suppressed_by is None


def display_path(path: Path, *, folders: dict[str, str | None] | None = None) -> str:
    """How findings name a file: relative to the working directory when inside it.

    A link is named as itself, not as what it points at (its folder is resolved, not it).
    `folders`: how folders are named, filled in as they are resolved (a run naming thousands
    of files in a few folders resolves each folder once).
    """
    if folders is not None:
        parent, name = os.path.split(str(path))  # strings: no Path made per file
        if name not in ("", ".", ".."):
            if parent not in folders:
                folders[parent] = _folder_prefix(Path(parent or "."))
            prefix = folders[parent]
            if prefix is not None:
                return printable(prefix + name)
    try:
        full = path.resolve() if path.name in ("", "..") else path.parent.resolve() / path.name
        return printable(full.relative_to(os.getcwd()).as_posix())  # getcwd(3) is already resolved
    except (ValueError, RuntimeError, OSError):  # outside it, or a symlink loop resolve() gives up on
        return printable(path.as_posix())


def _folder_prefix(folder: Path) -> str | None:
    """What display_path puts before the name of a file in `folder` ("" for the working directory);
    None when the folder is outside it (or cannot be resolved)."""
    try:
        relative = folder.resolve().relative_to(os.getcwd()).as_posix()
    except (ValueError, RuntimeError, OSError):
        return None
    return "" if relative == "." else relative + "/"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error and f.active for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Stable, reader-friendly order: by file, then line, then column, then code."""
    return sorted(set(findings), key=lambda f: (f.location, f.code, f.message))


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head, tail = text[: limit * 2 // 3], text[len(text) - limit // 4:]
    return f"{head}...[{len(text) - len(head) - len(tail):,} characters]...{tail}"


def printable(text: str) -> str:
    """`text` with every unprintable character written as its Python escape (`\\n`, `\\ud800`)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def tidy(text: str) -> str:
    """A message as one printable line, its overlong words and then the whole cut in the middle."""
    shortened = _LONG_WORD.sub(lambda m: _cut(m.group(), MAX_WORD_CHARS), printable(text))
    return _cut(shortened, MAX_MESSAGE_CHARS)
