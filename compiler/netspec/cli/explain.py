"""`netspec explain`: every endpoint, bucket and rule of a spec's network, and which workload needs it."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer

from ..findings import ExitCode
from .common import ConfigOpt, compile_spec, print_findings, settings_for


class ExplainFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


def explain_command(
    spec: Path = typer.Argument(..., help="The spec to explain."),
    fmt: ExplainFormat = typer.Option(ExplainFormat.TEXT, "--format", "-f", help="Output format."),
    config_file: Optional[Path] = ConfigOpt,
) -> None:
    """List every endpoint, S3 bucket and security-group rule the spec's network gets, and why.

    Each item names what asked for it (the spec, a workload, a service, or netspec) with the
    reason and the AWS page it comes from; services a workload needs only in some cases are
    listed as suggestions, never added; and the fixed monthly cost of the endpoints (interface
    endpoints x zones x hours, at the region's price; gateway endpoints are free). Exit 1 (with
    its findings) when the spec does not compile.

    Examples:

      netspec explain specs/studio-team.yaml

      netspec explain specs/studio-team.yaml --format json | jq '.services[].service'
    """
    from ..explain import explain, to_json, to_text  # imported here: only this command needs it

    result = compile_spec(spec, settings_for(config_file=config_file))
    if not result.ok or result.network is None:
        print_findings([result])
        raise typer.Exit(ExitCode.FINDINGS)
    data = explain(result.network)
    sys.stdout.write(to_json(data) if fmt is ExplainFormat.JSON else to_text(data))
