"""Helpers every concern's checks share: nested blocks, literals, CIDR unions, what points where."""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Iterator

from ..model import Module, Resource
from ..values import Reference, is_literal


def listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def blocks(values: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Nested blocks of one kind (`ingress`, `route`), written plainly or as `dynamic` content."""
    found = [b for b in listed(values.get(kind)) if isinstance(b, dict)]
    for dynamic in listed(values.get("dynamic")):
        if isinstance(dynamic, dict):
            for block in listed(dynamic.get(kind)):
                if isinstance(block, dict):
                    found.extend(c for c in listed(block.get("content")) if isinstance(c, dict))
    return found


def at_path(values: dict[str, Any], path: str) -> Iterator[Any]:
    """Each value at a dotted path: `cidr_blocks`, or `ingress.cidr_blocks` through nested blocks."""
    head, _, rest = path.partition(".")
    if not rest:
        if head in values:
            yield values[head]
        return
    for block in blocks(values, head):
        yield from at_path(block, rest)


def literal(module: Module, resource: Resource, value: Any) -> Any:
    """`value` as a literal (a reference to a literal attribute of the module resolved), else None."""
    value = module.resolve(value, resource.module)
    return value if is_literal(value) else None


def literal_strings(module: Module, resource: Resource, value: Any) -> list[str]:
    """Every literal, non-empty string in a value or a list of values (references to literals resolved)."""
    value = module.resolve(value, resource.module)
    found = []
    for item in value if isinstance(value, list) else [value]:
        item = module.resolve(item, resource.module)
        if isinstance(item, str) and item:
            found.append(item)
    return found


def true(value: Any) -> bool:
    """Terraform JSON may spell booleans as strings."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def covered(cidrs: Iterable[str]) -> list[str]:
    """"0.0.0.0/0" and/or "::/0" when the union of `cidrs` covers every address of that family."""
    networks: dict[int, list[Any]] = {4: [], 6: []}
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            continue
        networks[network.version].append(network)
    everything = {4: "0.0.0.0/0", 6: "::/0"}
    return [everything[v] for v, nets in networks.items()
            if nets and any(n.prefixlen == 0 for n in ipaddress.collapse_addresses(nets))]


def resolve_target(module: Module, resource: Resource, attribute: str) -> list[str]:
    """Addresses of the module resources `attribute` points at, else the literal ids it holds."""
    found = []
    for target in sorted(resource.points_at(attribute)):
        other = module.find(target, resource.module)
        found.append(other.address if other else (f"{resource.module}.{target}" if resource.module else target))
    for value in listed(resource.values.get(attribute)):
        if isinstance(value, str) and value:
            other = module.with_id(value)
            found.append(other.address if other else value)
    return found


def covers(child: Resource, vpc: Resource, attribute: str) -> bool:
    """Does `child.attribute` point at `vpc`? A plan value known only after apply gets the benefit of the doubt."""
    if child.refers_to(vpc, attribute):
        return True
    named = child.points_at(attribute)
    unresolved = child.values.get(attribute) is None and not any(t.startswith("aws_vpc.") for t in named)
    return child.planned and unresolved and attribute in (child.plan_refs or {attribute: None})


def reference_types(module: Module, value: Any) -> set[str]:
    """Resource types a target value names: by reference, or (a plan) by the id of a resource it shows."""
    types = {r.type for r in listed(value) if isinstance(r, Reference)}
    types |= {other.type for other in map(module.with_id, listed(value)) if other is not None}
    return types


def same_family(cidrs: Iterable[str], other: str) -> bool:
    """Does any of `cidrs` have the IP version of `other`?"""
    version = ipaddress.ip_network(other).version
    for cidr in cidrs:
        try:
            if ipaddress.ip_network(cidr.strip(), strict=False).version == version:
                return True
        except ValueError:
            continue
    return False
