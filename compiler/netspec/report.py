"""Output formats for findings: small classes picked from a table by name."""

from __future__ import annotations

import enum
import json
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from .findings import Finding, Severity


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


@dataclass(frozen=True)
class Summary:
    specs: int
    written: int = 0

    def line(self, findings: list[Finding]) -> str:
        errors = sum(1 for f in findings if f.is_error)
        warnings = len(findings) - errors
        return f"{self.specs} spec(s) checked: {errors} error(s), {warnings} warning(s)"


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class TextReport:
    """`path:line:col: CODE message` then an indented hint: what editors and humans read."""

    _COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m"}

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False) -> str:
        lines = []
        for f in findings:
            label = f.code if f.is_error else f"{f.code} warning:"
            if color:
                label = f"{self._COLORS[f.severity]}{label}\033[0m"
            lines.append(f"{f.location}: {label} {f.message}")
            if f.hint:
                lines.append(f"    hint: {f.hint}")
            lines.extend(f"    see also {r}" for r in f.related)
        return "\n".join(lines) + ("\n" if lines else "")


class JsonReport:
    """One JSON document for machines: every finding with its location, and the totals."""

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False) -> str:
        items = [{
            "path": f.location.path, "line": f.location.line, "column": f.location.col,
            "code": f.code, "severity": f.severity.value, "message": f.message, "hint": f.hint,
            "related": [{"path": r.path, "line": r.line, "column": r.col} for r in f.related],
        } for f in findings]
        errors = sum(1 for f in findings if f.is_error)
        document = {"findings": items,
                    "summary": {"specs": summary.specs, "errors": errors, "warnings": len(findings) - errors}}
        return json.dumps(document, indent=2, sort_keys=True) + "\n"


REPORTS = {Format.TEXT: TextReport(), Format.JSON: JsonReport()}


def emit(findings: list[Finding], summary: Summary, fmt: Format, stream: TextIO = sys.stdout) -> None:
    stream.write(REPORTS[fmt].render(findings, summary, color=use_color(stream)))
