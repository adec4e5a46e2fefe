"""Ways in and out of the VPC: NS501 (internet gateways), NS503 (public addresses), NS512 (side doors).

Resource types and their meaning: Terraform AWS provider documentation (registry
pages of each resource) and the Amazon VPC User Guide ("Connect your VPC to other
networks": peering, transit gateways, Site-to-Site VPN, Client VPN; "Resolver
endpoints and forwarding rules", Route 53 Developer Guide; "What is VPC Lattice?").
"""

from __future__ import annotations

from typing import Iterator

from ...codes import code
from ...findings import Finding
from ..model import Module
from ..spec import Expectation
from .common import blocks, literal, true
from .routes import INTERNET_GATEWAYS, routes, targets

# --- NS501 internet, NAT and egress-only gateways ------------------------------------


def check_gateways(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for r in module.of_type(*INTERNET_GATEWAYS):
        yield code("NS501").at(r.location, f"{r.address}: {INTERNET_GATEWAYS[r.type]} gives the network an internet path")


# --- NS503 public addresses -----------------------------------------------------------

# (resource type, attribute that hands out public addresses when true)
PUBLIC_ADDRESS_FLAGS: tuple[tuple[str, str], ...] = (
    ("aws_subnet", "map_public_ip_on_launch"),
    ("aws_subnet", "assign_ipv6_address_on_creation"),
    ("aws_default_subnet", "map_public_ip_on_launch"),
    ("aws_default_subnet", "assign_ipv6_address_on_creation"),
    ("aws_instance", "associate_public_ip_address"),
    ("aws_spot_instance_request", "associate_public_ip_address"),
    ("aws_launch_configuration", "associate_public_ip_address"),
)
# Resources that are a public address, or attach one.
PUBLIC_ADDRESS_TYPES: dict[str, str] = {
    "aws_eip": "Elastic IP is a public address",
    "aws_eip_association": "associates an Elastic IP (a public address)",
}
# Load balancers are internet-facing unless `internal = true` (the provider's default is false).
LOAD_BALANCERS = ("aws_lb", "aws_alb", "aws_elb")


def check_public_addresses(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for type_, attribute in PUBLIC_ADDRESS_FLAGS:
        for r in module.of_type(type_):
            if true(literal(module, r, r.values.get(attribute))):
                yield code("NS503").at(r.location, f"{r.address}: {attribute} is true")
    for r in module.of_type("aws_launch_template"):
        interfaces = blocks(r.values, "network_interfaces")
        if any(true(literal(module, r, n.get("associate_public_ip_address"))) for n in interfaces):
            yield code("NS503").at(r.location, f"{r.address}: network interface associates a public IP")
    for r in module.of_type(*PUBLIC_ADDRESS_TYPES):
        yield code("NS503").at(r.location, f"{r.address}: {PUBLIC_ADDRESS_TYPES[r.type]}")
    for r in module.of_type(*LOAD_BALANCERS):
        if not true(literal(module, r, r.values.get("internal"))):
            yield code("NS503").at(r.location, f"{r.address}: load balancer is internet-facing (internal is not true)")


# --- NS512 side doors -------------------------------------------------------------------

# Resources that connect the VPC to another network, or let another network in.
SIDE_DOORS: dict[str, str] = {
    "aws_vpc_peering_connection": "VPC peering connection",
    "aws_vpc_peering_connection_accepter": "VPC peering connection (accepter)",
    "aws_vpc_peering_connection_options": "VPC peering connection options",
    "aws_ec2_transit_gateway_vpc_attachment": "transit gateway attachment",
    "aws_ec2_transit_gateway_vpc_attachment_accepter": "transit gateway attachment (accepter)",
    "aws_networkmanager_vpc_attachment": "Cloud WAN VPC attachment",
    "aws_vpn_gateway": "virtual private gateway (VPN)",
    "aws_vpn_gateway_attachment": "virtual private gateway attachment (VPN)",
    "aws_vpn_gateway_route_propagation": "VPN route propagation",
    "aws_vpn_connection": "Site-to-Site VPN connection",
    "aws_customer_gateway": "customer gateway (VPN)",
    "aws_dx_gateway_association": "Direct Connect gateway association",
    "aws_ec2_client_vpn_endpoint": "Client VPN endpoint",
    "aws_ec2_client_vpn_network_association": "Client VPN network association",
    "aws_route53_resolver_endpoint": "Route 53 Resolver endpoint (DNS to or from another network)",
    "aws_route53_resolver_rule": "Route 53 Resolver rule (forwards DNS queries elsewhere)",
    "aws_route53_resolver_rule_association": "Route 53 Resolver rule association",
    "aws_vpclattice_service_network_vpc_association": "VPC Lattice service network association",
    "aws_vpc_endpoint_service": "endpoint service (other accounts connect into this VPC)",
}


def check_side_doors(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for r in module.of_type(*SIDE_DOORS):
        yield code("NS512").at(r.location, f"{r.address}: {SIDE_DOORS[r.type]} connects the VPC to another network")
    for route in routes(module):
        for kind, what, attribute in targets(module, route):
            if kind == "side door":
                yield code("NS512").at(route.holder.location, f"{route.label}: route targets a {what} ({attribute})")
