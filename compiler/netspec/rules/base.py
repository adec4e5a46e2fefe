"""What a semantic rule is, and the read-only view of a spec that rules share.

A rule is one small function with one stable code. It reads a `SpecView` (the
loaded document plus values derived from it once, such as the region and each
zone's subnet) and yields findings. Rules may rely on the schema's shapes, never
on other rules having passed: when the schema found errors, they run on the
valid part of the spec (partial.py), and a rule that trips over a part that was
taken out is skipped for that spec.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from .. import addressing, catalog, regions
from ..codes import Code, code
from ..findings import Finding
from ..loader import Document
from ..requirements import Requirements, gather, service_entry


@dataclass(frozen=True)
class Rule:
    code: Code
    check: Callable[["SpecView"], Iterable[Finding]]
    # Top-level keys the rule reasons about as a whole ("s3 is not in services"): it is
    # skipped when part of one of them failed the schema, since the part it cannot see
    # may be the one it looks for. Rules that judge each item on its own need none.
    needs: tuple[str, ...] = ()


RULES: list[Rule] = []


def rule(code_id: str, *, needs: tuple[str, ...] = ()
         ) -> Callable[[Callable[["SpecView", Code], Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a check under its code; the check receives the view and its Code."""
    def register(check: Callable[["SpecView", Code], Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        bound = code(code_id)
        RULES.append(Rule(bound, lambda view: check(view, bound), needs))
        return check
    return register


class SpecView:
    """A schema-valid document with the values several rules need, derived once."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data

    @cached_property
    def region(self) -> regions.Region | None:
        name = self.data.get("region")
        return regions.region(name) if isinstance(name, str) else None

    @cached_property
    def ipam(self) -> tuple[str, int] | None:
        """(pool id, netmask) when AWS VPC IPAM allocates the VPC's block at apply time."""
        cidr = self.data.get("cidr")
        if isinstance(cidr, dict) and isinstance(cidr.get("ipam_pool_id"), str) and type(cidr.get("netmask")) is int:
            return cidr["ipam_pool_id"], cidr["netmask"]
        return None

    @cached_property
    def vpc(self) -> ipaddress.IPv4Network | None:
        """The VPC's block; with IPAM, a frame of its size (0.0.0.0/netmask) that subnets are slots of."""
        if self.ipam is not None:
            return ipaddress.IPv4Network((0, self.ipam[1]))
        cidr = self.data.get("cidr")
        return addressing.parse_network(cidr) if isinstance(cidr, str) else None

    @property
    def vpc_text(self) -> str:
        return f"the /{self.ipam[1]} IPAM block" if self.ipam else str(self.vpc)

    @property
    def zones(self) -> list[str]:
        return list(self.data.get("azs") or [])

    def indexed(self, key: str) -> Iterator[tuple[int, Any]]:
        return enumerate(self.data.get(key) or [])

    def service_entries(self) -> Iterator[tuple[int, str | None, dict[str, Any]]]:
        """(index, name, options) of each `services` item; options is {} for a plain name."""
        return iter(self._service_entries)

    @cached_property
    def _service_entries(self) -> list[tuple[int, str | None, dict[str, Any]]]:
        return [(i, *service_entry(entry)) for i, entry in self.indexed("services")]

    @cached_property
    def requirements(self) -> Requirements | None:
        """Services, buckets and traffic the spec and its workloads ask for; None without a known region."""
        return gather(self.data, self.region) if self.region is not None else None

    @cached_property
    def service_keys(self) -> frozenset[str]:
        """Every service the network will have an endpoint for, listed or implied by a workload."""
        return frozenset(self.requirements.keys()) if self.requirements else frozenset()

    @cached_property
    def zone_budgets(self) -> list[tuple[str, ipaddress.IPv4Network, int, int]]:
        """(zone, subnet, interface endpoints with a network interface in it, addresses left for
        workloads) of each zone that has a subnet."""
        interface = [zones for service, _, zones in (self.requirements.services if self.requirements else ())
                     if service.endpoint_type is catalog.EndpointType.INTERFACE]
        budgets = []
        for zone, cidr in self.subnets.items():
            endpoints = sum(1 for zones in interface if zones is None or zone in zones)
            budgets.append((zone, cidr, endpoints, addressing.workload_addresses(cidr, endpoints)))
        return budgets

    @cached_property
    def subnet_prefix(self) -> int | None:
        """The prefix of computed subnets (explicit or default); None with explicit subnets."""
        if "subnets" in self.data or self.vpc is None or self.region is None:
            return None
        if "subnet_prefix" in self.data:
            prefix = self.data["subnet_prefix"]
            # The schema admits integers (24.0 is one to JSON Schema); a rule never converts text.
            if isinstance(prefix, float) and prefix.is_integer():
                return int(prefix)
            return prefix if isinstance(prefix, int) and not isinstance(prefix, bool) else None
        return addressing.default_subnet_prefix(self.vpc, regions.slot_count(self.region))

    @cached_property
    def subnets(self) -> dict[str, ipaddress.IPv4Network]:
        """Each zone's subnet, explicit or computed; zones that cannot have one are left out."""
        if "subnets" in self.data:
            explicit = {z: addressing.parse_network(c) for z, c in self.data["subnets"].items()}
            return {z: c for z, c in explicit.items() if c is not None}
        result: dict[str, ipaddress.IPv4Network] = {}
        if self.vpc is None or self.region is None or self.subnet_prefix is None:
            return result
        for zone in self.zones:
            slot = regions.zone_slot(self.region, zone)
            cidr = None if slot is None else addressing.slot_cidr(self.vpc, self.subnet_prefix, slot)
            if cidr is not None:
                result.setdefault(zone, cidr)
        return result

    def subnet_pointer(self, zone: str) -> tuple[str, ...]:
        """Where a zone's subnet comes from in the file: its `subnets` entry, else its `azs` item."""
        if "subnets" in self.data and zone in self.data["subnets"]:
            return ("subnets", zone)
        return ("azs", self.zones.index(zone)) if zone in self.zones else ("azs",)


def repeats(values: Iterable[Any]) -> Iterator[tuple[int, int]]:
    """(index, index of its first occurrence) for every value seen before."""
    first: dict[Any, int] = {}
    for index, value in enumerate(values):
        if value in first:
            yield index, first[value]
        first.setdefault(value, index)


# What reading a part the schema took out looks like: the rule cannot decide, so it is skipped.
_UNREADABLE = (LookupError, TypeError, AttributeError, ValueError)


def run_rules(view: SpecView, *, partial: bool = False) -> list[Finding]:
    """Every rule's findings on a spec's view. `partial`: its document is the valid part of a spec
    with schema errors (see partial.py); a rule that needs what was taken out is skipped, never crashes."""
    incomplete = {pointer[0] for pointer in view.doc.pruned}
    findings: list[Finding] = []
    for registered in RULES:
        if not partial:
            findings.extend(registered.check(view))
            continue
        if incomplete.intersection(registered.needs):
            continue
        try:
            findings.extend(list(registered.check(view)))
        except _UNREADABLE:
            continue
    return findings
