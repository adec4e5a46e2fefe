"""security_groups.tf.json: the `workload` and `endpoints` groups and their rules.

Rules are data: the fixed HTTPS paths (`RULES` below), plus the traffic between members of
the workload group that the spec's workloads need (`network.group_traffic`, from
workloads.TRAFFIC). Every rule is its own aws_vpc_security_group_{ingress,egress}_rule resource
with a description; no rule names a CIDR, so nothing is open to 0.0.0.0/0.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import GroupTraffic, Network
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
    ports: tuple[int, int] | None  # inclusive range; None with protocol "-1"
    peer_group: str | None = None        # another (or the same) security group
    prefix_list_of: str | None = None    # a gateway endpoint's service key: its managed prefix list
    description: str = ""


RULES = (
    RuleSpec("workload_to_endpoints_https", names.WORKLOAD_SG, "egress", "tcp", (HTTPS, HTTPS),
             peer_group=names.ENDPOINTS_SG, description="HTTPS to the interface VPC endpoints"),
    RuleSpec("workload_to_s3_https", names.WORKLOAD_SG, "egress", "tcp", (HTTPS, HTTPS),
             prefix_list_of="s3", description="HTTPS to Amazon S3 through the gateway endpoint"),
    RuleSpec("workload_to_dynamodb_https", names.WORKLOAD_SG, "egress", "tcp", (HTTPS, HTTPS),
             prefix_list_of="dynamodb", description="HTTPS to Amazon DynamoDB through the gateway endpoint"),
    RuleSpec("endpoints_from_workload_https", names.ENDPOINTS_SG, "ingress", "tcp", (HTTPS, HTTPS),
             peer_group=names.WORKLOAD_SG, description="HTTPS from the workload group"),
)


def group_traffic_rules(allowed: GroupTraffic) -> tuple[RuleSpec, RuleSpec]:
    """The egress and ingress rule that let members of the workload group reach each other."""
    traffic = allowed.traffic
    suffix = "" if traffic.key == "all" else f"_{traffic.key}"  # "all" keeps netspec 1.0's addresses
    return tuple(  # type: ignore[return-value]
        RuleSpec(f"workload_{way}_self{suffix}", names.WORKLOAD_SG, direction, traffic.protocol, traffic.ports,
                 peer_group=names.WORKLOAD_SG, description=traffic.description(direction))
        for way, direction in (("to", "egress"), ("from", "ingress")))


def rules_for(network: Network) -> tuple[tuple[RuleSpec, GroupTraffic | None], ...]:
    """Every rule the network gets, with the group traffic it comes from (None: a fixed rule)."""
    fixed = [(r, None) for r in RULES if r.prefix_list_of is None or network.endpoint(r.prefix_list_of) is not None]
    grouped = [(r, allowed) for allowed in network.group_traffic for r in group_traffic_rules(allowed)]
    return tuple(fixed + grouped)


def _rule_body(network: Network, rule: RuleSpec) -> Body:
    body: Body = {"security_group_id": ref(rule.group, "id"), "ip_protocol": rule.protocol,
                  "description": rule.description,
                  "tags": tags(network, f"{network.name}-{rule.name.replace('_', '-')}")}
    if rule.ports is not None:
        body.update(from_port=rule.ports[0], to_port=rule.ports[1])
    if rule.peer_group:
        body["referenced_security_group_id"] = ref(rule.peer_group, "id")
    if rule.prefix_list_of:
        endpoint = network.endpoint(rule.prefix_list_of)
        assert endpoint is not None, "rules_for keeps prefix-list rules only for gateway endpoints that exist"
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
    for rule, _ in rules_for(network):
        blocks.append((f"aws_vpc_security_group_{rule.direction}_rule", rule.name, _rule_body(network, rule)))
    return {"resource": resources(*blocks)}
