"""`netspec audit`: the independent security check of compiled modules and plans."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..report import Format
from .common import FormatOpt, UsageError


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
    from .. import audit  # imported here: only this command needs it

    try:
        raise typer.Exit(audit.run(paths, spec, fmt))
    except audit.MissingPath as exc:
        raise UsageError(str(exc)) from None
