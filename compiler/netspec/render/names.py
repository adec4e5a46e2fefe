"""Terraform addresses of the resources netspec emits, in one place.

Addresses depend only on stable facts (a zone, a service key), never on list
positions, so adding a zone or a service never renames an existing resource.
"""

from __future__ import annotations

from ..model import Endpoint, Subnet

VPC = "aws_vpc.main"
DEFAULT_SG = "aws_default_security_group.default"
WORKLOAD_SG = "aws_security_group.workload"
ENDPOINTS_SG = "aws_security_group.endpoints"
CALLER_TYPE, CALLER_NAME = "aws_caller_identity", "current"  # policies.ACCOUNT refers to it
ENDPOINT_SERVICE_TYPE = "aws_vpc_endpoint_service"  # data source per interface endpoint, named like it
ZONES_TYPE, ZONES_NAME = "aws_availability_zones", "zones"  # maps zone IDs to names for the zone checks
FLOW_LOG_GROUP = "aws_cloudwatch_log_group.flow_logs"
FLOW_LOG_ROLE = "aws_iam_role.flow_logs"
FLOW_LOG_ROLE_POLICY = "aws_iam_role_policy.flow_logs"
FLOW_LOG = "aws_flow_log.vpc"
DEFAULT_ROUTE_TABLE = "aws_default_route_table.main"
DEFAULT_NACL = "aws_default_network_acl.default"
LOGS_KEY = "aws_kms_key.logs"
DNS_LOG_GROUP = "aws_cloudwatch_log_group.dns_queries"
QUERY_LOG_CONFIG = "aws_route53_resolver_query_log_config.vpc"
QUERY_LOG_ASSOCIATION = "aws_route53_resolver_query_log_config_association.vpc"
FIREWALL_ALLOWED = "aws_route53_resolver_firewall_domain_list.allowed"
FIREWALL_EVERYTHING = "aws_route53_resolver_firewall_domain_list.everything"
FIREWALL_RULE_GROUP = "aws_route53_resolver_firewall_rule_group.vpc"
FIREWALL_ALLOW_RULE = "aws_route53_resolver_firewall_rule.allow_listed"
FIREWALL_OTHER_RULE = "aws_route53_resolver_firewall_rule.everything_else"
FIREWALL_ASSOCIATION = "aws_route53_resolver_firewall_rule_group_association.vpc"
FIREWALL_CONFIG = "aws_route53_resolver_firewall_config.vpc"


def flow_log_group_name(network_name: str) -> str:
    return f"/netspec/{network_name}/vpc-flow-logs"


def dns_log_group_name(network_name: str) -> str:
    # Under /aws/vendedlogs/: CloudWatch Logs lets log deliveries (Route 53 Resolver query logs) write
    # there with one account-wide resource policy entry, instead of one per log group.
    return f"/aws/vendedlogs/netspec/{network_name}/dns-queries"


def subnet(s: Subnet) -> str:
    return f"aws_subnet.private_{s.key}"


def route_table(s: Subnet) -> str:
    return f"aws_route_table.private_{s.key}"


def route_table_association(s: Subnet) -> str:
    return f"aws_route_table_association.private_{s.key}"


def endpoint(e: Endpoint) -> str:
    return f"aws_vpc_endpoint.{e.key}"


def split(address: str) -> tuple[str, str]:
    """("aws_vpc", "main") from "aws_vpc.main"."""
    rtype, name = address.split(".", 1)
    return rtype, name
