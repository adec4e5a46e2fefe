"""Read what `netspec audit` is given into one neutral list of resources.

Three inputs are accepted: a module folder (every *.tf.json in it, overrides
included), a single *.tf.json file, and `terraform show -json` plan output. Each
becomes a `Module`: the resources Terraform would manage, each with its values,
the resources it refers to, and the place a reader should look. Checks only ever
see `Module`s, so they do not care where a resource came from.

Nothing here raises on bad content: an unreadable file becomes an NS500 finding.
Only a path that does not exist raises `MissingPath` (a usage error).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..codes import code
from ..findings import Finding, Location, display_path

OVERRIDE_SUFFIX = "_override.tf.json"
TF_JSON_SUFFIX = ".tf.json"

# `${aws_vpc.main.id}` -> "aws_vpc.main": how one resource names another in Terraform JSON.
_REFERENCE = re.compile(r"\$\{[^}]*?\b([a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)")


class MissingPath(Exception):
    """A path on the command line does not exist: a usage error, not a finding."""


@dataclass(frozen=True)
class Resource:
    type: str  # "aws_vpc_endpoint"
    name: str  # "s3"
    values: dict[str, Any]  # attribute values; unknown plan values are absent
    location: Location  # where the resource is defined (a plan: the plan file, line 1)
    module: str = ""  # module path of a plan resource ("module.net"); "" for the root
    refs: frozenset[str] = frozenset()  # "type.name" of resources this one refers to
    configured: frozenset[str] | None = None  # plan only: attributes set in configuration
    planned: bool = False  # from a plan: absent values may be "known after apply"

    @property
    def address(self) -> str:
        prefix = f"{self.module}." if self.module else ""
        return f"{prefix}{self.type}.{self.name}"

    def refers_to(self, other: "Resource", attribute: str) -> bool:
        """True when this resource's `attribute` names `other` (by reference or by a known id)."""
        if other.module == self.module and f"{other.type}.{other.name}" in self.refs:
            return True
        other_id = other.values.get("id")
        return bool(other_id) and self.values.get(attribute) == other_id


@dataclass(frozen=True)
class Module:
    """One unit audited as a whole: a module folder, a lone file, or a plan."""

    label: str  # what the user passed, for messages and the summary
    resources: tuple[Resource, ...] = ()
    findings: tuple[Finding, ...] = ()  # problems reading it (NS500)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]


# --- discovery ------------------------------------------------------------------


def load_paths(paths: Iterable[Path]) -> list[Module]:
    """Every module named by `paths`: folders are searched for folders holding *.tf.json."""
    modules: list[Module] = []
    for path in paths:
        if not path.exists():
            raise MissingPath(f"{path}: no such file or folder")
        if path.is_dir():
            folders = sorted({p.parent for p in path.rglob(f"*{TF_JSON_SUFFIX}") if p.is_file()
                              and ".terraform" not in p.parts})
            modules.extend(load_folder(folder) for folder in folders)
            if not folders:
                modules.append(Module(display_path(path), findings=(
                    code("NS500").at(Location(display_path(path)), "no *.tf.json files in this folder"),)))
        else:
            modules.append(load_file(path))
    return modules


def load_folder(folder: Path) -> Module:
    files = sorted(p for p in folder.glob(f"*{TF_JSON_SUFFIX}") if p.is_file())
    # Terraform reads override files after all others and merges them into what they name.
    ordered = [p for p in files if not p.name.endswith(OVERRIDE_SUFFIX)] + \
              [p for p in files if p.name.endswith(OVERRIDE_SUFFIX)]
    return _tf_json_module(display_path(folder), ordered)


def load_file(path: Path) -> Module:
    text, problem = _read(path)
    if problem is not None:
        return Module(display_path(path), findings=(problem,))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return Module(display_path(path), findings=(
            code("NS500").at(Location(display_path(path), exc.lineno, exc.colno), f"not JSON: {exc.msg}"),))
    if is_plan(document):
        return plan_module(document, display_path(path))
    return _tf_json_module(display_path(path), [path])


def is_plan(document: Any) -> bool:
    return isinstance(document, dict) and "format_version" in document and (
        "planned_values" in document or "resource_changes" in document)


def _read(path: Path) -> tuple[str, Finding | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return "", code("NS500").at(Location(display_path(path)), f"cannot read: {reason}")


# --- Terraform JSON configuration ---------------------------------------------------


def _tf_json_module(label: str, files: list[Path]) -> Module:
    by_address: dict[tuple[str, str], Resource] = {}
    findings: list[Finding] = []
    for path in files:
        text, problem = _read(path)
        if problem is not None:
            findings.append(problem)
            continue
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            findings.append(code("NS500").at(Location(display_path(path), exc.lineno, exc.colno),
                                             f"not JSON: {exc.msg}"))
            continue
        if not isinstance(document, dict):
            findings.append(code("NS500").at(Location(display_path(path)), "not a Terraform JSON object"))
            continue
        override = path.name.endswith(OVERRIDE_SUFFIX)
        for type_, name, values in _resource_blocks(document.get("resource")):
            location = Location(display_path(path), locate(text, type_, name))
            earlier = by_address.get((type_, name))
            if override and earlier is not None:
                # Terraform replaces each top-level argument an override names; the
                # finding points at the override, where the change was made.
                values = {**earlier.values, **values}
            by_address[(type_, name)] = Resource(type_, name, values, location, refs=_refs(values))
    live = tuple(r for r in by_address.values() if _is_created(r.values))
    return Module(label, live, tuple(findings))


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Terraform JSON allows an object or an array of objects almost anywhere."""
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))


def _resource_blocks(resource: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for by_type in _objects(resource):
        for type_, by_name in by_type.items():
            for names in _objects(by_name):
                for name, body in names.items():
                    for values in _objects(body):
                        yield type_, name, values


def _is_created(values: dict[str, Any]) -> bool:
    """A literal `count: 0` or empty `for_each` creates nothing; anything else might."""
    count = values.get("count")
    if count in (0, "0"):
        return False
    return values.get("for_each", None) not in ({}, [])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _refs(values: dict[str, Any]) -> frozenset[str]:
    return frozenset(m.group(1) for s in _strings(values) for m in _REFERENCE.finditer(s))


def locate(text: str, type_: str, name: str) -> int:
    """Line of `"name": {` inside the `"type": {` block of `"resource"` (1 if not found).

    A text search, not a parser: good enough to land on the right resource because
    a file holds each type key once per `resource` block, and a name once per type.
    """
    start = 0
    resource = re.search(r'"resource"\s*:', text)
    if resource:
        start = resource.end()
    type_match = re.compile(r'"%s"\s*:\s*[\[{]' % re.escape(type_)).search(text, start)
    if not type_match:
        return 1
    name_match = re.compile(r'"%s"\s*:\s*[\[{]' % re.escape(name)).search(text, type_match.end())
    offset = name_match.start() if name_match else type_match.start()
    return text.count("\n", 0, offset) + 1


# --- terraform show -json -------------------------------------------------------


def plan_module(document: dict[str, Any], label: str) -> Module:
    """Resources a plan would leave in place: planned values, completed by resource_changes.

    Unknown ("known after apply") values are absent from both, so checks treat them
    as not set; `configured` lets a check tell "not set" from "set, value unknown".
    """
    where = Location(label)
    config = _configuration_index(document.get("configuration"))
    merged: dict[str, dict[str, Any]] = {}
    kinds: dict[str, tuple[str, str, str]] = {}
    planned = document.get("planned_values") or {}
    for module_path, item in _planned_resources(planned.get("root_module")):
        if item.get("mode", "managed") != "managed":
            continue
        merged[item.get("address", "")] = dict(item.get("values") or {})
        kinds[item.get("address", "")] = (module_path, str(item.get("type")), str(item.get("name")))
    for change in _list(document.get("resource_changes")):
        if change.get("mode", "managed") != "managed":
            continue
        after = (change.get("change") or {}).get("after")
        address = str(change.get("address", ""))
        if not isinstance(after, dict):  # deleted, or destroyed by this plan
            merged.pop(address, None)
            continue
        merged[address] = {**after, **merged.get(address, {})}
        kinds.setdefault(address, (str(change.get("module_address", "")),
                                   str(change.get("type")), str(change.get("name"))))
    resources = []
    for address, values in merged.items():
        module_path, type_, name = kinds[address]
        refs, configured = config.get((_strip_indices(module_path), type_, name), (frozenset(), None))
        resources.append(Resource(type_, name, values, where, module=module_path,
                                  refs=refs | _refs(values), configured=configured, planned=True))
    return Module(label, tuple(resources))


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _planned_resources(module: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(module, dict):
        return
    path = str(module.get("address", ""))
    for item in _list(module.get("resources")):
        yield path, item
    for child in _list(module.get("child_modules")):
        yield from _planned_resources(child)


def _strip_indices(module_path: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", module_path)


def _configuration_index(configuration: Any) -> dict[tuple[str, str, str], tuple[frozenset[str], frozenset[str]]]:
    """(module path, type, name) -> (resources referred to, attributes set) from the plan's configuration."""
    index: dict[tuple[str, str, str], tuple[frozenset[str], frozenset[str]]] = {}

    def walk(module: Any, path: str) -> None:
        if not isinstance(module, dict):
            return
        for item in _list(module.get("resources")):
            expressions = item.get("expressions") or {}
            refs = frozenset(_config_refs(expressions))
            index[(path, str(item.get("type")), str(item.get("name")))] = (refs, frozenset(expressions))
        for call_name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                walk(call.get("module"), f"{path}.module.{call_name}" if path else f"module.{call_name}")

    walk((configuration or {}).get("root_module") if isinstance(configuration, dict) else None, "")
    return index


def _config_refs(expressions: Any) -> Iterator[str]:
    """`references` lists look like ["aws_vpc.main.id", "aws_vpc.main"]: keep type.name."""
    if isinstance(expressions, dict):
        for key, value in expressions.items():
            if key == "references" and isinstance(value, list):
                for ref in value:
                    parts = str(ref).split(".")
                    if len(parts) >= 2 and parts[0] not in ("var", "local", "data", "module", "each", "count"):
                        yield re.sub(r"\[.*$", "", f"{parts[0]}.{parts[1]}")
            else:
                yield from _config_refs(value)
    elif isinstance(expressions, list):
        for value in expressions:
            yield from _config_refs(value)
