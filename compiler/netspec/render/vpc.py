"""vpc.tf.json: the VPC, one private subnet and route table per zone, the locked default group.

No internet, NAT or egress-only gateway is ever emitted; route tables hold only
the implicit local route plus the routes gateway endpoints add.
"""

from __future__ import annotations

from ..model import Network
from . import names
from .tf import Body, literal, ref, resources, tags


def vpc(network: Network) -> Body:
    blocks = [(*names.split(names.VPC), {
        "cidr_block": str(network.cidr),
        "enable_dns_support": True,    # interface endpoints' private DNS needs both
        "enable_dns_hostnames": True,
        "tags": tags(network, network.name),
    })]
    # The default group is adopted and emptied: anything placed in it can talk to nothing.
    blocks.append((*names.split(names.DEFAULT_SG), {
        "vpc_id": ref(names.VPC, "id"),
        "ingress": [], "egress": [],
        "tags": tags(network, f"{network.name}-default-locked"),
    }))
    for s in network.subnets:
        zone_argument = "availability_zone_id" if s.is_zone_id else "availability_zone"
        blocks.append((*names.split(names.subnet(s)), {
            "vpc_id": ref(names.VPC, "id"),
            "cidr_block": str(s.cidr),
            zone_argument: literal(s.zone),
            "map_public_ip_on_launch": False,
            "tags": tags(network, f"{network.name}-private-{s.zone}"),
        }))
        blocks.append((*names.split(names.route_table(s)), {
            "vpc_id": ref(names.VPC, "id"),
            "tags": tags(network, f"{network.name}-private-{s.zone}"),
        }))
        blocks.append((*names.split(names.route_table_association(s)), {
            "subnet_id": ref(names.subnet(s), "id"),
            "route_table_id": ref(names.route_table(s), "id"),
        }))
    return {"resource": resources(*blocks)}
