"""dns.tf.json: Route 53 Resolver query logging for the VPC, and its optional DNS Firewall.

Query logs record every name the VPC resolves (and what the firewall did with it) in an encrypted
log group. The firewall is a walled garden: a rule that allows the listed domains (AWS's own, the
VPC's internal names, the spec's), then one that blocks (NODATA) or only alerts on everything else.
The firewall fails closed: when it cannot answer, the Resolver refuses the query.
Sources: Route 53 Developer Guide, "Resolver query logging", "DNS Firewall rule actions", "Domain
lists" and "DNS Firewall VPC configuration" (firewall_fail_open: disabled means fail closed); the
association priority is between 100 and 9900 (AssociateFirewallRuleGroup); read 2026-11-29. The
emulator lacks the DNS Firewall API: the firewall is proven by `terraform validate` and `plan`.
"""

from __future__ import annotations

from ..model import Network
from . import names
from .encryption import logs_key_arn
from .tf import Body, literal, ref, resources, tags

ALLOW_PRIORITY, OTHER_PRIORITY = 100, 200  # rules inside the group: lowest first
ASSOCIATION_PRIORITY = 101  # among rule groups on the VPC; leaves 100 free for a group to go first


def _query_logging(network: Network) -> list[tuple[str, str, Body]]:
    group = names.dns_log_group_name(network.name)
    return [
        (*names.split(names.DNS_LOG_GROUP), {
            "name": literal(group),
            "retention_in_days": network.logging.retention_days,
            "kms_key_id": logs_key_arn(network),
            "tags": tags(network, f"{network.name}-dns-queries"),
        }),
        (*names.split(names.QUERY_LOG_CONFIG), {
            "name": literal(f"{network.name}-dns-queries"),
            "destination_arn": ref(names.DNS_LOG_GROUP, "arn"),
            "tags": tags(network, f"{network.name}-dns-queries"),
        }),
        (*names.split(names.QUERY_LOG_ASSOCIATION), {
            "resolver_query_log_config_id": ref(names.QUERY_LOG_CONFIG, "id"),
            "resource_id": ref(names.VPC, "id"),
        }),
    ]


def _firewall(network: Network) -> list[tuple[str, str, Body]]:
    firewall = network.firewall
    assert firewall is not None
    other: Body = {"action": "BLOCK", "block_response": "NODATA"} if firewall.mode == "block" else {"action": "ALERT"}
    return [
        (*names.split(names.FIREWALL_ALLOWED), {
            "name": literal(f"{network.name}-allowed-domains"),
            "domains": [literal(d) for d in firewall.allowed],
            "tags": tags(network, f"{network.name}-allowed-domains"),
        }),
        (*names.split(names.FIREWALL_EVERYTHING), {
            "name": literal(f"{network.name}-every-domain"),
            "domains": ["*"],
            "tags": tags(network, f"{network.name}-every-domain"),
        }),
        (*names.split(names.FIREWALL_RULE_GROUP), {
            "name": literal(f"{network.name}-dns-firewall"),
            "tags": tags(network, f"{network.name}-dns-firewall"),
        }),
        (*names.split(names.FIREWALL_ALLOW_RULE), {
            "name": "allow-listed-domains",
            "action": "ALLOW",
            "firewall_domain_list_id": ref(names.FIREWALL_ALLOWED, "id"),
            "firewall_rule_group_id": ref(names.FIREWALL_RULE_GROUP, "id"),
            "priority": ALLOW_PRIORITY,
        }),
        (*names.split(names.FIREWALL_OTHER_RULE), {
            "name": "block-every-other-domain" if firewall.mode == "block" else "alert-on-every-other-domain",
            **other,
            "firewall_domain_list_id": ref(names.FIREWALL_EVERYTHING, "id"),
            "firewall_rule_group_id": ref(names.FIREWALL_RULE_GROUP, "id"),
            "priority": OTHER_PRIORITY,
        }),
        (*names.split(names.FIREWALL_ASSOCIATION), {
            "name": literal(f"{network.name}-dns-firewall"),
            "firewall_rule_group_id": ref(names.FIREWALL_RULE_GROUP, "id"),
            "vpc_id": ref(names.VPC, "id"),
            "priority": ASSOCIATION_PRIORITY,
            "mutation_protection": "DISABLED",
            "tags": tags(network, f"{network.name}-dns-firewall"),
        }),
        (*names.split(names.FIREWALL_CONFIG), {
            "resource_id": ref(names.VPC, "id"),
            "firewall_fail_open": "DISABLED",
        }),
    ]


def dns(network: Network) -> Body:
    blocks = _query_logging(network) if network.logging.dns_query_logs else []
    if network.firewall is not None:
        blocks += _firewall(network)
    return {"resource": resources(*blocks)}
