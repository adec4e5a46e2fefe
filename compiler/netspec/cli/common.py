"""What every command shares: the usage error, common options, finding and compiling specs, exit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..codes import IO_ERROR_CODES, code
from ..crossspec import check_across
from ..findings import ExitCode, Finding, Location, display_path, has_errors, sort_findings
from ..pipeline import Result, compile_bytes
from ..render import RenderOptions
from ..report import Format, Progress, Summary, emit

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


def default_paths(paths: Optional[list[Path]]) -> list[Path]:
    return paths or [Path("specs")]


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


def finish(findings: list[Finding], specs: int, fmt: Format, strict: bool) -> None:
    """Report every finding once, then exit with the code they mean."""
    ordered = sort_findings(findings)
    emit(ordered, Summary(specs), fmt)
    if any(f.code in IO_ERROR_CODES for f in ordered):
        raise typer.Exit(ExitCode.USAGE)
    failed = has_errors(ordered) or (strict and bool(ordered))
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


def read_spec(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def print_findings(results: list[Result]) -> None:
    """Findings of specs that did not compile, as text on stderr: stdout keeps the report."""
    emit(sort_findings(f for r in results for f in r.findings), Summary(len(results)), Format.TEXT)
