"""`netspec compile` and `netspec validate`: check specs, and write their modules."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer

from ..codes import code
from ..findings import Finding, Location, display_path
from ..render import RenderOptions
from ..report import Format
from ..writer import Change, FileChange, apply_changes, plan_changes
from .common import FormatOpt, PathsArg, StrictOpt, compile_paths, default_paths, finish

# compile's --format: every report.Format for findings, plus `hcl` (findings as text,
# module as .tf files). Derived from Format so a new findings format reaches compile too.
CompileFormat = enum.Enum("CompileFormat", {**{f.name: f.value for f in Format}, "HCL": "hcl"}, type=str)


def _change_findings(changes: list[FileChange]) -> list[Finding]:
    findings = []
    for item in changes:
        where = Location(display_path(item.path))
        if item.change is Change.CONFLICT:
            findings.append(code("NS303").at(where, "netspec would write this file, but did not write the one there"))
        else:
            findings.append(code("NS302").at(where, f"{item.change.value}: out/ is not what the spec compiles to"))
    return findings


def compile_command(
    paths: Optional[list[Path]] = PathsArg,
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder that receives one module per spec: OUT/<name>/."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if out/ is stale, missing files or hand-edited."),
    module: bool = typer.Option(False, "--module", help="Leave out the provider block (provider.tf.json), for use as a child module."),
    compile_fmt: CompileFormat = typer.Option(
        CompileFormat.TEXT, "--format", "-f", help="Output format for findings; hcl: findings as text, module as .tf files."),
    strict: bool = StrictOpt,
) -> None:
    """Validate specs and write their Terraform modules (JSON, or HCL with --format hcl) to OUT/<name>/.

    A spec with errors leaves its OUT/<name>/ untouched. Files netspec did not
    write (state, .terraform/, *_override.tf.json) are never changed.

    Examples:

      netspec compile                      # every spec in specs/ -> out/

      netspec compile specs/ds-team.yaml --out build/

      netspec compile --check              # in CI: fail if out/ is not current

      netspec compile --format hcl         # the same modules as .tf files
    """
    hcl = compile_fmt is CompileFormat.HCL
    fmt = Format.TEXT if hcl else Format(compile_fmt.value)
    if hcl:
        from ..render.hcl import to_hcl  # imported here: only HCL output needs hcl2 (~0.1 s to import)
    results = compile_paths(default_paths(paths), RenderOptions(module=module))
    findings = [f for r in results for f in r.findings]
    for result in results:
        if not result.ok or result.network is None:
            continue
        directory = out / result.network.name
        # The other format's generated files are obsolete here, so switching removes them.
        files = to_hcl(result.files) if hcl else result.files
        changes = plan_changes(directory, files)
        conflicts = [c for c in changes if c.change is Change.CONFLICT]
        if check or conflicts:
            findings += _change_findings(conflicts if not check else changes)
            continue
        if changes:
            try:
                apply_changes(directory, files, changes)
            except OSError as exc:
                where = Location(display_path(Path(exc.filename) if exc.filename else directory))
                findings.append(code("NS305").at(where, f"cannot write the module: {exc.strerror or exc}"))
                continue
            if fmt is Format.TEXT:
                sys.stderr.write(f"{display_path(directory)}: {len(changes)} file(s) updated\n")
    finish(findings, len(results), fmt, strict)


def validate_command(paths: Optional[list[Path]] = PathsArg, fmt: Format = FormatOpt, strict: bool = StrictOpt) -> None:
    """Run every check on specs; write nothing.

    Examples:

      netspec validate

      netspec validate specs/ds-team.yaml --format json
    """
    results = compile_paths(default_paths(paths), RenderOptions())
    finish([f for r in results for f in r.findings], len(results), fmt, strict)
