"""`netspec inventory`: every network of the repository, with its account, addresses, reach and cost."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..findings import ExitCode
from ..inventory import InventoryFormat, inventory, network_entry, to_json, to_markdown
from .common import ConfigOpt, PathsArg, compile_paths, print_findings, settings_for, spec_paths
from .jobs import Work


def inventory_command(
    paths: Optional[list[Path]] = PathsArg,
    fmt: InventoryFormat = typer.Option(InventoryFormat.MARKDOWN, "--format", "-f", help="Output format."),
    config_file: Optional[Path] = ConfigOpt,
) -> None:
    """List every network: account, region, CIDR and pool, zones, workloads, services, buckets and
    their access, the fixed monthly cost of its endpoints, and its open warnings.

    The page a security or finance review asks for, in Markdown (or JSON with --format json).
    Exit 1 when a spec does not compile (it is listed, its findings go to stderr).

    Examples:

      netspec inventory > docs/inventory.md

      netspec inventory --format json | jq '.totals'
    """
    settings = settings_for(config_file=config_file)
    run = compile_paths(spec_paths(paths, settings), settings=settings, work=Work(keep_model=True))
    names = {a.id: a.name for a in settings.accounts if a.name}
    entries = [network_entry(r.network, r.path, r.findings, account_names=names)
               for r in run.results if r.ok and r.network is not None]
    failed = [r for r in run.results if not r.ok or r.network is None]
    data = inventory(entries, [r.path for r in failed], account_names=names)
    sys.stdout.write(to_json(data) if fmt is InventoryFormat.JSON else to_markdown(data))
    if failed:
        print_findings(failed)
        raise typer.Exit(ExitCode.FINDINGS)
