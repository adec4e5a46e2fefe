"""A spec diff as a pull-request comment (Markdown) or JSON: renderers picked from a table."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from decimal import Decimal

from .changes import KIND_TITLES, SpecDiff, Status, TotalCost


class DiffFormat(str, enum.Enum):
    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(frozen=True)
class DiffReport:
    base: str  # what the old side is: a git ref, or the old file
    specs: tuple[SpecDiff, ...]
    failed: tuple[str, ...] = ()  # specs with a side that does not compile: no diff to show


def _code(text: str | None) -> str:
    """A table cell in a code span; `|` would end the cell even there."""
    return "" if text is None else "`" + text.replace("`", "'").replace("|", "\\|") + "`"


class MarkdownDiff:
    """A PR comment: a heading per changed spec, its table, and what needs review."""

    def render(self, report: DiffReport) -> str:
        changed = [d for d in report.specs if d.status is not Status.UNCHANGED]
        review = sum(len(d.review) for d in report.specs)
        lines = [f"## netspec diff against {_code(report.base)}", "",
                 f"{len(changed)} of {len(report.specs)} spec(s) change the network"
                 + (f"; **{review} change(s) need review**." if review else "; nothing needs review."), ""]
        total = total_cost(report)
        if total.delta or total.not_counted:
            lines += [f"Monthly endpoint cost of these networks, fixed (before traffic): {total.line()}", ""]
        if report.failed:
            lines += ["**⚠ does not compile, not compared:** " + ", ".join(_code(f) for f in report.failed)
                      + " (findings on stderr)", ""]
        for d in changed:
            lines += self._spec(d)
        unchanged = [d.label for d in report.specs if d.status is Status.UNCHANGED]
        if unchanged:
            lines += ["Unchanged: " + ", ".join(_code(u) for u in unchanged), ""]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _spec(self, d: SpecDiff) -> list[str]:
        lines = [f"### {_code(d.name)} ({d.status.value}, {_code(d.label)})", "", d.summary(), ""]
        if d.cost.delta != 0:
            lines += [f"Monthly endpoint cost: {d.cost.line()}", ""]
        lines += ["| change | subject | before | after | effect |", "| --- | --- | --- | --- | --- |"]
        for c in d.changes:
            effect = c.effect.replace("widens", "**widens**").replace("destructive", "**destructive**")
            lines.append(f"| {KIND_TITLES.get(c.kind, c.kind)} | {_code(c.subject)} | {_code(c.before)} "
                         f"| {_code(c.after)} | {effect} |")
        lines.append("")
        if d.review:
            lines += ["#### ⚠ needs review", ""]
            lines += [f"- **{KIND_TITLES.get(c.kind, c.kind)}** {_code(c.subject)}: {c.reason}" for c in d.review]
            lines.append("")
        return lines


class JsonDiff:
    """Stable keys, sorted, for bots and CI gates (`needs_review` counts per spec and in all)."""

    def render(self, report: DiffReport) -> str:
        document = {"base": report.base, "specs": [d.as_dict() for d in report.specs], "failed": list(report.failed),
                    "needs_review": sum(len(d.review) for d in report.specs), "cost": total_cost(report).as_dict()}
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def total_cost(report: DiffReport) -> TotalCost:
    """The cost change of the whole pull request, over the networks priced on both sides; a network
    without a confirmed price is named (unless nothing it is billed for changed)."""
    priced = [d.cost for d in report.specs if d.cost.priced]
    left_out = tuple((d.name, "; ".join(d.cost.notes)) for d in report.specs if not d.cost.priced and d.cost.delta != 0)
    return TotalCost(sum((c.before for c in priced), Decimal("0")),  # type: ignore[misc]
                     sum((c.after for c in priced), Decimal("0")), left_out)  # type: ignore[misc]


RENDERERS = {DiffFormat.MARKDOWN: MarkdownDiff(), DiffFormat.JSON: JsonDiff()}


def render(report: DiffReport, fmt: DiffFormat) -> str:
    return RENDERERS[fmt].render(report)
