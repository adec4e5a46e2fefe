"""Output formats for findings: small classes picked from a table by name.

Where output goes: findings (every format) on stdout, so `> file` captures them; the
summary line and notes for people (files updated, deprecations) on stderr, so a pipe
receives only findings. `-q` keeps only the findings, `-v` also shows suppressed ones.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from .codes import CODES, code
from .findings import Finding, Location, Severity, Suppression, printable

# A report shows the first this-many findings of a file (and the first of every other code
# in it), then one NS013 saying how many more, of which codes; the summary and the exit code
# count every finding.
MAX_FINDINGS_PER_SPEC = 100


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"


class Verbosity(enum.IntEnum):
    QUIET = 0  # findings only
    NORMAL = 1  # findings, the summary line and notes
    VERBOSE = 2  # also suppressed findings and what was left unchanged


@dataclass(frozen=True)
class Counts:
    errors: int
    warnings: int
    suppressed: int

    @classmethod
    def of(cls, findings: list[Finding]) -> "Counts":
        active = [f for f in findings if f.active]
        errors = sum(1 for f in active if f.is_error)
        return cls(errors, len(active) - errors, len(findings) - len(active))


@dataclass(frozen=True)
class Summary:
    specs: int  # how many inputs were read (specs, or modules for audit)
    verb: str = "spec(s) checked"
    totals: Counts | None = None  # of every finding of the run, shown or not; None: of those rendered

    def counts(self, findings: list[Finding]) -> Counts:
        return self.totals if self.totals is not None else Counts.of(findings)

    def line(self, findings: list[Finding]) -> str:
        counts = self.counts(findings)
        text = f"{self.specs} {self.verb}: {counts.errors} error(s), {counts.warnings} warning(s)"
        return text + (f", {counts.suppressed} suppressed" if counts.suppressed else "")


def cap_per_file(findings: list[Finding]) -> list[Finding]:
    """Each file's first MAX_FINDINGS_PER_SPEC findings and the first of each further code, then one NS013."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.location.path, []).append(finding)
    shown: list[Finding] = []
    for group in by_path.values():
        kept, hidden, codes, active = [], [], set(), 0
        for finding in group:  # suppressed findings (shown only with -v) never crowd out active ones
            if not finding.active or active < MAX_FINDINGS_PER_SPEC or finding.code not in codes:
                kept.append(finding)
                active += finding.active
            else:
                hidden.append(finding)
            codes.add(finding.code)
        shown += kept
        if hidden:
            counts = ", ".join(f"{c} x{n:,}" for c, n in sorted(Counter(f.code for f in hidden).items()))
            shown.append(code("NS013").at(
                hidden[0].location, f"{len(hidden):,} more finding(s) in this file not shown ({counts})"))
    return shown


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def caret_lines(finding: Finding) -> list[str]:
    """The finding's source line with a caret under its column, behind a line-number gutter.

    Tabs are shown as `\\t` so that the offending character is visible and the caret still
    stands under it.
    """
    if not finding.excerpt:
        return []
    line_number = str(finding.location.line)
    # Tabs and other unprintable characters as escapes (`\t`), before the caret too, so it still points.
    before = printable(finding.excerpt[: max(finding.location.col - 1, 0)])
    shown = printable(finding.excerpt)
    offset = len(before)
    return [f"    {line_number} | {shown}", f"    {' ' * len(line_number)} | {' ' * offset}^"]


def _suppression_note(suppression: Suppression) -> str:
    until = f", until {suppression.expires.isoformat()}" if suppression.expires else ""
    return f"suppressed by {suppression.origin}{until}: {suppression.reason}"


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

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False,
               verbosity: Verbosity = Verbosity.NORMAL) -> str:
        lines = []
        for f in findings:
            if not f.active and verbosity < Verbosity.VERBOSE:
                continue  # counted in the summary; -v shows it
            label = f.code if f.is_error else f"{f.code} warning:"
            if not f.active:
                label = f"{f.code} suppressed:"
            elif color:
                label = f"{self._COLORS[f.severity]}{label}\033[0m"
            lines.append(f"{f.location}: {label} {f.message}")
            lines.extend(caret_lines(f))
            if f.suppressed_by is not None:
                lines.append(f"    {_suppression_note(f.suppressed_by)}")
            elif f.hint:
                lines.append(f"    hint: {f.hint}")
            lines.extend(f"    see also {r}" for r in f.related)
        return "\n".join(lines) + ("\n" if lines else "")


def _suppression_json(suppression: Suppression | None) -> dict | None:
    if suppression is None:
        return None
    return {"kind": suppression.kind.value, "justification": suppression.reason,
            "expires": suppression.expires.isoformat() if suppression.expires else None,
            "path": suppression.origin.path, "line": suppression.origin.line, "column": suppression.origin.col}


class JsonReport:
    """One JSON document for machines: every finding (suppressed ones marked) with its location, and the totals."""

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False,
               verbosity: Verbosity = Verbosity.NORMAL) -> str:
        items = [{
            "path": f.location.path, "line": f.location.line, "column": f.location.col,
            "code": f.code, "severity": f.severity.value, "message": f.message, "hint": f.hint,
            "related": [{"path": r.path, "line": r.line, "column": r.col} for r in f.related],
            "excerpt": f.excerpt, "suppressed": _suppression_json(f.suppressed_by),
        } for f in findings]
        counts = summary.counts(findings)
        document = {"findings": items,
                    "summary": {"specs": summary.specs, "errors": counts.errors, "warnings": counts.warnings,
                                "suppressed": counts.suppressed}}
        return json.dumps(document, indent=2, sort_keys=True) + "\n"


class SarifReport:
    """SARIF 2.1.0, for code scanning: one run, the codes as rules, findings as results."""

    _LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}

    @staticmethod
    def _location(location: Location, excerpt: str = "") -> dict:
        region: dict = {"startLine": location.line, "startColumn": location.col}
        if excerpt:
            region["snippet"] = {"text": excerpt}
        return {"physicalLocation": {"artifactLocation": {"uri": location.path}, "region": region}}

    @classmethod
    def _suppressions(cls, suppression: Suppression) -> list[dict]:
        return [{"kind": suppression.kind.value, "status": "accepted", "justification": suppression.reason,
                 "location": cls._location(suppression.origin)}]

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False,
               verbosity: Verbosity = Verbosity.NORMAL) -> str:
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
                      "locations": [self._location(f.location, f.excerpt)]}
            if f.suppressed_by is not None:
                result["suppressions"] = self._suppressions(f.suppressed_by)
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

    def render(self, findings: list[Finding], summary: Summary, *, color: bool = False,
               verbosity: Verbosity = Verbosity.NORMAL) -> str:
        lines = []
        for f in findings:
            if not f.active:
                continue  # an accepted finding is no annotation on the pull request
            props = ",".join(f"{k}={self._escape(str(v), property_value=True)}" for k, v in (
                ("file", f.location.path), ("line", f.location.line), ("col", f.location.col), ("title", f.code)))
            body = f.message + (f"\nhint: {f.hint}" if f.hint else "")
            lines.append(f"::{self._COMMANDS[f.severity]} {props}::{self._escape(f'{f.code} {body}')}")
        return "\n".join(lines) + ("\n" if lines else "")


REPORTS = {Format.TEXT: TextReport(), Format.JSON: JsonReport(), Format.SARIF: SarifReport(),
           Format.GITHUB: GithubReport()}


def emit(findings: list[Finding], summary: Summary, *, fmt: Format = Format.TEXT,
         verbosity: Verbosity = Verbosity.NORMAL, color: bool = True) -> None:
    """Print a report: the findings on stdout in `fmt`, the summary line on stderr.

    `color` allows color; it is used only when stdout is a terminal that wants it. Each file
    shows at most MAX_FINDINGS_PER_SPEC findings; the summary counts them all.
    """
    summary = dataclasses.replace(summary, totals=Counts.of(findings))
    shown = cap_per_file(findings)
    sys.stdout.write(REPORTS[fmt].render(shown, summary, color=color and use_color(sys.stdout),
                                         verbosity=verbosity))
    sys.stdout.flush()
    note(summary.line(shown), verbosity=verbosity)


def note(text: str, *, verbosity: Verbosity, level: Verbosity = Verbosity.NORMAL) -> None:
    """A line for the person running netspec, on stderr; shown from verbosity `level` up."""
    if verbosity >= level:
        sys.stderr.write(text + "\n")
