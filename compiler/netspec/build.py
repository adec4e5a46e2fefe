"""Turn a checked document into the network model (pure; no I/O)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from . import catalog, dns, policies, regions
from .accounts import spec_account
from .context import NO_CONTEXT, SpecContext
from .model import (Access, Bucket, Endpoint, Firewall, FlowLogs, GroupTraffic, ImpliedBucket, Ipam, Logging,
                    Network, Perimeter, Source, Subnet)
from .rules import SpecView

DEFAULT_RETENTION_DAYS = 365


def _perimeter(spec: dict[str, Any], deploying: str) -> Perimeter:
    """The spec's organization and accounts; the deploying account when it names neither."""
    org_id = spec.get("org_id")
    accounts = tuple(dict.fromkeys(spec.get("accounts") or ()))
    return Perimeter(org_id, accounts if accounts or org_id else (deploying,))


def _logging(data: dict[str, Any]) -> tuple[FlowLogs | None, Logging]:
    flow = data.get("flow_logs", True)
    options = flow if isinstance(flow, dict) else {}
    retention = int(options.get("retention_days", DEFAULT_RETENTION_DAYS))
    dns_settings = data.get("dns") or {}
    logging = Logging(retention_days=retention, kms_key=options.get("kms_key"),
                      dns_query_logs=dns_settings.get("query_logs", True) is not False)
    return (None if flow is False else FlowLogs(retention_days=retention)), logging


def _firewall(data: dict[str, Any], region: regions.Region, service_keys: list[str]) -> Firewall | None:
    setting = (data.get("dns") or {}).get("firewall", False)
    if setting is False:
        return None
    options = setting if isinstance(setting, dict) else {}
    allowed = dns.aws_domains(region, service_keys) + tuple(options.get("allow") or ())
    return Firewall(allowed=tuple(dict.fromkeys(allowed)), mode=options.get("mode", "block"))


_ACCESS = {access.value: access for access in Access}  # a dict lookup: calling the enum costs ~10x more


def build_network(view: SpecView, context: SpecContext = NO_CONTEXT) -> Network:
    """The model of a spec that passed the schema and every rule: the view the rules read
    (its document's `cidr` resolved, see pipeline.resolve), so what they derived is derived once."""
    doc = view.doc
    data = doc.data
    region, wanted = view.region, view.requirements
    assert region is not None and view.vpc is not None and wanted is not None, "build_network needs a checked spec"
    ipam = Ipam(*view.ipam) if view.ipam else None
    subnets = tuple(Subnet(zone=z, cidr=view.subnets[z], is_zone_id=regions.is_zone_id(z), relative=ipam is not None)
                    for z in view.zones)
    account = spec_account(data) or context.default_account
    deploying = account or policies.ACCOUNT
    implied = tuple(ImpliedBucket(bucket, catalog.bucket_name(bucket, region, deploying), reasons)
                    for bucket, reasons in wanted.buckets)
    buckets = tuple(Bucket(name=b["name"], access=_ACCESS[b["access"]], account=b.get("account"))
                    for b in data.get("buckets") or [])
    perimeter = _perimeter(data.get("perimeter") or {}, deploying)

    def s3_policy() -> dict[str, Any]:
        return policies.s3_endpoint_policy(region, buckets, implied, perimeter, deploying)

    endpoints = tuple(Endpoint(service=s, service_name=catalog.endpoint_service_name(s, region),
                               zones=zones if zones is not None else tuple(view.zones), reasons=reasons,
                               policy_json=policies.endpoint_policy_json(s, perimeter, s3_policy))
                      for s, reasons, zones in wanted.services)
    flow_logs, logging = _logging(data)
    return Network(
        name=data["name"], region=region, cidr=view.vpc, subnets=subnets, endpoints=endpoints,
        buckets=buckets, tags=tuple(sorted((data.get("tags") or {}).items())), flow_logs=flow_logs,
        source=Source(name=PurePath(doc.path).name, sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
                      context=context.recorded()),
        workloads=wanted.workloads, implied_buckets=implied,
        group_traffic=tuple(GroupTraffic(traffic, reasons) for traffic, reasons in wanted.traffic),
        perimeter=perimeter, logging=logging,
        firewall=_firewall(data, region, [e.service.key for e in endpoints]),
        bucket_policy_exceptions=tuple((data.get("bucket_policy") or {}).get("exceptions") or ()),
        account=account, pool=context.pool, ipam=ipam,
        backend=context.backend.fill(name=data["name"], region=region.name, account=account) if context.backend else None,
    )
