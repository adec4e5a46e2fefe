"""Routes and prefix lists: where traffic can go, and NS502 (a route to the internet).

A route table's destinations are judged together: routes whose union covers 0.0.0.0/0
or ::/0 (0.0.0.0/1 + 128.0.0.0/1, or a managed prefix list holding 0.0.0.0/0) send
everything out, whatever each route looks like alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ...codes import code
from ...findings import Finding
from ..model import Module, Resource
from ..spec import Expectation
from ..values import Reference
from .common import blocks, covered, literal_strings, reference_types, resolve_target, same_family

# Resources that give a network an internet path, by type (NS501), and the name of each.
INTERNET_GATEWAYS: dict[str, str] = {
    "aws_internet_gateway": "internet gateway",
    "aws_internet_gateway_attachment": "internet gateway attachment",
    "aws_nat_gateway": "NAT gateway",
    "aws_egress_only_internet_gateway": "egress-only internet gateway",
    "aws_ec2_carrier_gateway": "carrier gateway",
}

# What a route through each target attribute reaches (aws_route arguments, Terraform AWS
# provider docs; "Route table concepts", Amazon VPC User Guide). "internet" is NS502,
# "side door" NS512. gateway_id is judged by what it names (`_GATEWAY_PREFIXES`,
# `_TYPE_KINDS`); targets inside the VPC (an interface, an instance, a VPC endpoint) are neither.
_TARGET_KINDS: dict[str, tuple[str, str]] = {
    "nat_gateway_id": ("internet", "NAT gateway"),
    "egress_only_gateway_id": ("internet", "egress-only internet gateway"),
    "carrier_gateway_id": ("internet", "carrier gateway"),
    "transit_gateway_id": ("side door", "transit gateway"),
    "vpc_peering_connection_id": ("side door", "VPC peering connection"),
    "core_network_arn": ("side door", "Cloud WAN core network"),
    "local_gateway_id": ("side door", "Outposts local gateway"),
}
ROUTE_TARGETS = (*_TARGET_KINDS, "gateway_id", "network_interface_id", "vpc_endpoint_id", "instance_id")
# gateway_id, and any target known only after apply: by the id's prefix, or by the type
# of the resource the value refers to.
_GATEWAY_PREFIXES: dict[str, tuple[str, str]] = {
    "igw-": ("internet", "internet gateway"),
    "vgw-": ("side door", "virtual private gateway (VPN)"),
}
_TYPE_KINDS: dict[str, tuple[str, str]] = {
    **{t: ("internet", name) for t, name in INTERNET_GATEWAYS.items()},
    "aws_vpn_gateway": ("side door", "virtual private gateway (VPN)"),
    "aws_vpn_gateway_attachment": ("side door", "virtual private gateway (VPN)"),
    "aws_ec2_transit_gateway": ("side door", "transit gateway"),
    "aws_ec2_transit_gateway_vpc_attachment": ("side door", "transit gateway"),
    "aws_vpc_peering_connection": ("side door", "VPC peering connection"),
    "aws_vpc_peering_connection_accepter": ("side door", "VPC peering connection"),
    "aws_networkmanager_core_network": ("side door", "Cloud WAN core network"),
    "aws_ec2_local_gateway": ("side door", "Outposts local gateway"),
}


@dataclass(frozen=True)
class Route:
    holder: Resource  # an aws_route, or the route table holding an inline route
    values: dict[str, Any]
    inline: bool

    @property
    def label(self) -> str:
        return f"{self.holder.address} (inline route)" if self.inline else self.holder.address

    @property
    def cidr_keys(self) -> tuple[str, str]:
        if self.inline:
            return ("cidr_block", "ipv6_cidr_block")
        return ("destination_cidr_block", "destination_ipv6_cidr_block")

    def attribute(self, name: str) -> str:
        """The holder's top-level attribute a plan's configuration records `name` under."""
        return "route" if self.inline else name


def routes(module: Module) -> Iterator[Route]:
    for r in module.of_type("aws_route"):
        yield Route(r, r.values, False)
    for r in module.of_type("aws_route_table", "aws_default_route_table"):
        for block in blocks(r.values, "route"):
            yield Route(r, block, True)


def targets(module: Module, route: Route) -> list[tuple[str, str, str]]:
    """(kind, what, attribute) of each internet or side-door target of a route."""
    holder = route.holder
    found: dict[tuple[str, str], str] = {}
    for attribute in ("gateway_id", *_TARGET_KINDS):
        value = route.values.get(attribute)
        if value not in (None, "", False):
            if attribute in _TARGET_KINDS:
                found.setdefault(_TARGET_KINDS[attribute], attribute)
                continue
            kinds = [_TYPE_KINDS[t] for t in sorted(reference_types(module, value)) if t in _TYPE_KINDS]
            kinds += [kind for prefix, kind in _GATEWAY_PREFIXES.items()
                      if isinstance(value, str) and value.startswith(prefix)]
        elif holder.planned and (route.inline or attribute in holder.unknown):
            # Known only after apply: judged by what its configuration refers to.
            if attribute in _TARGET_KINDS and not route.inline:
                found.setdefault(_TARGET_KINDS[attribute], attribute)
                continue
            named = holder.plan_refs.get(route.attribute(attribute), frozenset())
            kinds = [_TYPE_KINDS[t] for t in sorted({n.removeprefix("data.").split(".")[0] for n in named})
                     if t in _TYPE_KINDS]
        else:
            continue
        for kind in kinds:
            found.setdefault(kind, route.attribute(attribute))
    return [(kind, what, attribute) for (kind, what), attribute in found.items()]


# --- prefix lists -------------------------------------------------------------------------


def prefix_list_entries(module: Module, prefix_list: Resource) -> list[str]:
    """The CIDRs of a managed prefix list: its inline entries and its aws_ec2_managed_prefix_list_entry resources."""
    cidrs = [c for block in blocks(prefix_list.values, "entry")
             for c in literal_strings(module, prefix_list, block.get("cidr"))]
    for entry in module.of_type("aws_ec2_managed_prefix_list_entry"):
        if entry.refers_to(prefix_list, "prefix_list_id"):
            cidrs += literal_strings(module, entry, entry.values.get("cidr"))
    return cidrs


def prefix_list_cidrs(module: Module, holder: Resource, value: Any, attribute: str) -> list[str] | None:
    """The CIDRs a prefix-list id stands for; None when the audit cannot tell.

    Understood: a managed prefix list defined in the module (its entries), and the prefix
    list of a gateway VPC endpoint (AWS's own ranges for S3 or DynamoDB; not the internet).
    Anything else (a literal pl- id of a list defined elsewhere, a data source) cannot be read.
    """
    if isinstance(value, Reference):
        if value.is_data:
            return None
        if value.type == "aws_vpc_endpoint" and value.attribute == "prefix_list_id":
            return []
        found = module.find(value.target, holder.module) if value.type == "aws_ec2_managed_prefix_list" else None
        return prefix_list_entries(module, found) if found else None
    if isinstance(value, str) and value:  # an id, as a plan shows it once the list exists
        defined = module.with_id(value)
        if defined is not None and defined.type == "aws_ec2_managed_prefix_list":
            return prefix_list_entries(module, defined)
        gateway = any(e.values.get("prefix_list_id") == value for e in module.of_type("aws_vpc_endpoint"))
        return [] if gateway else None
    if value in (None, "") and holder.planned:
        named = sorted(holder.plan_refs.get(attribute, frozenset()))
        lists = [module.find(t, holder.module) for t in named if t.startswith("aws_ec2_managed_prefix_list.")]
        if any(lists):
            return [c for found in lists if found for c in prefix_list_entries(module, found)]
        return [] if any(t.startswith("aws_vpc_endpoint.") for t in named) else None
    return None


def destinations(module: Module, route: Route) -> list[str]:
    """Every CIDR a route sends to, prefix lists expanded (what cannot be read is NS511's)."""
    cidrs = [c for key in route.cidr_keys for c in literal_strings(module, route.holder, route.values.get(key))]
    prefix = route.values.get("destination_prefix_list_id")
    if prefix not in (None, "") or (route.holder.planned and "destination_prefix_list_id" in route.holder.unknown):
        cidrs += prefix_list_cidrs(module, route.holder, prefix, route.attribute("destination_prefix_list_id")) or []
    return cidrs


def route_table(module: Module, route: Route) -> str | None:
    """The address (or id) of the table a route belongs to; None when it cannot be told."""
    if route.inline:
        return route.holder.address
    found = resolve_target(module, route.holder, "route_table_id")
    return found[0] if found else None


# --- NS502 ----------------------------------------------------------------------------------


def _union_findings(groups: dict[str | None, list[tuple[Route, list[str]]]]) -> Iterator[Finding]:
    unknown = groups.pop(None, [])
    for table, members in sorted(groups.items()) or [("a route table the audit cannot tell", [])]:
        members = members + unknown
        for everything in covered(c for _, cidrs in members for c in cidrs):
            alone = [(r, cidrs) for r, cidrs in members if everything in covered(cidrs)]
            for r, cidrs in alone:
                yield code("NS502").at(r.holder.location, f"{r.label}: route to {', '.join(cidrs)} sends all "
                                                          f"traffic ({everything}) out of the VPC")
            if alone:
                continue
            family = [(r, cidrs) for r, cidrs in members if same_family(cidrs, everything)]
            parts = "; ".join(f"{r.label} -> {', '.join(cidrs)}" for r, cidrs in family)
            first, *rest = sorted((r for r, _ in family), key=lambda r: r.holder.location)
            yield code("NS502").at(first.holder.location, f"routes of {table} together cover {everything}: {parts}",
                                   related=tuple(r.holder.location for r in rest))


def check_routes(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    groups: dict[str | None, list[tuple[Route, list[str]]]] = {}
    for route in routes(module):
        for kind, what, attribute in targets(module, route):
            if kind == "internet":
                yield code("NS502").at(route.holder.location, f"{route.label}: route targets a {what} ({attribute})")
        cidrs = destinations(module, route)
        if cidrs:
            groups.setdefault(route_table(module, route), []).append((route, cidrs))
    yield from _union_findings(groups)
