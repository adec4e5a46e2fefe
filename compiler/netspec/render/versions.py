"""versions.tf.json and provider.tf.json."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from ..model import Network
from .tf import Body, literal

# Terraform >= 1.5: the JSON syntax and provider features the module relies on, and
# the oldest release line still commonly in CI images. < 2.0: a major release may change the language.
REQUIRED_TERRAFORM = ">= 1.5.0, < 2.0.0"
# hashicorp/aws 5.x and 6.x. Tested with 5.100.0 (the only provider here). 6.x is admitted
# because every resource, argument and attribute netspec emits or reads (the table below)
# exists unchanged in 6.0, per the provider's "Version 6 Upgrade Guide"
# (hashicorp/terraform-provider-aws, website/docs/guides/version-6-upgrade.html.markdown,
# commit 367e0373, read 2026-11-29): of these it changes only aws_flow_log's
# `log_group_name` (removed; netspec writes `log_destination`), and it adds an optional,
# computed `region` argument to regional resources, which netspec does not set. 7.0 is
# excluded until its guide is checked the same way.
AWS_PROVIDER_VERSION = ">= 5.0.0, < 7.0.0"

# What the v6 check above covered: resource or data type -> arguments written and
# attributes read. A test fails when netspec emits anything not listed here, so a new
# resource or argument cannot widen the constraint's promise without a new check.
CHECKED_FOR_AWS_6: Mapping[str, frozenset[str]] = MappingProxyType({
    "aws_vpc": frozenset({"cidr_block", "enable_dns_support", "enable_dns_hostnames", "tags", "id",
                          "default_route_table_id", "default_network_acl_id", "ipv4_ipam_pool_id", "ipv4_netmask_length"}),
    # Adopted defaults, the logs' key, Route 53 Resolver query logging and DNS Firewall: none of these
    # resources has a section in the guide (its table of contents, read in full at the commit above).
    "aws_default_route_table": frozenset({"default_route_table_id", "route", "tags"}),
    "aws_default_network_acl": frozenset({"default_network_acl_id", "subnet_ids", "ingress", "egress", "tags"}),
    "aws_kms_key": frozenset({"description", "enable_key_rotation", "deletion_window_in_days", "policy", "tags",
                              "arn"}),
    "aws_route53_resolver_query_log_config": frozenset({"name", "destination_arn", "tags", "id"}),
    "aws_route53_resolver_query_log_config_association": frozenset({"resolver_query_log_config_id", "resource_id"}),
    "aws_route53_resolver_firewall_domain_list": frozenset({"name", "domains", "tags", "id"}),
    "aws_route53_resolver_firewall_rule_group": frozenset({"name", "tags", "id"}),
    "aws_route53_resolver_firewall_rule": frozenset({"name", "action", "block_response", "firewall_domain_list_id",
                                                     "firewall_rule_group_id", "priority"}),
    "aws_route53_resolver_firewall_rule_group_association": frozenset({"name", "firewall_rule_group_id", "vpc_id",
                                                                       "priority", "mutation_protection", "tags"}),
    "aws_route53_resolver_firewall_config": frozenset({"resource_id", "firewall_fail_open"}),
    "aws_default_security_group": frozenset({"vpc_id", "ingress", "egress", "tags"}),
    "aws_subnet": frozenset({"vpc_id", "cidr_block", "availability_zone", "availability_zone_id",
                             "map_public_ip_on_launch", "tags", "id"}),
    "aws_route_table": frozenset({"vpc_id", "tags", "id"}),
    "aws_route_table_association": frozenset({"subnet_id", "route_table_id"}),
    "aws_security_group": frozenset({"name", "description", "vpc_id", "tags", "id"}),
    "aws_vpc_security_group_ingress_rule": frozenset({"security_group_id", "referenced_security_group_id",
                                                      "ip_protocol", "from_port", "to_port", "description", "tags"}),
    "aws_vpc_security_group_egress_rule": frozenset({"security_group_id", "referenced_security_group_id",
                                                     "prefix_list_id", "ip_protocol", "from_port", "to_port",
                                                     "description", "tags"}),
    "aws_vpc_endpoint": frozenset({"vpc_id", "service_name", "vpc_endpoint_type", "route_table_ids", "subnet_ids",
                                   "security_group_ids", "private_dns_enabled", "policy", "tags", "id",
                                   "prefix_list_id", "dns_entry"}),
    "aws_cloudwatch_log_group": frozenset({"name", "retention_in_days", "kms_key_id", "tags", "arn"}),
    "aws_iam_role": frozenset({"name", "description", "assume_role_policy", "tags", "id", "arn"}),
    "aws_iam_role_policy": frozenset({"name", "role", "policy"}),
    "aws_flow_log": frozenset({"vpc_id", "traffic_type", "log_destination_type", "log_destination", "iam_role_arn",
                               "max_aggregation_interval", "log_format", "tags"}),
    "data.aws_caller_identity": frozenset({"account_id"}),
    # The guide deprecates only this data source's `region` (now `service_region`), which netspec does not use.
    "data.aws_vpc_endpoint_service": frozenset({"service_name", "service_type", "availability_zones",
                                                "vpc_endpoint_policy_supported", "private_dns_name"}),
    "data.aws_availability_zones": frozenset({"filter", "names", "zone_ids"}),
})


def versions(network: Network) -> Body:
    return {"terraform": {
        "//": f"Terraform {REQUIRED_TERRAFORM} and hashicorp/aws {AWS_PROVIDER_VERSION}: "
              "every resource and argument here exists unchanged in the aws provider 5.x and 6.x "
              "(tested with 5.100.0; 6.x checked against its upgrade guide).",
        "required_version": REQUIRED_TERRAFORM,
        "required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}},
    }}


def provider(network: Network) -> Body:
    """The aws provider: the network's region and, when it names its account, only that account.

    `allowed_account_ids` makes the provider refuse to run with credentials of any other account,
    before anything is read or changed (hashicorp/aws provider docs, index.html.markdown, "Argument
    Reference": "List of allowed AWS account IDs to prevent you from mistakenly using an incorrect
    one"; unchanged in the 6.0 upgrade guide). Proven against the emulator (tests/e2e/test_accounts.py).
    """
    settings: Body = {"region": literal(network.region.name)}
    if network.account:
        settings["allowed_account_ids"] = [network.account]
    return {"provider": {"aws": settings}}
