"""endpoints.tf.json: one VPC endpoint per service, each with its policy and plan-time checks.

Gateway endpoints (s3, dynamodb) attach to every route table; interface endpoints sit in the
subnets of their zones behind the `endpoints` group, with private DNS.

Every interface endpoint reads its service from the EC2 API (`data "aws_vpc_endpoint_service"`)
and carries preconditions, so that `terraform plan` stops, before anything is created, when AWS
does not offer the service in one of the endpoint's zones, or does not take the policy or private
DNS name netspec sets. Without them, the first sign would be a failed `apply` halfway through.
"""

from __future__ import annotations

import json
import re

from ..model import Endpoint, Network
from . import names
from .tf import Body, literal, ref, resources, tags

# What may appear inside an expression netspec writes: zone names and IDs already checked
# against the region's zones (never other spec text; see `_zone_list`).
_ZONE = re.compile(r"[a-z0-9-]+")


def _zone_list(zones: list[str]) -> str:
    if not all(_ZONE.fullmatch(z) for z in zones):
        raise ValueError(f"zones {zones!r} are not zone names or IDs")  # the rules let none through
    return json.dumps(zones)


def _zone_ids(zones: list[str]) -> list[str]:
    _zone_list(zones)  # checked like every zone netspec writes into an expression
    return zones


def _zone_names(network: Network, endpoint: Endpoint) -> str:
    """An expression for the zone *names* the endpoint's subnets are in (the EC2 API lists names)."""
    subnets = network.endpoint_subnets(endpoint)
    listed = _zone_list([s.zone for s in subnets])
    if subnets and subnets[0].is_zone_id:
        zones = f"data.{names.ZONES_TYPE}.{names.ZONES_NAME}"
        return f"[for id in {listed} : {zones}.names[index({zones}.zone_ids, id)]]"
    return listed


def _preconditions(network: Network, endpoint: Endpoint, has_policy: bool) -> list[Body]:
    service = f"data.{names.ENDPOINT_SERVICE_TYPE}.{endpoint.key}"
    where = f"{endpoint.service.key} ({literal(endpoint.service_name)})"
    zones = ", ".join(literal(s.zone) for s in network.endpoint_subnets(endpoint))
    checks = [{
        "condition": f"${{length(setsubtract({_zone_names(network, endpoint)}, {service}.availability_zones)) == 0}}",
        "error_message": f"netspec: AWS does not offer the endpoint service {where} in every zone of this endpoint "
                         f"({zones}). Give the service the zones AWS offers it in, in the spec: "
                         f"`services: [{{name: {literal(endpoint.service.key)}, zones: [...]}}]`.",
    }]
    if has_policy:
        checks.append({
            "condition": f"${{{service}.vpc_endpoint_policy_supported}}",
            "error_message": f"netspec: the endpoint service {where} does not accept an endpoint policy, but netspec "
                             "would attach one. Report this to the netspec catalog; do not use the service until then.",
        })
    if endpoint.service.private_dns:
        checks.append({
            "condition": f"${{try(length({service}.private_dns_name), 0) > 0}}",
            "error_message": f"netspec: the endpoint service {where} has no private DNS name, but netspec would turn "
                             "private DNS on. Report this to the netspec catalog (own services: set private_dns: false).",
        })
    return checks


def _endpoint(network: Network, endpoint: Endpoint) -> Body:
    body: Body = {
        "vpc_id": ref(names.VPC, "id"),
        "service_name": literal(endpoint.service_name),
        "vpc_endpoint_type": endpoint.service.endpoint_type.value,
        "tags": tags(network, f"{network.name}-{endpoint.service.key}"),
    }
    policy = endpoint.policy_json
    if endpoint.is_gateway:
        body["route_table_ids"] = [ref(names.route_table(s), "id") for s in network.subnets]
    else:
        body["subnet_ids"] = [ref(names.subnet(s), "id") for s in network.endpoint_subnets(endpoint)]
        body["security_group_ids"] = [ref(names.ENDPOINTS_SG, "id")]
        body["private_dns_enabled"] = endpoint.service.private_dns
        body["lifecycle"] = {"precondition": _preconditions(network, endpoint, policy is not None)}
    if policy is not None:
        body["policy"] = policy
    return body


def endpoints(network: Network) -> Body:
    blocks = [(*names.split(names.endpoint(e)), _endpoint(network, e)) for e in network.endpoints]
    # The caller's account, for policies of a network that names none (policies.ACCOUNT refers to it).
    data: Body = {} if network.account else {names.CALLER_TYPE: {names.CALLER_NAME: {}}}
    services = {e.key: {"service_name": literal(e.service_name), "service_type": e.service.endpoint_type.value}
                for e in network.interface_endpoints}
    if services:
        data[names.ENDPOINT_SERVICE_TYPE] = services
        zone_ids = [s.zone for s in network.subnets if s.is_zone_id]
        if zone_ids:
            # Only the network's own zones (a closed set that a new AWS zone cannot join).
            data[names.ZONES_TYPE] = {names.ZONES_NAME: {"filter": [{"name": "zone-id", "values": _zone_ids(zone_ids)}]}}
    return {**({"data": data} if data else {}), "resource": resources(*blocks)}
