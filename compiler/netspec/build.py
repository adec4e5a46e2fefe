"""Turn a checked document into the network model (pure; no I/O)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from . import catalog, policies, regions
from .loader import Document
from .model import Access, Bucket, Endpoint, FlowLogs, GroupTraffic, ImpliedBucket, Network, Source, Subnet
from .rules import SpecView

DEFAULT_RETENTION_DAYS = 365


def build_network(doc: Document) -> Network:
    """The model of a spec that passed the schema and every rule."""
    view = SpecView(doc)
    data = doc.data
    region, wanted = view.region, view.requirements
    assert region is not None and view.vpc is not None and wanted is not None, "build_network needs a checked spec"
    subnets = tuple(Subnet(zone=z, cidr=view.subnets[z], is_zone_id=regions.is_zone_id(z)) for z in view.zones)
    endpoints = tuple(Endpoint(service=s, service_name=catalog.endpoint_service_name(s, region),
                               zones=zones if zones is not None else tuple(view.zones), reasons=reasons)
                      for s, reasons, zones in wanted.services)
    implied = tuple(ImpliedBucket(bucket, catalog.bucket_name(bucket, region, policies.ACCOUNT), reasons)
                    for bucket, reasons in wanted.buckets)
    buckets = tuple(Bucket(name=b["name"], access=Access(b["access"])) for b in data.get("buckets") or [])
    flow = data.get("flow_logs", True)
    flow_logs = None
    if flow is not False:
        retention = flow.get("retention_days", DEFAULT_RETENTION_DAYS) if isinstance(flow, dict) else DEFAULT_RETENTION_DAYS
        flow_logs = FlowLogs(retention_days=int(retention))
    return Network(
        name=data["name"], region=region, cidr=view.vpc, subnets=subnets, endpoints=endpoints,
        buckets=buckets, tags=tuple(sorted((data.get("tags") or {}).items())), flow_logs=flow_logs,
        source=Source(name=PurePath(doc.path).name, sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest()),
        workloads=wanted.workloads, implied_buckets=implied,
        group_traffic=tuple(GroupTraffic(traffic, reasons) for traffic, reasons in wanted.traffic),
    )
