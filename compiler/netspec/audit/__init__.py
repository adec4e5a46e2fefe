"""`netspec audit`: an independent security check of compiled modules and Terraform plans.

A second pair of eyes: it reads the Terraform JSON (or `terraform show -json` output)
as Terraform would, and checks the promises of a netspec network (no internet path,
no public addresses, closed security groups, limiting endpoint policies, flow logs).
It shares no code with the compiler's renderer, so a compiler bug or a hand edit
cannot hide in both places at once.
"""

from __future__ import annotations

from pathlib import Path

from ..codes import code
from ..findings import ExitCode, Finding, Location, display_path, has_errors, sort_findings
from ..report import Format, Summary, emit
from .checks import CHECKS, run_checks
from .inputs import MissingPath, Module, load_paths
from .spec import Expectation, SpecError, read_expectation

__all__ = ["CHECKS", "MissingPath", "Module", "audit", "default_paths", "run"]


def default_paths(spec: Expectation | None) -> list[Path]:
    """out/ as a whole, or only out/<name>/ when a spec says which module it describes."""
    if spec is not None and spec.name and (Path("out") / spec.name).is_dir():
        return [Path("out") / spec.name]
    return [Path("out")]


def audit(modules: list[Module], spec: Expectation | None) -> list[Finding]:
    findings: list[Finding] = []
    for module in modules:
        findings.extend(module.findings)
        findings.extend(run_checks(module, spec))
    return sort_findings(findings)


def run(paths: list[Path] | None, spec_path: Path | None, fmt: Format) -> ExitCode:
    """The whole command: read, check, report. Raises MissingPath for a path that is not there."""
    spec: Expectation | None = None
    spec_findings: list[Finding] = []
    if spec_path is not None:
        if not spec_path.exists():
            raise MissingPath(f"{spec_path}: no such file or folder")
        try:
            spec = read_expectation(spec_path)
        except SpecError as exc:
            spec_findings.append(code("NS304").at(Location(display_path(spec_path)), str(exc)))
    modules = load_paths(paths or default_paths(spec))
    findings = sort_findings(spec_findings + audit(modules, spec))
    emit(findings, Summary(len(modules), "module(s) audited"), fmt)
    return ExitCode.FINDINGS if has_errors(findings) else ExitCode.CLEAN
