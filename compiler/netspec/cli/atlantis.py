"""`netspec atlantis`: the Atlantis repo configuration for every module, printed, written or checked."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath
from typing import Optional

import typer

from ..codes import code, exit_code
from ..findings import ExitCode, Location, display_path, has_errors
from ..report import Summary, emit, note
from ..runners import atlantis
from .common import ConfigOpt, UsageError, compile_paths, print_findings, settings_for, spec_paths
from .jobs import Work
from .repository import write_atomically


def _relative(path: Path, root: Path) -> str:
    return PurePath(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def atlantis_command(
    write: bool = typer.Option(False, "--write", help="Write atlantis.yaml beside the configuration file (only "
                                                      "over a file netspec wrote)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 when atlantis.yaml is not what "
                                                      "--write would write."),
    config_file: Optional[Path] = ConfigOpt,
) -> None:
    """Print the Atlantis repo configuration (atlantis.yaml) for every configured spec's module.

    One project per network: its module folder, the network's name, planned when its module's
    files or its spec change, with a workflow that runs `netspec validate`, `netspec audit`
    and `netspec verify` before `terraform plan`. netspec.toml's [atlantis] names the workflow,
    whether atlantis.yaml defines it, and apply requirements. Exit 1 when a spec does not
    compile (its findings on stderr) or, with --check, when atlantis.yaml is stale.

    Examples:

      netspec atlantis                  # print it

      netspec atlantis --write          # write atlantis.yaml beside netspec.toml

      netspec atlantis --check          # in CI: fail when atlantis.yaml is not current
    """
    if write and check:
        raise UsageError("--write and --check exclude each other")
    settings = settings_for(config_file=config_file)
    run = compile_paths(spec_paths(None, settings), settings=settings, work=Work(keep_model=True))
    failed = [r for r in run.results if not r.ok or r.network is None]
    if failed or has_errors(run.findings):
        print_findings(failed)
        if run.findings:
            sys.stderr.write("".join(f"{f.location}: {f.code} {f.message}\n" for f in run.findings))
        raise typer.Exit(ExitCode.FINDINGS)
    projects = []
    for result in run.results:
        assert result.network is not None
        spec_file = Path(result.path)
        projects.append(atlantis.Project(
            name=result.network.name, dir=_relative(settings.out / result.network.name, settings.root),
            spec=_relative(spec_file, settings.root) if spec_file.is_file() else result.path))
    text = atlantis.render(projects, settings.atlantis)
    target = settings.root / atlantis.FILE_NAME
    shown = display_path(target)
    current = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
    if not write and not check:
        sys.stdout.write(text)
        return
    findings = []
    if current is not None and not atlantis.is_netspecs(current):
        findings.append(code("NS303").at(Location(shown), f"{shown} was not written by netspec; it is left as it is",
                                         hint="move it away (or merge its projects by hand) to let netspec write it"))
    elif current != text and check:
        findings.append(code("NS314").at(Location(shown), f"{shown} is not what `netspec atlantis --write` writes"))
    elif current != text:
        write_atomically(target, text)
        note(f"{shown}: {len(projects)} project(s) written", verbosity=settings.verbosity)
    emit(findings, Summary(1, "runner configuration(s) checked"), fmt=settings.format, verbosity=settings.verbosity,
         color=settings.color)
    raise typer.Exit(exit_code(findings))
