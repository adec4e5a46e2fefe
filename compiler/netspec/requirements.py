"""What a spec asks of the network once its workloads are expanded (pure; computed once per spec).

The spec's own `services` come first, in the order written; then what each workload (and each
profile it includes) needs; then what services imply (ECR image layers come from an AWS-owned
bucket). Every item keeps every reason it was asked for, so `netspec explain` can show them.
Entries the rules reject (unknown names, services the partition lacks) are left out here;
the rules report them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import catalog, workloads
from .model import Reason
from .regions import Region


@dataclass
class _Service:
    service: catalog.Service
    reasons: list[Reason] = field(default_factory=list)
    zones: tuple[str, ...] | None = None  # None: every zone of the spec


@dataclass(frozen=True)
class Requirements:
    services: tuple[tuple[catalog.Service, tuple[Reason, ...], tuple[str, ...] | None], ...]
    buckets: tuple[tuple[catalog.AwsBucket, tuple[Reason, ...]], ...]
    traffic: tuple[tuple[workloads.Traffic, tuple[Reason, ...]], ...]
    workloads: tuple[str, ...]

    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s, _, _ in self.services)


# Without `workloads`, the workload group keeps netspec 1.0's rule: all traffic between its members.
DEFAULT_TRAFFIC = Reason("netspec", "no workloads listed: all traffic between members of the workload group, "
                                    "for multi-instance training (list `workloads` to narrow it)")


def service_entry(entry: Any) -> tuple[str | None, dict[str, Any]]:
    """(name, options) of one `services` item: a plain name, or a mapping with `name`."""
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        return entry["name"], entry
    return None, {}


def _catalog_service(name: str, options: dict[str, Any], region: Region) -> catalog.Service | None:
    if isinstance(options.get("service_name"), str):
        match = catalog.CUSTOM_SERVICE_NAME.fullmatch(options["service_name"])
        if match is None or match.group(1) != region.name or name in catalog.SERVICES:
            return None
        return catalog.custom_service(name, options["service_name"], private_dns=options.get("private_dns") is True,
                                      accepts_policy=options.get("accepts_policy") is True)
    service = catalog.SERVICES.get(name)
    return service if service is not None and catalog.available_in(service, region) else None


def gather(data: dict[str, Any], region: Region) -> Requirements:
    services: dict[str, _Service] = {}

    def want(service: catalog.Service, reason: Reason, zones: tuple[str, ...] | None = None) -> None:
        item = services.setdefault(service.key, _Service(service))
        if reason not in item.reasons:
            item.reasons.append(reason)
        if zones is not None:
            item.zones = zones

    for entry in data.get("services") or []:
        name, options = service_entry(entry)
        service = _catalog_service(name, options, region) if name else None
        if service is not None:
            zones = options.get("zones")
            want(service, Reason("spec", "listed under `services`"),
                 tuple(zones) if isinstance(zones, list) and all(isinstance(z, str) for z in zones) else None)

    listed = [w for w in data.get("workloads") or [] if isinstance(w, str) and w in workloads.PROFILES]
    listed = list(dict.fromkeys(listed))
    buckets: dict[str, tuple[catalog.AwsBucket, list[Reason]]] = {}
    traffic: dict[str, tuple[workloads.Traffic, list[Reason]]] = {}
    for profile, via in _profiles(tuple(listed)):
        by = f"workload {profile.key}" + (f" (via {via})" if via else "")
        for key, need in profile.services:
            service = catalog.SERVICES[key]
            if catalog.available_in(service, region):
                want(service, Reason(by, need.why, need.source))
        for key, need in profile.buckets:
            buckets.setdefault(key, (catalog.AWS_BUCKETS[key], []))[1].append(Reason(by, need.why, need.source))
        for key, need in profile.traffic:
            traffic.setdefault(key, (workloads.TRAFFIC[key], []))[1].append(Reason(by, need.why, need.source))
    for item in list(services.values()):
        for key in item.service.implies_buckets:
            bucket = catalog.AWS_BUCKETS[key]
            reason = Reason(f"service {item.service.key}", f"{item.service.summary} reads {bucket.summary} from this "
                                                          "bucket through the S3 gateway endpoint", bucket.source)
            buckets.setdefault(key, (bucket, []))[1].append(reason)
    if not listed:
        traffic["all"] = (workloads.TRAFFIC["all"], [DEFAULT_TRAFFIC])
    return Requirements(
        services=tuple((s.service, tuple(s.reasons), s.zones) for s in services.values()),
        buckets=tuple((bucket, tuple(reasons)) for bucket, reasons in buckets.values()),
        traffic=_narrowest(traffic),
        workloads=tuple(listed),
    )


def _profiles(keys: tuple[str, ...]) -> list[tuple[workloads.Profile, str]]:
    """Each profile once, with the listed workload that brought it in ("" when listed itself)."""
    found: dict[str, tuple[workloads.Profile, str]] = {}

    def visit(key: str, via: str) -> None:
        if key in found:
            return
        profile = workloads.PROFILES[key]
        found[key] = (profile, via)
        for included in profile.includes:
            visit(included, via or key)

    for key in keys:
        visit(key, "")
    # A profile listed by the spec itself is shown as listed, even if another one includes it too.
    return [(p, "" if p.key in keys else via) for p, via in found.values()]


def _narrowest(found: dict[str, tuple[workloads.Traffic, list[Reason]]]
               ) -> tuple[tuple[workloads.Traffic, tuple[Reason, ...]], ...]:
    """Drop traffic a wider kind already allows, keeping its reasons on the wider kind."""
    kept: dict[str, tuple[workloads.Traffic, list[Reason]]] = {}
    for key in workloads.TRAFFIC:  # widest first: the table's order
        if key not in found:
            continue
        traffic, reasons = found[key]
        wider = next((k for k, (t, _) in kept.items() if workloads.covered_by(traffic, t)), None)
        if wider is None:
            kept[key] = (traffic, list(reasons))
        else:
            kept[wider][1].extend(r for r in reasons if r not in kept[wider][1])
    return tuple((t, tuple(r)) for t, r in kept.values())
