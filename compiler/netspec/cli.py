"""The command line: the only place that reads specs from disk and writes out/."""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional

import typer

from . import catalog, gitrev, graph
from . import diff as specdiff
from .codes import CODES, IO_ERROR_CODES, code
from .crossspec import check_across
from .findings import ExitCode, Finding, Location, display_path, has_errors, sort_findings
from .model import Network
from .pipeline import Result, compile_bytes
from .render import RenderOptions
from .report import Format, Progress, Summary, emit
from .schema import schema_path, schema_text
from .writer import Change, FileChange, apply_changes, plan_changes

app = typer.Typer(
    help="Compile short YAML network specs into private AWS VPCs as Terraform JSON modules.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)

SPEC_SUFFIXES = (".yaml", ".yml")
PathsArg = typer.Argument(None, help="Spec files or folders of specs (default: specs/).", show_default=False)
FormatOpt = typer.Option(Format.TEXT, "--format", "-f", help="Output format for findings.")
StrictOpt = typer.Option(False, "--strict", help="Treat warnings as failures (exit 1).")


# compile's --format: every report.Format for findings, plus `hcl` (findings as text,
# module as .tf files). Derived from Format so a new findings format reaches compile too.
CompileFormat = enum.Enum("CompileFormat", {**{f.name: f.value for f in Format}, "HCL": "hcl"}, type=str)

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


def compile_paths(paths: list[Path], options: RenderOptions) -> list[Result]:
    results = []
    specs = find_specs(paths)
    progress = Progress(len(specs))
    for index, spec in enumerate(specs, 1):
        progress.step(index, display_path(spec))
        try:
            raw = spec.read_bytes()
        except OSError as exc:
            results.append(Result(display_path(spec), (code("NS304").at(Location(display_path(spec)), exc.strerror or str(exc)),)))
            continue
        results.append(compile_bytes(raw, display_path(spec), options=options))
    progress.done()
    return check_across(results)


def _change_findings(changes: list[FileChange]) -> list[Finding]:
    findings = []
    for item in changes:
        where = Location(display_path(item.path))
        if item.change is Change.CONFLICT:
            findings.append(code("NS303").at(where, "netspec would write this file, but did not write the one there"))
        else:
            findings.append(code("NS302").at(where, f"{item.change.value}: out/ is not what the spec compiles to"))
    return findings


def _finish(findings: list[Finding], specs: int, fmt: Format, strict: bool) -> None:
    ordered = sort_findings(findings)
    emit(ordered, Summary(specs), fmt)
    if any(f.code in IO_ERROR_CODES for f in ordered):
        raise typer.Exit(ExitCode.USAGE)
    failed = has_errors(ordered) or (strict and bool(ordered))
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


def _paths(paths: Optional[list[Path]]) -> list[Path]:
    return paths or [Path("specs")]


@app.command("compile")
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
        from .render.hcl import to_hcl  # imported here: only HCL output needs hcl2 (~0.1 s to import)
    results = compile_paths(_paths(paths), RenderOptions(module=module))
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
def schema_command(markdown: bool = typer.Option(False, "--markdown", help="Print docs/spec.md, the reference generated from it.")) -> None:
    """Print the JSON Schema of the spec format (for editors and other tools).

    Examples:

      netspec schema > netspec.schema.json

      netspec schema --markdown > docs/spec.md
    """
    if markdown:
        from .schema import schema
        from .specdoc import spec_reference
        sys.stdout.write(spec_reference(schema()))
        return
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


@app.command("init")
def init_command(
    name: str = typer.Argument(..., help="The network's name: names the spec file and out/<name>/."),
    region: str = typer.Option("us-east-1", "--region", help="AWS region of the network."),
    specs: Path = typer.Option(Path("specs"), "--specs", help="Folder to create the spec in."),
) -> None:
    """Create SPECS/NAME.yaml: a commented spec that compiles as it is.

    Its first line points editors (the YAML language server) at the JSON
    Schema, so keys complete and mistakes show while typing. An existing file
    is never overwritten.

    Examples:

      netspec init ds-vision

      netspec init ds-vision --region eu-west-1 && netspec compile specs/ds-vision.yaml
    """
    from .regions import region as find_region
    from .scaffold import NAME_PATTERN, scaffold

    if not NAME_PATTERN.match(name):
        raise UsageError(f"{name!r} is not a valid name: 2-40 characters of a-z, 0-9 and '-', starting with a letter")
    if find_region(region) is None:
        raise UsageError(f"{region!r} is not a known AWS region")
    target = specs / f"{name}.yaml"
    if target.exists():
        raise UsageError(f"{target} exists; not overwritten")
    specs.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold(name, region, _schema_reference(specs)), encoding="utf-8")
    sys.stderr.write(f"created {display_path(target)}; edit it, then run `netspec compile {display_path(target)}`\n")


def _schema_reference(specs: Path) -> str:
    """The schema as editors should find it: the checkout's schemas/ when there is one, else the installed copy."""
    in_checkout = Path("schemas") / "netspec.schema.json"
    if in_checkout.is_file():
        return Path(os.path.relpath(in_checkout.resolve(), specs.resolve())).as_posix()
    return schema_path().resolve().as_uri()


# --- netspec diff and netspec graph: reviewing a pull request ---------------------------


def _print_findings(results: list[Result]) -> None:
    """Findings of specs that did not compile, as text on stderr: stdout keeps the report."""
    emit(sort_findings(f for r in results for f in r.findings), Summary(len(results)), Format.TEXT)


def _read_spec(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def _compile_side(raw: bytes | None, path: str, failed: list[Result]) -> Network | None:
    """The model of one side of a diff; a side that does not compile is kept for its findings."""
    if raw is None:
        return None
    result = compile_bytes(raw, path)
    if not result.ok:
        failed.append(result)
    return result.network if result.ok else None


@dataclass(frozen=True)
class _Pair:
    """One spec's two sides; `old_raw`/`new_raw` None where the spec does not exist."""

    label: str
    old_path: str  # where findings of the old side point, e.g. main:specs/ds-team.yaml
    old_raw: bytes | None
    new_path: str
    new_raw: bytes | None


def _file_pairs(old: Path, new: Path) -> list[_Pair]:
    return [_Pair(display_path(new), display_path(old), _read_spec(old), display_path(new), _read_spec(new))]


def _ref_pairs(top: Path, paths: list[Path], commit: str, ref: str) -> list[_Pair]:
    """Each spec under `paths` against its version at `commit`, plus the specs deleted since."""
    specs = find_specs([p for p in paths if p.exists()])  # a folder emptied since REF is not an error
    missing = [p for p in paths if not p.exists()]
    moves = gitrev.moves(commit, [str(p) for p in paths if p.is_dir()] + [str(p) for p in missing])
    for path in missing:  # a path that is gone must be one git saw deleted, not a typo
        where = (Path.cwd() / path).resolve()
        if not any(top / rel == where or where in (top / rel).parents for rel in moves.deleted):
            raise UsageError(f"{path}: no such file or folder, here or deleted since {ref}")
    pairs = []
    for spec in specs:
        try:
            rel = spec.resolve().relative_to(top).as_posix()
        except ValueError:
            raise UsageError(f"{spec}: not inside the git repository at {top}") from None
        old = moves.renamed.get(rel, rel)  # a moved spec is compared with where it came from
        shown = display_path(spec)
        pairs.append(_Pair(shown, f"{ref}:{old}", gitrev.show(commit, old), shown, _read_spec(spec)))
    for rel in moves.deleted:
        if PurePosixPath(rel).suffix in SPEC_SUFFIXES:
            shown = display_path(top / rel)
            pairs.append(_Pair(shown, f"{ref}:{rel}", gitrev.show(commit, rel), shown, None))
    return sorted(pairs, key=lambda p: p.label)


@app.command("diff")
def diff_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="OLD.yaml NEW.yaml; or, with --base, spec files or folders (default: specs/).", show_default=False),
    base: Optional[str] = typer.Option(
        None, "--base", help="Git ref to compare specs with (default: the merge base of HEAD and main).",
        show_default=False),
    fmt: specdiff.DiffFormat = typer.Option(specdiff.DiffFormat.MARKDOWN, "--format", "-f", help="Output format."),
) -> None:
    """Say what a change to specs does to the network, for a pull request comment.

    Reports zones, subnets, services, buckets and access levels, tags and flow logs
    that change, and lists under "needs review" what widens access (a new bucket
    or service, wider access, a wildcard, flow logs off) or replaces the VPC.
    Exit 0 when the diff was computed, 1 if a side does not compile (its
    findings are printed), 2 on usage or git errors.

    Examples:

      netspec diff old/ds-team.yaml specs/ds-team.yaml

      netspec diff                              # every spec in specs/ against the merge base with main

      netspec diff specs/ds-team.yaml --base origin/main --format json
    """
    given = paths or []
    try:
        if base is None and len(given) == 2 and not any(p.is_dir() for p in given):
            base_label, pairs = display_path(given[0]), _file_pairs(*given)
        else:
            top = gitrev.toplevel().resolve()  # first: outside a repository, say so, not "unknown ref"
            if base:
                commit, base_label = gitrev.resolve(base), base
            else:
                branch, commit = gitrev.merge_base()
                base_label = f"{branch} (merge base {commit[:12]})"
            pairs = _ref_pairs(top, given or [Path("specs")], commit, base or commit[:12])
    except gitrev.GitError as exc:
        raise UsageError(str(exc)) from None
    failed: list[Result] = []
    diffs, not_compared = [], []
    for pair in pairs:
        before = _compile_side(pair.old_raw, pair.old_path, failed)
        after = _compile_side(pair.new_raw, pair.new_path, failed)
        if (pair.old_raw is None or before) and (pair.new_raw is None or after):
            diffs.append(specdiff.diff_networks(before, after, pair.label))
        else:
            not_compared.append(pair.label)
    report = specdiff.DiffReport(base_label, tuple(diffs), tuple(not_compared))
    sys.stdout.write(specdiff.render(report, fmt))
    if failed:
        _print_findings(failed)
        raise typer.Exit(ExitCode.FINDINGS)


@app.command("graph")
def graph_command(
    spec: Path = typer.Argument(..., help="The spec to draw."),
    markdown: bool = typer.Option(False, "--markdown", help="Wrap the diagram in a ```mermaid fence."),
) -> None:
    """Draw a spec's network as a Mermaid flowchart: zones, security groups, endpoints, buckets.

    Exit 1 (with its findings) when the spec does not compile.

    Examples:

      netspec graph specs/ds-team.yaml > ds-team.mmd

      netspec graph specs/ds-team.yaml --markdown >> README.md
    """
    result = compile_bytes(_read_spec(spec), display_path(spec))
    if not result.ok or result.network is None:
        _print_findings([result])
        raise typer.Exit(ExitCode.FINDINGS)
    text = graph.mermaid(result.network)
    sys.stdout.write(f"```mermaid\n{text}```\n" if markdown else text)


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
        raise SystemExit(ExitCode.USAGE) from None
