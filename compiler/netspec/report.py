"""Output formats for findings: small classes picked from a table by name."""

from __future__ import annotations

import enum
import json
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from .codes import CODES
from .findings import Finding, Location, Severity


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"


@dataclass(frozen=True)
class Summary:
    specs: int  # how many inputs were read (specs, or modules for audit)
    verb: str = "spec(s) checked"

    def line(self, findings: list[Finding]) -> str:
        errors = sum(1 for f in findings if f.is_error)
        warnings = len(findings) - errors
        return f"{self.specs} {self.verb}: {errors} error(s), {warnings} warning(s)"


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class Progress:
    """`[3/120] specs/x.yaml` on one refreshed line, only for a person at a terminal (never in CI)."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.stream = total, stream
        self.enabled = total > 1 and stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"

    def step(self, index: int, label: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\033[K[{index}/{self.total}] {label}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


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


class SarifReport:
    """SARIF 2.1.0, for code scanning: one run, the codes as rules, findings as results."""

    _LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}

    @staticmethod
    def _location(location: Location) -> dict:
        return {"physicalLocation": {"artifactLocation": {"uri": location.path},
                                     "region": {"startLine": location.line, "startColumn": location.col}}}

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False) -> str:
        from . import __version__  # the package imports modules that import this one

        used = sorted({f.code for f in findings})
        rules = [{"id": c, "name": CODES[c].title.title().replace(" ", ""),
                  "shortDescription": {"text": CODES[c].title}, "help": {"text": CODES[c].hint},
                  "defaultConfiguration": {"level": self._LEVELS[CODES[c].severity]}}
                 for c in used]
        results = []
        for f in findings:
            result = {"ruleId": f.code, "ruleIndex": used.index(f.code), "level": self._LEVELS[f.severity],
                      "message": {"text": f.message + (f" (hint: {f.hint})" if f.hint else "")},
                      "locations": [self._location(f.location)]}
            if f.related:
                result["relatedLocations"] = [dict(self._location(r), id=i) for i, r in enumerate(f.related)]
            results.append(result)
        log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
               "runs": [{"tool": {"driver": {"name": "netspec", "version": __version__,
                                             "rules": rules}},
                         "results": results}]}
        return json.dumps(log, indent=2, sort_keys=True) + "\n"


class GithubReport:
    """GitHub Actions workflow commands: annotations on the pull request's changed lines."""

    _COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning"}

    @staticmethod
    def _escape(text: str, *, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False) -> str:
        lines = []
        for f in findings:
            props = ",".join(f"{k}={self._escape(str(v), property_value=True)}" for k, v in (
                ("file", f.location.path), ("line", f.location.line), ("col", f.location.col), ("title", f.code)))
            body = f.message + (f"\nhint: {f.hint}" if f.hint else "")
            lines.append(f"::{self._COMMANDS[f.severity]} {props}::{self._escape(f'{f.code} {body}')}")
        return "\n".join(lines) + ("\n" if lines else "")


REPORTS = {Format.TEXT: TextReport(), Format.JSON: JsonReport(), Format.SARIF: SarifReport(),
           Format.GITHUB: GithubReport()}


def emit(findings: list[Finding], summary: Summary, fmt: Format) -> None:
    """Print a report: machine formats on stdout, text (for people) on stderr with a summary line."""
    stream = sys.stderr if fmt is Format.TEXT else sys.stdout
    stream.write(REPORTS[fmt].render(findings, summary, color=use_color(stream)))
    if fmt is Format.TEXT:
        sys.stderr.write(summary.line(findings) + "\n")
