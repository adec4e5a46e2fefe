"""flow_logs.tf.json: VPC flow logs of all traffic to an encrypted log group, and the role they write with.

Every flow is recorded (`ALL`, aggregated over 60 seconds, not 600) in a format that adds to
the default fields the VPC, subnet and interface, the packet-level addresses (the real source and
destination behind an endpoint's interface), and the direction and path of the flow.
Sources: Amazon VPC User Guide, "Flow log records" (fields and versions) and "Flow logs basics"
(maximum aggregation interval 60 or 600 seconds); provider docs of aws_flow_log (log_format is
written with `$${field}` in Terraform); read 2026-11-29.
"""

from __future__ import annotations

from .. import catalog, policies
from ..model import Network
from . import names
from .encryption import logs_key_arn
from .tf import Body, literal, ref, resources, tags

AGGREGATION_SECONDS = 60
# The fields recorded, in order: version 2 defaults, then the version 3 and 5 fields that say
# where a packet really came from and went (pkt-*), through which VPC, subnet and interface, and how.
LOG_FIELDS = ("version", "account-id", "vpc-id", "subnet-id", "interface-id", "srcaddr", "dstaddr",
              "pkt-srcaddr", "pkt-dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
              "action", "log-status", "tcp-flags", "flow-direction", "traffic-path")
# `$${` is Terraform's literal `${`: the flow-log service, not Terraform, fills these in.
LOG_FORMAT = " ".join(f"$${{{field}}}" for field in LOG_FIELDS)


def iam_role_name(network: Network) -> str:
    # IAM names are global to the account: the region keeps two deployments of one spec apart.
    # At most 40 + 1 + 14 + 9 = 64 characters, IAM's limit for role names.
    return f"{network.name}-{network.region.name}-flowlogs"


def log_group_name(network: Network) -> str:
    return names.flow_log_group_name(network.name)


def flow_logs(network: Network) -> Body:
    assert network.flow_logs is not None
    arn_prefix = catalog.partition_arn_prefix(network.region)
    log_group_arn = ref(names.FLOW_LOG_GROUP, "arn")
    blocks = [
        (*names.split(names.FLOW_LOG_GROUP), {
            "name": literal(log_group_name(network)),
            "retention_in_days": network.flow_logs.retention_days,
            "kms_key_id": logs_key_arn(network),
            "tags": tags(network, f"{network.name}-vpc-flow-logs"),
        }),
        (*names.split(names.FLOW_LOG_ROLE), {
            "name": literal(iam_role_name(network)),
            "description": "Lets VPC flow logs write to their log group",
            "assume_role_policy": policies.to_json(policies.flow_logs_trust_policy(
                arn_prefix, network.region.name, policies.deploying(network))),
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
            "max_aggregation_interval": AGGREGATION_SECONDS,
            "log_format": LOG_FORMAT,
            "log_destination_type": "cloud-watch-logs",
            "log_destination": log_group_arn,
            "iam_role_arn": ref(names.FLOW_LOG_ROLE, "arn"),
            "tags": tags(network, f"{network.name}-vpc-flow-logs"),
        }),
    ]
    return {"resource": resources(*blocks)}
