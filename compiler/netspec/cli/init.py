"""`netspec init`: scaffold a commented spec."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from ..findings import display_path
from ..schema import schema_path
from .common import UsageError


def _schema_reference(specs: Path) -> str:
    """The schema as editors should find it: the checkout's schemas/ when there is one, else the installed copy."""
    in_checkout = Path("schemas") / "netspec.schema.json"
    if in_checkout.is_file():
        return Path(os.path.relpath(in_checkout.resolve(), specs.resolve())).as_posix()
    return schema_path().resolve().as_uri()


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
    from ..regions import region as find_region
    from ..scaffold import NAME_PATTERN, scaffold

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
