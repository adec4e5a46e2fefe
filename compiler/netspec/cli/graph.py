"""`netspec graph`: a spec's network as a Mermaid flowchart."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .. import graph
from ..findings import ExitCode, display_path
from ..pipeline import compile_bytes
from .common import print_findings, read_spec


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
    result = compile_bytes(read_spec(spec), display_path(spec))
    if not result.ok or result.network is None:
        print_findings([result])
        raise typer.Exit(ExitCode.FINDINGS)
    text = graph.mermaid(result.network)
    sys.stdout.write(f"```mermaid\n{text}```\n" if markdown else text)
