"""endpoints.tf.json: one VPC endpoint per requested service, each with its policy.

Gateway endpoints (s3, dynamodb) attach to every route table; interface
endpoints sit in every subnet behind the `endpoints` group, with private DNS.
"""

from __future__ import annotations

from ..model import Endpoint, Network
from .. import policies
from . import names
from .tf import Body, ref, resources, tags


def endpoint_policy_json(network: Network, endpoint: Endpoint) -> str | None:
    if not endpoint.service.accepts_policy:
        return None
    return policies.to_json(policies.endpoint_policy(network, endpoint.service.key))


def _endpoint(network: Network, endpoint: Endpoint) -> Body:
    body: Body = {
        "vpc_id": ref(names.VPC, "id"),
        "service_name": endpoint.service_name,
        "vpc_endpoint_type": endpoint.service.endpoint_type.value,
        "tags": tags(network, f"{network.name}-{endpoint.service.key}"),
    }
    if endpoint.is_gateway:
        body["route_table_ids"] = [ref(names.route_table(s), "id") for s in network.subnets]
    else:
        body["subnet_ids"] = [ref(names.subnet(s), "id") for s in network.subnets]
        body["security_group_ids"] = [ref(names.ENDPOINTS_SG, "id")]
        body["private_dns_enabled"] = endpoint.service.private_dns
    policy = endpoint_policy_json(network, endpoint)
    if policy is not None:
        body["policy"] = policy
    return body


def endpoints(network: Network) -> Body:
    blocks = [(*names.split(names.endpoint(e)), _endpoint(network, e)) for e in network.endpoints]
    return {
        "data": {names.CALLER_TYPE: {names.CALLER_NAME: {}}},
        "resource": resources(*blocks),
    }
