"""`netspec audit`: the independent security check of compiled modules and plans."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..report import Format
from .common import ConfigOpt, FormatOpt, NoColorOpt, QuietOpt, UsageError, VerboseOpt, settings_for
from .jobs import Workers


def audit_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="Module folders, *.tf.json or *.tf files, or `terraform show -json` files "
                   "(default: the configuration's out, else out/).", show_default=False),
    spec: Optional[Path] = typer.Option(None, "--spec", help="Audit against this spec instead of the one each module's header names."),
    fmt: Optional[Format] = FormatOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    no_color: bool = NoColorOpt,
    config_file: Optional[Path] = ConfigOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", show_default=False,
                                       help="Worker processes for many modules (default: the number of CPUs; "
                                            "1: none). Output is the same for every number."),
) -> None:
    """Check compiled modules or plans for an internet path, open access or missing flow logs.

    Independent of the compiler: it reads the configuration as Terraform does
    (.tf.json and .tf, hand edits and override files included), so it catches what
    compile would not. Each folder holding *.tf.json or *.tf is audited as one
    module, against the spec its generated files name (found under specs/ beside
    out/, or ./specs/). With --spec and no PATHS, only out/<spec name>/ is audited.
    Suppressions in the configuration (netspec.toml) apply to its findings too.

    Examples:

      netspec audit                                   # every module in out/

      netspec audit out/ds-team --spec specs/ds-team.yaml

      terraform show -json plan.out > plan.json && netspec audit plan.json --format json
    """
    from .. import audit  # imported here: only this command needs it

    settings = settings_for(config_file=config_file, fmt=fmt, quiet=quiet, verbose=verbose, no_color=no_color,
                            jobs=jobs)
    try:
        with Workers(settings.jobs) as workers:
            raise typer.Exit(audit.run(paths, spec, settings=settings, each=workers.map))
    except audit.MissingPath as exc:
        raise UsageError(str(exc)) from None
