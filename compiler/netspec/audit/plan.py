"""`terraform show -json` output as a Module.

A plan holds values Terraform has already evaluated: variables, functions and counts are
resolved, so nothing in it is an expression. What it cannot show are values known only
after apply (ids, ARNs of resources not yet created); they are absent from the values and
named in `unknown`. Where a check needs to know what such a value points at, the plan's
configuration section says which resources each attribute's expression refers to.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..findings import Location
from .model import Module, Resource

# Data sources whose values name the deploying account.
_CALLER_IDENTITY = "aws_caller_identity"


def plan_module(document: dict[str, Any], label: str) -> Module:
    """Resources a plan would leave in place: planned values, completed by resource_changes.

    A document that is not quite a plan (a part missing, a value of the wrong shape) is read
    as far as it goes: what cannot be read is left out, never a crash.
    """
    where = Location(label)
    config = _configuration_index(document.get("configuration"))
    merged: dict[str, dict[str, Any]] = {}
    kinds: dict[str, tuple[str, str, str]] = {}
    unknown: dict[str, frozenset[str]] = {}
    for module_path, item in _module_resources(_dict(document.get("planned_values")).get("root_module")):
        if item.get("mode", "managed") != "managed":
            continue
        address = str(item.get("address", ""))
        merged[address] = dict(_dict(item.get("values")))
        kinds[address] = (module_path, str(item.get("type")), str(item.get("name")))
    for change in _list(document.get("resource_changes")):
        if change.get("mode", "managed") != "managed":
            continue
        body = _dict(change.get("change"))
        after = body.get("after")
        address = str(change.get("address", ""))
        if not isinstance(after, dict):  # deleted, or destroyed by this plan
            merged.pop(address, None)
            continue
        merged[address] = {**after, **merged.get(address, {})}
        kinds.setdefault(address, (str(change.get("module_address", "")),
                                   str(change.get("type")), str(change.get("name"))))
        after_unknown = body.get("after_unknown")
        if isinstance(after_unknown, dict):
            unknown[address] = frozenset(str(k) for k, v in after_unknown.items() if v is True)
    resources = []
    for address, values in merged.items():
        module_path, type_, name = kinds[address]
        refs = config.get((_strip_indices(module_path), type_, name), {})
        resources.append(Resource(type_, name, values, where, module=module_path, planned=True,
                                  unknown=unknown.get(address, frozenset()), plan_refs=refs))
    return Module(label, tuple(resources), accounts=_accounts(document), planned=True,
                  providers=_providers(document.get("configuration"), where))


def _providers(configuration: Any, where: Location) -> tuple[Resource, ...]:
    """The plan's provider configurations: each argument whose expression is a constant."""
    found = []
    for key, config in _dict(_dict(configuration).get("provider_config")).items():
        if not isinstance(config, dict):
            continue
        values = {str(k): v["constant_value"] for k, v in _dict(config.get("expressions")).items()
                  if isinstance(v, dict) and "constant_value" in v}
        found.append(Resource("provider", str(key), values, where, planned=True))
    return tuple(found)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _module_resources(module: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(module, dict):
        return
    path = str(module.get("address") or "")
    for item in _list(module.get("resources")):
        yield path, item
    for child in _list(module.get("child_modules")):
        yield from _module_resources(child)


def _accounts(document: dict[str, Any]) -> frozenset[str]:
    """Account ids of every aws_caller_identity data source the plan read (prior state or planned)."""
    found = set()
    for section in _dict(document.get("prior_state")).get("values"), document.get("planned_values"):
        for _, item in _module_resources(_dict(section).get("root_module")):
            if item.get("mode") == "data" and item.get("type") == _CALLER_IDENTITY:
                account = _dict(item.get("values")).get("account_id")
                if isinstance(account, str) and account:
                    found.add(account)
    return frozenset(found)


def _strip_indices(module_path: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", module_path)


def _configuration_index(configuration: Any) -> dict[tuple[str, str, str], dict[str, frozenset[str]]]:
    """(module path, type, name) -> {attribute: "type.name" its expression refers to}."""
    index: dict[tuple[str, str, str], dict[str, frozenset[str]]] = {}

    def walk(module: Any, path: str) -> None:
        if not isinstance(module, dict):
            return
        for item in _list(module.get("resources")):
            expressions = item.get("expressions")
            if isinstance(expressions, dict):
                index[(path, str(item.get("type")), str(item.get("name")))] = {
                    str(attribute): frozenset(_config_refs(expression)) for attribute, expression in expressions.items()}
        for call_name, call in _dict(module.get("module_calls")).items():
            if isinstance(call, dict):
                walk(call.get("module"), f"{path}.module.{call_name}" if path else f"module.{call_name}")

    walk(_dict(configuration).get("root_module"), "")
    return index


def _config_refs(expressions: Any) -> Iterator[str]:
    """`references` lists look like ["aws_vpc.main.id", "aws_vpc.main"]: keep type.name (data.type.name)."""
    if isinstance(expressions, dict):
        for key, value in expressions.items():
            if key == "references" and isinstance(value, list):
                for ref in value:
                    parts = re.sub(r"\[[^\]]*\]", "", str(ref)).split(".")
                    if parts[0] == "data" and len(parts) >= 3:
                        yield ".".join(parts[:3])
                    elif len(parts) >= 2 and parts[0] not in ("var", "local", "module", "each", "count", "self",
                                                              "path", "terraform"):
                        yield f"{parts[0]}.{parts[1]}"
            else:
                yield from _config_refs(value)
    elif isinstance(expressions, list):
        for value in expressions:
            yield from _config_refs(value)
