"""Subnet arithmetic: stable per-zone slots inside the VPC block.

A zone's computed subnet is slot N of the VPC block, where N comes from the zone
itself (letter a=0, b=1, ...; zone ID use1-az3 -> 2). Adding or removing a zone
therefore never moves another zone's subnet.
"""

from __future__ import annotations

import ipaddress
import math

AWS_RESERVED_PER_SUBNET = 5  # network, VPC router, DNS, future use, broadcast
MAX_PREFIX = 28
# Below this many addresses left for workloads after endpoints, a subnet is "tight".
TIGHT_WORKLOAD_ADDRESSES = 32


def default_subnet_prefix(vpc: ipaddress.IPv4Network, slot_count: int) -> int:
    """The largest subnets that still leave a slot for every zone the region has."""
    return vpc.prefixlen + math.ceil(math.log2(max(slot_count, 2)))


def slot_cidr(vpc: ipaddress.IPv4Network, prefix: int, slot: int) -> ipaddress.IPv4Network | None:
    """Slot `slot` of size /prefix inside vpc, or None when it does not fit."""
    if prefix <= vpc.prefixlen or prefix > MAX_PREFIX or slot >= 2 ** (prefix - vpc.prefixlen):
        return None
    size = 2 ** (32 - prefix)
    return ipaddress.IPv4Network((int(vpc.network_address) + slot * size, prefix))


def workload_addresses(subnet: ipaddress.IPv4Network, interface_endpoints: int) -> int:
    """Addresses left for workloads once AWS and one ENI per interface endpoint took theirs."""
    return (1 << (32 - subnet.prefixlen)) - AWS_RESERVED_PER_SUBNET - interface_endpoints  # num_addresses, uncached


def parse_network(text: object) -> ipaddress.IPv4Network | None:
    """Parse an IPv4 block, tolerating host bits (a rule reports those separately)."""
    if not isinstance(text, str):
        return None
    try:
        return ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        return None
