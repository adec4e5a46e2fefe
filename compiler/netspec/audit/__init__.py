"""`netspec audit`: an independent security check of compiled modules and Terraform plans.

A second pair of eyes: it reads the Terraform JSON (or `terraform show -json` output)
as Terraform would, and checks the promises of a netspec network (no internet path,
no public addresses, closed security groups, limiting endpoint policies, flow logs).
It shares no code with the compiler's renderer, so a compiler bug or a hand edit
cannot hide in both places at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import suppress
from ..codes import code, exit_code
from ..findings import ExitCode, Finding, Location, display_path, sort_findings
from ..report import Summary, emit
from .checks import CHECKS, run_checks
from .inputs import MissingPath, Module, load_paths
from .spec import Expectation, SpecError, read_expectation

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["CHECKS", "MissingPath", "Module", "audit", "default_paths", "run"]


def default_paths(spec: Expectation | None, out: Path = Path("out")) -> list[Path]:
    """out/ as a whole, or only out/<name>/ when a spec says which module it describes."""
    if spec is not None and spec.name and (out / spec.name).is_dir():
        return [out / spec.name]
    return [out]


def audit(modules: list[Module], spec: Expectation | None) -> list[Finding]:
    findings: list[Finding] = []
    for module in modules:
        findings.extend(module.findings)
        findings.extend(run_checks(module, spec))
    return sort_findings(findings)


def run(paths: list[Path] | None, spec_path: Path | None, *, settings: "Settings") -> ExitCode:
    """The whole command: read, check, suppress, report. Raises MissingPath for a path that is not there."""
    spec: Expectation | None = None
    spec_findings: list[Finding] = []
    if spec_path is not None:
        if not spec_path.exists():
            raise MissingPath(f"{spec_path}: no such file or folder")
        try:
            spec = read_expectation(spec_path)
        except SpecError as exc:
            spec_findings.append(code("NS304").at(Location(display_path(spec_path)), str(exc)))
    modules = load_paths(paths or default_paths(spec, settings.out))
    findings = suppress.apply(spec_findings + audit(modules, spec), settings.suppressions,
                              root=settings.root, today=settings.today)
    findings = sort_findings(findings + suppress.expired(settings.suppressions, settings.today))
    emit(findings, Summary(len(modules), "module(s) audited"), fmt=settings.format,
         verbosity=settings.verbosity, color=settings.color)
    return exit_code(findings)
