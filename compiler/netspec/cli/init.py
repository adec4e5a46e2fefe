"""`netspec init`: scaffold a commented spec, wired to a schema copy that works on every clone."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .. import config
from ..findings import display_path
from ..schema import SCHEMA_NAME, schema_path, schema_text
from .common import ConfigOpt, UsageError, settings_for


def schema_copy(settings: config.Settings, specs: Path) -> Path:
    """Where the repository keeps the schema editors read: its schemas/ folder when it has
    one (as netspec's own repository does), else next to the specs."""
    in_schemas = settings.root / "schemas" / SCHEMA_NAME
    return in_schemas if in_schemas.is_file() else specs / SCHEMA_NAME


def write_schema(target: Path) -> bool:
    """Write the schema of this netspec to `target`; False when it is already current."""
    text = schema_text()
    if target.resolve() == schema_path().resolve() or (target.is_file() and target.read_text(encoding="utf-8") == text):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True


def init_command(
    name: str = typer.Argument(..., help="The network's name: names the spec file and out/<name>/."),
    region: str = typer.Option("us-east-1", "--region", help="AWS region of the network (any partition)."),
    specs: Optional[Path] = typer.Option(None, "--specs", show_default=False,
                                         help="Folder to create the spec in (default: the configuration's, else specs/)."),
    config_file: Optional[Path] = ConfigOpt,
) -> None:
    """Create SPECS/NAME.yaml: a commented spec that validates as it is, in any region.

    Its first line points editors (the YAML language server) at the JSON Schema
    by a relative path, so keys complete and mistakes show while typing, on every
    clone and offline. The schema copy (SPECS/netspec.schema.json, or the
    repository's schemas/netspec.schema.json) is written when missing; commit it,
    and refresh it after upgrading netspec with `netspec schema --write`. Services
    a partition does not offer are left out of the scaffold. An existing spec is
    never overwritten.

    Examples:

      netspec init ds-vision

      netspec init ds-vision --region eu-west-1 && netspec compile specs/ds-vision.yaml

      netspec init ds-beijing --region cn-north-1
    """
    from ..regions import region as find_region
    from ..scaffold import NAME_PATTERN, scaffold

    settings = settings_for(config_file=config_file)
    if not NAME_PATTERN.fullmatch(name):
        raise UsageError(f"{name!r} is not a valid name: 2-40 characters of a-z, 0-9 and '-', starting with a letter")
    if find_region(region) is None:
        raise UsageError(f"{region!r} is not a known AWS region")
    folder = specs or next((p for p in settings.specs if p.suffix not in (".yaml", ".yml")), settings.root / "specs")
    target = folder / f"{name}.yaml"
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} exists; not overwritten")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        copy = schema_copy(settings, folder)
        if not copy.exists() and write_schema(copy):
            sys.stderr.write(f"wrote {display_path(copy)} for editors; commit it (`netspec schema --write` refreshes it)\n")
        reference = Path(os.path.relpath(copy.resolve(), folder.resolve())).as_posix()
        with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrites, even a file made since
            handle.write(scaffold(name, region, reference))
    except OSError as exc:
        if isinstance(exc, FileExistsError) and exc.filename == str(target):
            raise UsageError(f"{target} exists; not overwritten") from None
        raise UsageError(f"{exc.filename or target}: {exc.strerror or exc}") from None
    sys.stderr.write(f"created {display_path(target)}; edit it, then run `netspec compile {display_path(target)}`\n")
