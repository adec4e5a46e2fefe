"""vpc.tf.json: the VPC, one private subnet and route table per zone, and its adopted defaults.

No internet, NAT or egress-only gateway is ever emitted; route tables hold only the implicit
local route plus the routes gateway endpoints add. What AWS creates with every VPC is adopted
and locked, so it cannot become a side door: the default security group (no rules), the main
route table (no routes: a subnet that falls back to it reaches only the VPC), and the default
network ACL (the rules below, written out).
Sources: provider docs of aws_default_route_table (`route = []` removes every route),
aws_default_network_acl (adopting it removes every rule, then writes the given ones) and
aws_default_security_group; Amazon VPC User Guide, "Control subnet traffic with network access
control lists" (stateless; ephemeral ports 1024-65535) and PrivateLink Guide, "Gateway endpoints
for Amazon S3" (network ACLs cannot reference prefix lists); read 2026-11-29.
"""

from __future__ import annotations

from ..model import Network, Subnet
from . import names

# Why the network ACL's rules are as they are, written into the module beside them.
NACL_NOTE = ("Network ACLs are stateless and cannot name the S3 or DynamoDB prefix lists. Gateway-endpoint "
             "traffic goes to the services' public addresses, so HTTPS out to 0.0.0.0/0 and the replies in on "
             "ephemeral ports 1024-65535 are allowed; the route tables send only the gateway endpoints' prefix "
             "lists anywhere outside the VPC (no internet gateway or NAT exists), and the security groups allow "
             "only HTTPS to those prefix lists. Everything inside the VPC is allowed: the security groups decide.")
NACL_WITHIN_VPC, NACL_GATEWAY = 100, 200  # rule numbers
EPHEMERAL_PORTS = (1024, 65535)
from .tf import Body, literal, ref, resources, tags


def _vpc_block(network: Network) -> Body:
    """The VPC's addresses: its block, or (IPAM) the pool and size AWS VPC IPAM allocates from at apply.

    aws_vpc's `ipv4_ipam_pool_id` and `ipv4_netmask_length` (hashicorp/aws provider docs, r/vpc; the
    EC2 CreateVpc parameters Ipv4IpamPoolId and Ipv4NetmaskLength); not mentioned by the provider's
    6.0 upgrade guide, so unchanged there.
    """
    if network.ipam is None:
        return {"cidr_block": str(network.cidr)}
    return {"ipv4_ipam_pool_id": literal(network.ipam.pool_id), "ipv4_netmask_length": network.ipam.netmask}


def subnet_cidr(network: Network, s: Subnet) -> str:
    """A subnet's block: literal, or (IPAM) its stable slot of the block IPAM allocated, computed at apply."""
    if not s.relative:
        return str(s.cidr)
    newbits = s.cidr.prefixlen - network.cidr.prefixlen
    return "${cidrsubnet(" + f"{names.VPC}.cidr_block, {newbits}, {s.slot}" + ")}"


def vpc_cidr(network: Network) -> str:
    return ref(names.VPC, "cidr_block") if network.ipam else str(network.cidr)


def vpc(network: Network) -> Body:
    blocks = [(*names.split(names.VPC), {
        **_vpc_block(network),
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
    blocks.append((*names.split(names.DEFAULT_ROUTE_TABLE), {
        "default_route_table_id": ref(names.VPC, "default_route_table_id"),
        "route": [],
        "tags": tags(network, f"{network.name}-main-no-routes"),
    }))
    blocks.append((*names.split(names.DEFAULT_NACL), default_nacl(network)))
    for s in network.subnets:
        zone_argument = "availability_zone_id" if s.is_zone_id else "availability_zone"
        blocks.append((*names.split(names.subnet(s)), {
            "vpc_id": ref(names.VPC, "id"),
            "cidr_block": subnet_cidr(network, s),
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


def _nacl_rule(number: int, protocol: str, cidr: str, ports: tuple[int, int] = (0, 0)) -> Body:
    return {"rule_no": number, "action": "allow", "protocol": protocol, "cidr_block": cidr,
            "from_port": ports[0], "to_port": ports[1]}


def default_nacl(network: Network) -> Body:
    vpc = vpc_cidr(network)
    ingress = [_nacl_rule(NACL_WITHIN_VPC, "-1", vpc)]
    egress = [_nacl_rule(NACL_WITHIN_VPC, "-1", vpc)]
    if network.gateway_endpoints:
        ingress.append(_nacl_rule(NACL_GATEWAY, "tcp", "0.0.0.0/0", EPHEMERAL_PORTS))
        egress.append(_nacl_rule(NACL_GATEWAY, "tcp", "0.0.0.0/0", (443, 443)))
    # Every subnet uses this ACL (AWS associates new subnets with the default one); saying so keeps
    # `terraform plan` from reading the associations as drift.
    return {"//": NACL_NOTE, "default_network_acl_id": ref(names.VPC, "default_network_acl_id"),
            "subnet_ids": [ref(names.subnet(s), "id") for s in network.subnets],
            "ingress": ingress, "egress": egress, "tags": tags(network, f"{network.name}-default-acl")}
