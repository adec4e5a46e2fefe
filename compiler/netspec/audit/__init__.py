"""`netspec audit`: an independent security check of compiled modules and Terraform plans.

A second pair of eyes: it reads the configuration (`.tf.json` and `.tf`, overrides
merged) or `terraform show -json` output as Terraform would, and checks the promises of
a netspec network: no internet path and no side door (peering, transit gateway, VPN,
resolver rules, foreign PrivateLink services), no public addresses, closed security
groups, endpoint policies that keep principals inside the perimeter and S3 to the spec's
buckets, and flow logs of all traffic kept as long as the spec says. A value it cannot
evaluate is a finding (NS511), never a pass. Without `--spec`, each module is audited
against the spec its generated files name in their header (`discovery.py`).

It shares no code with the compiler's renderer, so a compiler bug or a hand edit
cannot hide in both places at once.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Protocol

from .. import suppress
from ..accounts import AccountDefault, default_for
from ..codes import code, exit_code
from ..findings import ExitCode, Finding, Location, display_path, sort_findings
from ..report import Summary, emit
from .checks import CHECKS, run_checks
from .discovery import SpecIndex, discover
from .inputs import MissingPath, Module, Target, load, targets
from .spec import Expectation, SpecError, read_expectation

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["CHECKS", "MissingPath", "Module", "audit", "default_paths", "run"]


def default_paths(spec: Expectation | None, out: Path = Path("out")) -> list[Path]:
    """out/ as a whole, or only out/<name>/ when a spec says which module it describes."""
    if spec is not None and spec.name and (out / spec.name).is_dir():
        return [out / spec.name]
    return [out]


def with_default_account(spec: Expectation | None, defaults: tuple[AccountDefault, ...], root: Path) -> Expectation | None:
    """The spec, with its folder's default account (netspec.toml) when it names none itself."""
    if spec is None or spec.account or not defaults or not spec.source:
        return spec
    try:
        relative = PurePath(os.path.relpath(Path(spec.source).resolve(), root.resolve())).as_posix()
    except (OSError, RuntimeError, ValueError):
        return spec
    default = default_for(relative, defaults)
    return dataclasses.replace(spec, account=default.id) if default else spec


def audit(modules: Iterable[Module], spec: Expectation | None = None, *, accounts: tuple[AccountDefault, ...] = (),
          root: Path = Path("."), index: SpecIndex | None = None) -> list[Finding]:
    """Every finding for `modules`: against `spec` when given, else against each module's own spec
    (found through `index`, the spec files listed so far). `accounts`: the configuration's folder
    defaults (relative to `root`), for specs that name no account."""
    index = index if index is not None else SpecIndex()
    findings: list[Finding] = []
    for module in modules:
        findings.extend(module.findings)
        expectation = spec
        if spec is None:
            expectation, problems = discover(module, index)
            findings.extend(problems)
        findings.extend(run_checks(module, with_default_account(expectation, accounts, root)))
    return sort_findings(findings)


@dataclass(frozen=True)
class Against:
    """What each module of a run is audited against: the spec given, else its own (found through
    `index`, which each process fills as it looks), and the configuration's account defaults."""

    spec: Expectation | None
    accounts: tuple[AccountDefault, ...]
    root: Path
    index: SpecIndex = field(default_factory=SpecIndex, compare=False)


def audit_target(against: Against, target: Target | Module) -> list[Finding]:
    """One module read and audited: a step a worker process can take on its own."""
    return audit([load(target)], against.spec, accounts=against.accounts, root=against.root, index=against.index)


# Modules a worker takes at a time: each costs a few milliseconds, and each chunk lists the spec
# folders again (about 50 ms for 5,000 specs), so chunks are large.
AUDIT_CHUNK = 512


class Each(Protocol):
    """`step` of every item, in order: cli.jobs.Workers.map (worker processes), or `_in_order`."""

    def __call__(self, step: Callable[[Target | Module], list[Finding]], items: Sequence[Target | Module], *,
                 max_chunk: int) -> Iterable[list[Finding]]: ...


def _in_order(step: Callable[[Target | Module], list[Finding]], items: Sequence[Target | Module], *,
              max_chunk: int) -> Iterator[list[Finding]]:
    return (step(item) for item in items)


def run(paths: list[Path] | None, spec_path: Path | None, *, settings: "Settings", each: Each = _in_order) -> ExitCode:
    """The whole command: read, check, suppress, report. Raises MissingPath for a path that is not there.
    `each` maps the audit of one module over all of them, in order (worker processes, or this one)."""
    spec: Expectation | None = None
    spec_findings: list[Finding] = []
    if spec_path is not None:
        if not spec_path.exists():
            raise MissingPath(f"{spec_path}: no such file or folder")
        try:
            spec = read_expectation(spec_path)
        except SpecError as exc:
            spec_findings.append(code("NS304").at(Location(display_path(spec_path)), str(exc), hint=exc.hint))
    found_targets = targets(paths or default_paths(spec, settings.out))
    against = Against(spec, settings.accounts, settings.root)
    found = sort_findings([f for part in each(functools.partial(audit_target, against), found_targets,
                                              max_chunk=AUDIT_CHUNK) for f in part])
    findings = suppress.apply(spec_findings + found, settings.suppressions,
                              root=settings.root, today=settings.today)
    findings = sort_findings(findings + suppress.expired(settings.suppressions, settings.today))
    emit(findings, Summary(len(found_targets), "module(s) audited"), fmt=settings.format,
         verbosity=settings.verbosity, color=settings.color)
    return exit_code(findings)
