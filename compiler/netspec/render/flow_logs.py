"""flow_logs.tf.json: VPC flow logs to a CloudWatch log group, and the role they write with."""

from __future__ import annotations

from .. import catalog, policies
from ..model import Network
from . import names
from .tf import Body, literal, ref, resources, tags


def iam_role_name(network: Network) -> str:
    # IAM names are global to the account: the region keeps two deployments of one spec apart.
    # At most 40 + 1 + 14 + 9 = 64 characters, IAM's limit for role names.
    return f"{network.name}-{network.region.name}-flowlogs"


def log_group_name(network: Network) -> str:
    return f"/netspec/{network.name}/vpc-flow-logs"


def flow_logs(network: Network) -> Body:
    assert network.flow_logs is not None
    arn_prefix = catalog.partition_arn_prefix(network.region)
    log_group_arn = ref(names.FLOW_LOG_GROUP, "arn")
    blocks = [
        (*names.split(names.FLOW_LOG_GROUP), {
            "name": literal(log_group_name(network)),
            "retention_in_days": network.flow_logs.retention_days,
            "tags": tags(network, f"{network.name}-vpc-flow-logs"),
        }),
        (*names.split(names.FLOW_LOG_ROLE), {
            "name": literal(iam_role_name(network)),
            "description": "Lets VPC flow logs write to their log group",
            "assume_role_policy": policies.to_json(policies.flow_logs_trust_policy(arn_prefix, network.region.name)),
            "tags": tags(network, iam_role_name(network)),
        }),
        (*names.split(names.FLOW_LOG_ROLE_POLICY), {
            "name": "write-flow-logs",
            "role": ref(names.FLOW_LOG_ROLE, "id"),
            "policy": policies.to_json(policies.flow_logs_write_policy(log_group_arn)),
        }),
        (*names.split(names.FLOW_LOG), {
            "vpc_id": ref(names.VPC, "id"),
            "traffic_type": "ALL",
            "log_destination_type": "cloud-watch-logs",
            "log_destination": log_group_arn,
            "iam_role_arn": ref(names.FLOW_LOG_ROLE, "arn"),
            "tags": tags(network, f"{network.name}-vpc-flow-logs"),
        }),
    ]
    return {"resource": resources(*blocks)}
