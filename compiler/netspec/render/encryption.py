"""encryption.tf.json: the KMS key that encrypts the network's log groups, when the spec names none.

One symmetric key per network, rotated yearly by KMS, whose policy lets CloudWatch Logs use it
only for this network's log groups (the encryption context names each group's ARN).
"""

from __future__ import annotations

from .. import catalog, policies
from ..model import Network
from . import names
from .tf import Body, literal, ref, resources, tags


def log_group_names(network: Network) -> list[str]:
    found = []
    if network.flow_logs is not None:
        found.append(names.flow_log_group_name(network.name))
    if network.logging.dns_query_logs:
        found.append(names.dns_log_group_name(network.name))
    return found


def logs_key_arn(network: Network) -> str:
    """What log groups name as kms_key_id: the spec's key, or the one this module creates."""
    return literal(network.logging.kms_key) if network.logging.kms_key else ref(names.LOGS_KEY, "arn")


def encryption(network: Network) -> Body:
    arn_prefix = catalog.partition_arn_prefix(network.region)
    region, account = network.region.name, policies.deploying(network)
    arns = [policies.log_group_arn(arn_prefix, region, literal(name), account) for name in log_group_names(network)]
    logs_principal = f"logs.{region}.{network.region.dns_suffix}"
    blocks = [
        (*names.split(names.LOGS_KEY), {
            "description": literal(f"netspec {network.name}: encrypts its flow-log and DNS query-log groups"),
            "enable_key_rotation": True,
            "deletion_window_in_days": 30,
            "policy": policies.to_json(policies.logs_key_policy(arn_prefix, logs_principal, arns, account)),
            "tags": tags(network, f"{network.name}-logs"),
        }),
    ]
    return {"resource": resources(*blocks)}
