"""`netspec graph`: a spec's network as a Mermaid flowchart."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .. import graph
from ..findings import ExitCode
from .common import ConfigOpt, compile_spec, print_findings, settings_for


def graph_command(
    spec: Path = typer.Argument(..., help="The spec to draw."),
    markdown: bool = typer.Option(False, "--markdown", help="Wrap the diagram in a ```mermaid fence."),
    config_file: Optional[Path] = ConfigOpt,
) -> None:
    """Draw a spec's network as a Mermaid flowchart: zones, security groups, endpoints, buckets.

    Exit 1 (with its findings) when the spec does not compile.

    Examples:

      netspec graph specs/ds-team.yaml > ds-team.mmd

      netspec graph specs/ds-team.yaml --markdown >> README.md
    """
    result = compile_spec(spec, settings_for(config_file=config_file))
    if not result.ok or result.network is None:
        print_findings([result])
        raise typer.Exit(ExitCode.FINDINGS)
    text = graph.mermaid(result.network)
    sys.stdout.write(f"```mermaid\n{text}```\n" if markdown else text)
