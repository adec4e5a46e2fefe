"""Findings: what every check reports, and the exit codes a run ends with.

A finding is one located problem (`path:line:col: CODE message`). Checks never
raise on bad input; they return findings, and the CLI decides once, at the end,
what they mean for the exit code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


class ExitCode(enum.IntEnum):
    """Every exit code netspec uses, in one place."""

    CLEAN = 0
    FINDINGS = 1
    USAGE = 2  # bad arguments, unreadable paths, files netspec must not overwrite


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


@dataclass(frozen=True, order=True)
class Finding:
    location: Location
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    # Extra locations that belong to the same problem (the other half of an overlap).
    related: tuple[Location, ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def display_path(path: Path) -> str:
    """How findings name a file: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Stable, reader-friendly order: by file, then line, then column, then code."""
    return sorted(set(findings), key=lambda f: (f.location, f.code, f.message))
