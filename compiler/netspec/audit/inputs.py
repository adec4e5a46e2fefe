"""Read what `netspec audit` is given into `Module`s (see model.py).

Three inputs are accepted: a module folder (every `*.tf.json` and `*.tf` in it, override
files merged as Terraform merges them), a single `.tf.json` or `.tf` file, and
`terraform show -json` plan output. Checks only ever see `Module`s, so they do not care
where a resource came from.

Nothing here raises on bad content: an unreadable file becomes an NS500 finding.
Only a path that does not exist raises `MissingPath` (a usage error).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..codes import code
from ..findings import Location, display_path
from .config import DEEPER, TF_SUFFIX, is_config_file, load_config, locate, read_text
from .model import Header, Module, Resource
from .plan import plan_module
from .values import too_deep

__all__ = ["Header", "MissingPath", "Module", "Resource", "Target", "is_plan", "load", "load_folder", "load_paths",
           "locate", "plan_module", "targets"]


class MissingPath(Exception):
    """A path on the command line does not exist: a usage error, not a finding."""


@dataclass(frozen=True)
class Target:
    """One module to read: a folder holding *.tf.json or *.tf, or one file (a configuration or a plan)."""

    path: Path
    folder: bool


def targets(paths: Iterable[Path]) -> list[Target | Module]:
    """What `paths` name, in order, without reading any configuration: folders are searched for folders
    holding *.tf.json or *.tf; a folder holding none is already its Module (an NS500 finding)."""
    found: list[Target | Module] = []
    for path in paths:
        if not path.exists():
            raise MissingPath(f"{path}: no such file or folder")
        if path.is_dir():
            folders = sorted({p.parent for p in path.rglob("*.tf*")
                              if ".terraform" not in p.relative_to(path).parts and is_config_file(p)})
            found.extend(Target(folder, True) for folder in folders)
            if not folders:
                found.append(Module(display_path(path), findings=(
                    code("NS500").at(Location(display_path(path)), "no *.tf.json or *.tf files in this folder"),)))
        else:
            found.append(Target(path, False))
    return found


def load(target: Target | Module) -> Module:
    if isinstance(target, Module):
        return target
    return load_folder(target.path) if target.folder else load_file(target.path)


def load_paths(paths: Iterable[Path]) -> list[Module]:
    """Every module named by `paths` (see `targets`), read."""
    return [load(target) for target in targets(paths)]


def load_folder(folder: Path) -> Module:
    return load_config(display_path(folder), sorted(p for p in folder.iterdir() if is_config_file(p)))


def load_file(path: Path) -> Module:
    """A lone configuration file, or a plan (any JSON file that looks like `terraform show -json`)."""
    if path.name.endswith(TF_SUFFIX):
        return load_config(display_path(path), [path])
    text, problem = read_text(path)
    if problem is not None:
        return Module(display_path(path), findings=(problem,))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        where = Location(display_path(path), exc.lineno, exc.colno)
        return Module(display_path(path), findings=(code("NS500").at(where, f"not JSON: {exc.msg}"),))
    except RecursionError:
        return Module(display_path(path), findings=(
            code("NS500").at(Location(display_path(path)), "not JSON netspec audit can read: nested too deeply"),))
    if too_deep(document):
        return Module(display_path(path), findings=(
            code("NS500").at(Location(display_path(path)), f"not JSON netspec audit can read: {DEEPER}"),))
    if is_plan(document):
        return plan_module(document, display_path(path))
    return load_config(display_path(path), [path], documents={path: (text, document)})


def is_plan(document: Any) -> bool:
    return isinstance(document, dict) and "format_version" in document and (
        "planned_values" in document or "resource_changes" in document)

