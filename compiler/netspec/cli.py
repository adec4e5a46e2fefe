"""The command line: the only place that reads specs from disk and writes out/."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from . import catalog
from .codes import CODES, code
from .crossspec import check_across
from .findings import ExitCode, Finding, Location, has_errors, sort_findings
from .pipeline import Result, compile_bytes
from .render import RenderOptions
from .report import Format, Summary, emit
from .schema import schema_text
from .writer import Change, FileChange, apply_changes, plan_changes

app = typer.Typer(
    help="Compile short YAML network specs into private AWS VPCs as Terraform JSON modules.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)

SPEC_SUFFIXES = (".yaml", ".yml")
PathsArg = typer.Argument(None, help="Spec files or folders of specs (default: specs/).", show_default=False)
FormatOpt = typer.Option(Format.TEXT, "--format", "-f", help="Output format for findings.")
StrictOpt = typer.Option(False, "--strict", help="Treat warnings as failures (exit 1).")


class UsageError(Exception):
    """Bad arguments or unreadable paths: exit 2."""


def find_specs(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def compile_paths(paths: list[Path], options: RenderOptions) -> list[Result]:
    results = []
    for spec in find_specs(paths):
        try:
            raw = spec.read_bytes()
        except OSError as exc:
            results.append(Result(_display(spec), (code("NS304").at(Location(_display(spec)), exc.strerror or str(exc)),)))
            continue
        results.append(compile_bytes(raw, _display(spec), options=options))
    return check_across(results)


def _change_findings(changes: list[FileChange]) -> list[Finding]:
    findings = []
    for item in changes:
        where = Location(_display(item.path))
        if item.change is Change.CONFLICT:
            findings.append(code("NS303").at(where, "netspec would write this file, but did not write the one there"))
        else:
            findings.append(code("NS302").at(where, f"{item.change.value}: out/ is not what the spec compiles to"))
    return findings


def _finish(findings: list[Finding], specs: int, fmt: Format, strict: bool) -> None:
    ordered = sort_findings(findings)
    emit(ordered, Summary(specs), fmt)
    failed = has_errors(ordered) or (strict and bool(ordered))
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


def _paths(paths: Optional[list[Path]]) -> list[Path]:
    return paths or [Path("specs")]


@app.command("compile")
def compile_command(
    paths: Optional[list[Path]] = PathsArg,
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder that receives one module per spec: OUT/<name>/."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if out/ is stale, missing files or hand-edited."),
    module: bool = typer.Option(False, "--module", help="Leave out provider.tf.json, for use as a child module."),
    fmt: Format = FormatOpt,
    strict: bool = StrictOpt,
) -> None:
    """Validate specs and write their Terraform JSON modules to OUT/<name>/.

    A spec with errors leaves its OUT/<name>/ untouched. Files netspec did not
    write (state, .terraform/, *_override.tf.json) are never changed.

    Examples:

      netspec compile                      # every spec in specs/ -> out/

      netspec compile specs/ds-team.yaml --out build/

      netspec compile --check              # in CI: fail if out/ is not current
    """
    results = compile_paths(_paths(paths), RenderOptions(module=module))
    findings = [f for r in results for f in r.findings]
    for result in results:
        if not result.ok or result.network is None:
            continue
        directory = out / result.network.name
        changes = plan_changes(directory, result.files)
        conflicts = [c for c in changes if c.change is Change.CONFLICT]
        if check or conflicts:
            findings += _change_findings(conflicts if not check else changes)
            continue
        if changes:
            apply_changes(directory, result.files, changes)
            if fmt is Format.TEXT:
                sys.stderr.write(f"{_display(directory)}: {len(changes)} file(s) updated\n")
    _finish(findings, len(results), fmt, strict)


@app.command("validate")
def validate_command(paths: Optional[list[Path]] = PathsArg, fmt: Format = FormatOpt, strict: bool = StrictOpt) -> None:
    """Run every check on specs; write nothing.

    Examples:

      netspec validate

      netspec validate specs/ds-team.yaml --format json
    """
    results = compile_paths(_paths(paths), RenderOptions())
    _finish([f for r in results for f in r.findings], len(results), fmt, strict)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the spec format (for editors and other tools).

    Example:

      netspec schema > netspec.schema.json
    """
    sys.stdout.write(schema_text())


@app.command("services")
def services_command() -> None:
    """List the service catalog: spec name, endpoint type, policy and private DNS support.

    Example:

      netspec services
    """
    for s in catalog.SERVICES.values():
        policy = "policy" if s.accepts_policy else "no-policy"
        dns = "private-dns" if s.private_dns else "-"
        sys.stdout.write(f"{s.key:28} {s.endpoint_type.value:10} {policy:10} {dns:12} {s.summary}\n")


@app.command("rules")
def rules_command(markdown: bool = typer.Option(False, "--markdown", help="Print docs/rules.md.")) -> None:
    """List every finding code with its meaning and hint.

    Examples:

      netspec rules

      netspec rules --markdown > docs/rules.md
    """
    if markdown:
        sys.stdout.write(rules_markdown())
        return
    for c in CODES.values():
        sys.stdout.write(f"{c.code}  {c.severity.value:7}  {c.title}\n")


@app.command("audit")
def audit_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="Module folders, *.tf.json files or `terraform show -json` files (default: out/).",
        show_default=False),
    spec: Optional[Path] = typer.Option(None, "--spec", help="Also check the S3 endpoint policy against this spec's buckets."),
    fmt: Format = FormatOpt,
) -> None:
    """Check compiled modules or plans for an internet path, open access or missing flow logs.

    Independent of the compiler: it reads the Terraform JSON as written (hand
    edits and *_override.tf.json included), so it catches what compile would not.
    Each folder holding *.tf.json is audited as one module. With --spec and no
    PATHS, only out/<spec name>/ is audited.

    Examples:

      netspec audit                                   # every module in out/

      netspec audit out/ds-team --spec specs/ds-team.yaml

      terraform show -json plan.out > plan.json && netspec audit plan.json --format json
    """
    from . import audit  # imported here: only this command needs it

    try:
        raise typer.Exit(audit.run(paths, spec, fmt))
    except audit.MissingPath as exc:
        raise UsageError(str(exc)) from None


def rules_markdown() -> str:
    lines = ["# Rules reference", "",
             "Every finding netspec reports carries one of these codes. Codes are stable: a code keeps",
             "its meaning forever, and a retired code is never reused. This file is generated by",
             "`netspec rules --markdown`; a test keeps it current.", "",
             "| code | severity | problem | hint |", "| --- | --- | --- | --- |"]
    for c in CODES.values():
        hint = c.hint.replace("|", "\\|")
        lines.append(f"| {c.code} | {c.severity.value} | {c.title} | {hint} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    try:
        app()
    except UsageError as exc:
        sys.stderr.write(f"netspec: {exc}\n")
        raise SystemExit(ExitCode.USAGE)
