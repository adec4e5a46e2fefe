"""security_groups.tf.json: the `workload` and `endpoints` groups and their rules.

Rules are data (`RULES` below): who may talk to whom, on what port, and why.
Every rule is its own aws_vpc_security_group_{ingress,egress}_rule resource
with a description; no rule names a CIDR, so nothing is open to 0.0.0.0/0.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Network
from . import names
from .tf import Body, literal, ref, resources, tags

HTTPS = 443


@dataclass(frozen=True)
class GroupSpec:
    address: str
    suffix: str        # the group's name is f"{network}-{suffix}"
    description: str   # fixed text: changing it replaces the group


GROUPS = (
    GroupSpec(names.WORKLOAD_SG, "workload",
              "Notebooks, training jobs and hosted models: HTTPS to VPC endpoints, all traffic within the group"),
    GroupSpec(names.ENDPOINTS_SG, "endpoints",
              "Interface VPC endpoints: HTTPS from the workload group only"),
)


@dataclass(frozen=True)
class RuleSpec:
    name: str            # resource name suffix
    group: str           # address of the group the rule belongs to
    direction: str       # "ingress" | "egress"
    protocol: str        # "tcp" or "-1" (all)
    port: int | None     # None with protocol "-1"
    peer_group: str | None = None        # another (or the same) security group
    prefix_list_of: str | None = None    # a gateway endpoint's service key: its managed prefix list
    description: str = ""


RULES = (
    RuleSpec("workload_to_endpoints_https", names.WORKLOAD_SG, "egress", "tcp", HTTPS,
             peer_group=names.ENDPOINTS_SG, description="HTTPS to the interface VPC endpoints"),
    RuleSpec("workload_to_s3_https", names.WORKLOAD_SG, "egress", "tcp", HTTPS,
             prefix_list_of="s3", description="HTTPS to Amazon S3 through the gateway endpoint"),
    RuleSpec("workload_to_dynamodb_https", names.WORKLOAD_SG, "egress", "tcp", HTTPS,
             prefix_list_of="dynamodb", description="HTTPS to Amazon DynamoDB through the gateway endpoint"),
    RuleSpec("workload_to_self", names.WORKLOAD_SG, "egress", "-1", None,
             peer_group=names.WORKLOAD_SG, description="All traffic to members of the workload group (multi-instance training)"),
    RuleSpec("workload_from_self", names.WORKLOAD_SG, "ingress", "-1", None,
             peer_group=names.WORKLOAD_SG, description="All traffic from members of the workload group (multi-instance training)"),
    RuleSpec("endpoints_from_workload_https", names.ENDPOINTS_SG, "ingress", "tcp", HTTPS,
             peer_group=names.WORKLOAD_SG, description="HTTPS from the workload group"),
)


def _rule_body(network: Network, rule: RuleSpec) -> Body | None:
    body: Body = {"security_group_id": ref(rule.group, "id"), "ip_protocol": rule.protocol,
                  "description": rule.description,
                  "tags": tags(network, f"{network.name}-{rule.name.replace('_', '-')}")}
    if rule.port is not None:
        body.update(from_port=rule.port, to_port=rule.port)
    if rule.peer_group:
        body["referenced_security_group_id"] = ref(rule.peer_group, "id")
    if rule.prefix_list_of:
        endpoint = network.endpoint(rule.prefix_list_of)
        if endpoint is None:
            return None  # no such gateway endpoint: the rule has nothing to point at
        body["prefix_list_id"] = ref(names.endpoint(endpoint), "prefix_list_id")
    return body


def security_groups(network: Network) -> Body:
    blocks = []
    for group in GROUPS:
        blocks.append((*names.split(group.address), {
            "name": literal(f"{network.name}-{group.suffix}"),
            "description": group.description,
            "vpc_id": ref(names.VPC, "id"),
            "tags": tags(network, f"{network.name}-{group.suffix}"),
        }))
    for rule in RULES:
        body = _rule_body(network, rule)
        if body is not None:
            blocks.append((f"aws_vpc_security_group_{rule.direction}_rule", rule.name, body))
    return {"resource": resources(*blocks)}
