"""CIDR rules: the VPC block and each zone's subnet."""

from __future__ import annotations

import ipaddress
from itertools import combinations
from typing import Iterator

from .. import addressing, regions
from ..codes import Code
from ..findings import Finding
from .base import SpecView, rule


@rule("NS210")
def host_bits_set(view: SpecView, code: Code) -> Iterator[Finding]:
    blocks = [(("cidr",), view.data["cidr"])]
    blocks += [(("subnets", z), c) for z, c in (view.data.get("subnets") or {}).items()]
    for pointer, text in blocks:
        network = addressing.parse_network(text)
        if network is not None and str(network) != text:
            yield code.at(view.doc.at(pointer), f"{text} has host bits set; the block is {network}",
                          hint=f"write {network}")


@rule("NS211")
def subnet_outside_vpc(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.vpc is None or "subnets" not in view.data or view.ipam is not None:
        return  # with IPAM, explicit subnets are NS266
    for zone, cidr in view.subnets.items():
        if not cidr.subnet_of(view.vpc):
            yield code.at(view.doc.at(("subnets", zone)), f"subnet {cidr} of {zone} is outside the VPC block {view.vpc}")


@rule("NS212")
def subnets_overlap(view: SpecView, code: Code) -> Iterator[Finding]:
    if "subnets" not in view.data:
        return  # computed slots never overlap
    for (zone_a, a), (zone_b, b) in combinations(view.subnets.items(), 2):
        if a.overlaps(b):
            yield code.at(view.doc.at(("subnets", zone_b)), f"subnet {b} of {zone_b} overlaps {a} of {zone_a}",
                          related=(view.doc.at(("subnets", zone_a)),))


@rule("NS213", needs=("azs", "subnets"))
def subnets_match_zones(view: SpecView, code: Code) -> Iterator[Finding]:
    explicit = view.data.get("subnets")
    if explicit is None:
        return
    for zone in view.zones:
        if zone not in explicit:
            yield code.at(view.doc.key_at(("subnets",)), f"zone {zone} has no entry in `subnets`",
                          hint=f"add `{zone}: <cidr>` under subnets")
    for zone in explicit:
        if zone not in view.zones:
            yield code.at(view.doc.key_at(("subnets", zone)), f"`subnets` names {zone}, which is not in `azs`",
                          hint="add the zone to `azs` or remove this entry")


def _budget(cidr: ipaddress.IPv4Network, endpoints: int, left: int) -> str:
    return (f"{cidr} has {cidr.num_addresses} addresses: {addressing.AWS_RESERVED_PER_SUBNET} reserved by AWS, "
            f"{endpoints} for interface endpoints, {left} left for workloads")


@rule("NS214")
def subnet_too_small(view: SpecView, code: Code) -> Iterator[Finding]:
    for zone, cidr, endpoints, left in view.zone_budgets:
        if left < 1:
            yield code.at(view.doc.at(view.subnet_pointer(zone)),
                          f"subnet of {zone} is too small: {_budget(cidr, endpoints, left)}")


@rule("NS215")
def subnet_tight(view: SpecView, code: Code) -> Iterator[Finding]:
    for zone, cidr, endpoints, left in view.zone_budgets:
        if 1 <= left < addressing.TIGHT_WORKLOAD_ADDRESSES:
            yield code.at(view.doc.at(view.subnet_pointer(zone)),
                          f"subnet of {zone} is tight: {_budget(cidr, endpoints, left)}")


@rule("NS216")
def subnet_prefix_fits(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.subnet_prefix is None:
        return  # explicit subnets, or no VPC block or region to compute them from
    prefix, vpc, region = view.subnet_prefix, view.vpc, view.region
    assert vpc is not None and region is not None
    explicit = "subnet_prefix" in view.data
    where = view.doc.at(("subnet_prefix",) if explicit else ("cidr",))
    if explicit and prefix <= vpc.prefixlen:
        yield code.at(where, f"subnet_prefix /{prefix} is not smaller than the VPC block {view.vpc_text}")
        return
    if not explicit and prefix > addressing.MAX_PREFIX:
        yield code.at(where, f"{view.vpc_text} is too small to give each of {region.name}'s {regions.slot_count(region)} zone slots "
                             f"a subnet of /{addressing.MAX_PREFIX} or larger",
                      hint="use a larger VPC block, set a smaller `subnet_prefix` for fewer slots, or give explicit `subnets`")
        return
    for i, zone in view.indexed("azs"):
        slot = regions.zone_slot(region, zone)
        if slot is not None and zone not in view.subnets:  # its slot is past the block (addressing.slot_cidr)
            yield code.at(view.doc.at(("azs", i)),
                          f"zone {zone} takes slot {slot}, but {view.vpc_text} holds only {2 ** (prefix - vpc.prefixlen)} subnets of /{prefix}",
                          hint="use a smaller subnet_prefix, a larger VPC block, or explicit `subnets`")


@rule("NS217")
def subnets_and_prefix(view: SpecView, code: Code) -> Iterator[Finding]:
    if "subnets" in view.data and "subnet_prefix" in view.data:
        yield code.at(view.doc.key_at(("subnet_prefix",)), "`subnet_prefix` has no effect when `subnets` is given")


@rule("NS266")
def ipam_with_explicit_subnets(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.ipam is not None and "subnets" in view.data:
        yield code.at(view.doc.key_at(("subnets",)), "explicit `subnets` need a literal `cidr`: IPAM chooses the VPC's "
                                                    "addresses only when Terraform applies")
