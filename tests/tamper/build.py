"""Build a tamper case: compile its example fresh into `<root>/out/<name>/` (spec in `<root>/specs/`), then modify it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netspec import compile_text

from .cases import Case

SPECS = Path(__file__).resolve().parents[2] / "specs"


def _walk(document: Any, path: str) -> tuple[Any, str | int]:
    """The container holding the last key of a dotted path (created on the way), and that key."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    for key in parents:
        document = document[key] if isinstance(key, int) else document.setdefault(key, {})
    return document, last


def _edit(document: Any, op: str, path: str, value: Any) -> None:
    container, key = _walk(document, path)
    if op == "set":
        container[key] = value
    elif op == "delete":
        del container[key]
    elif op == "append":
        current = container[key]
        container[key] = (current if isinstance(current, list) else [current]) + [value]
    else:
        raise ValueError(f"unknown edit {op!r}")


def _rewrite(path: Path, change) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def build(case: Case, root: Path, *, module: bool = False) -> Path:
    """The modified module folder. `module`: leave out provider.tf.json (a child module for a plan)."""
    spec_text = case.spec_before if case.spec_before is not None else (SPECS / f"{case.example}.yaml").read_text()
    spec_name = f"{case.example}.yaml"
    result = compile_text(spec_text, spec_name)
    assert result.ok, [f"{f.code} {f.message}" for f in result.findings]
    folder = root / "out" / case.example
    folder.mkdir(parents=True)
    (root / "specs").mkdir(exist_ok=True)
    (root / "specs" / spec_name).write_text(spec_text)
    for name, text in result.files.items():
        if not (module and name == "provider.tf.json"):
            (folder / name).write_text(text)
    for name, text in case.add.items():
        (folder / name).write_text(text)
    for name, path, value in case.set:
        _rewrite(folder / name, lambda d: _edit(d, "set", path, value))
    for name, path in case.delete:
        _rewrite(folder / name, lambda d: _edit(d, "delete", path, None))
    for endpoint, op, path, value in case.policy:
        def change(document: dict[str, Any]) -> None:
            holder = document["resource"]["aws_vpc_endpoint"][endpoint]
            policy = json.loads(holder["policy"])
            _edit(policy, op, path, value)
            holder["policy"] = json.dumps(policy, sort_keys=True)
        _rewrite(folder / "endpoints.tf.json", change)
    if case.strip_headers:
        for generated in folder.glob("*.tf.json"):
            _rewrite(generated, lambda d: d.pop("//", None))
    if case.spec_after is None:
        (root / "specs" / spec_name).unlink()
    elif isinstance(case.spec_after, str):
        (root / "specs" / spec_name).write_text(case.spec_after)
    return folder
