"""Service rules: every listed service exists, once, in this partition; own services are well formed."""

from __future__ import annotations

from typing import Iterator

from .. import catalog
from ..codes import Code
from ..findings import Finding
from .base import SpecView, repeats, rule

# Options that only make sense for a team's own PrivateLink service.
_CUSTOM_ONLY = ("private_dns", "accepts_policy")


@rule("NS220")
def unknown_service(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, name, options in view.service_entries():
        if name is not None and "service_name" not in options and name not in catalog.SERVICES:
            pointer = ("services", i, "name") if options else ("services", i)
            yield code.at(view.doc.at(pointer), f"unknown service {name!r}", hint=catalog.suggestion(name))


@rule("NS221")
def duplicate_service(view: SpecView, code: Code) -> Iterator[Finding]:
    entries = list(view.service_entries())
    names = [name for _, name, _ in entries]
    for i, first in repeats(names):
        if names[i] is not None:
            yield code.at(view.doc.at(("services", entries[i][0])), f"service {names[i]!r} is listed twice",
                          related=(view.doc.at(("services", entries[first][0])),))


@rule("NS222")
def service_unavailable(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.region is None:
        return
    for i, name, options in view.service_entries():
        service = catalog.SERVICES.get(name or "")
        if service is not None and "service_name" not in options and not catalog.available_in(service, view.region):
            yield code.at(view.doc.at(("services", i)),
                          f"{name} is not offered by netspec in {view.region.name} (partition {view.region.partition})")


@rule("NS223", needs=("services", "workloads"))
def ecr_needs_s3(view: SpecView, code: Code) -> Iterator[Finding]:
    # ECR serves image layers from S3, so pulls through ecr.dkr fail without the S3 gateway.
    if "ecr.dkr" in view.service_keys and "s3" not in view.service_keys:
        where = next((("services", i) for i, name, _ in view.service_entries() if name == "ecr.dkr"), ("services",))
        yield code.at(view.doc.at(where), "ecr.dkr needs the s3 gateway endpoint: ECR serves image layers from S3")


@rule("NS226", needs=("services", "workloads"))
def nothing_to_reach(view: SpecView, code: Code) -> Iterator[Finding]:
    if not view.data.get("services") and not view.data.get("workloads"):
        yield code.at(view.doc.key_at(("services",)) if "services" in view.data else view.doc.at(()),
                      "the spec names no `services` and no `workloads`: the network could reach nothing")


@rule("NS227")
def custom_service_name(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, name, options in view.service_entries():
        service_name = options.get("service_name")
        if isinstance(service_name, str) and catalog.CUSTOM_SERVICE_NAME.fullmatch(service_name) is None:
            yield code.at(view.doc.at(("services", i, "service_name")),
                          f"{service_name!r} is not the name of an endpoint service of your own")


@rule("NS228")
def custom_service_region(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.region is None:
        return
    for i, _, options in view.service_entries():
        match = catalog.CUSTOM_SERVICE_NAME.fullmatch(str(options.get("service_name", "")))
        if match is not None and match.group(1) != view.region.name:
            yield code.at(view.doc.at(("services", i, "service_name")),
                          f"the endpoint service is in {match.group(1)}, the network in {view.region.name}",
                          hint=f"use the service's name in {view.region.name}, or deploy the network in {match.group(1)}")


@rule("NS229")
def custom_options(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, name, options in view.service_entries():
        if "service_name" in options:
            if name in catalog.SERVICES:
                yield code.at(view.doc.at(("services", i, "name")),
                              f"{name!r} is a catalog service; give your own service another name",
                              hint="pick a short name of your own, e.g. package-mirror")
            elif name is not None and ("." in name or not name[0].isalpha()):
                yield code.at(view.doc.at(("services", i, "name")),
                              f"{name!r}: names of your own services are lowercase letters, digits and '-', "
                              "starting with a letter")
            continue
        for option in _CUSTOM_ONLY:
            if option in options:
                yield code.at(view.doc.key_at(("services", i, option)),
                              f"`{option}` applies only to your own services (with `service_name`); "
                              f"the catalog decides it for {name!r}",
                              hint=f"remove `{option}`; `netspec services` shows what the catalog sets")


@rule("NS241")
def caller_only_policy(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.requirements is None:
        return
    for service, reasons, _ in view.requirements.services:
        if service.accepts_policy and not service.resource_keys:
            listed = next((i for i, name, _ in view.service_entries() if name == service.key), None)
            where = view.doc.at(("services", listed)) if listed is not None else view.doc.key_at(("workloads",))
            kind = "your own service" if service.custom else f"{service.summary}'s actions lack the resource keys"
            yield code.at(where, f"the {service.key} endpoint policy can require only that the caller is inside the "
                                 f"perimeter, not the resource ({kind})")


@rule("NS205")
def service_zones(view: SpecView, code: Code) -> Iterator[Finding]:
    zones = set(view.zones)
    for i, name, options in view.service_entries():
        chosen = options.get("zones")
        if not isinstance(chosen, list):
            continue
        service = catalog.SERVICES.get(name or "")
        if "service_name" not in options and service is not None and service.endpoint_type is catalog.EndpointType.GATEWAY:
            yield code.at(view.doc.key_at(("services", i, "zones")),
                          f"{name} is a gateway endpoint: it serves every route table, not zones",
                          hint="remove `zones`")
            continue
        for j, zone in enumerate(chosen):
            if zone not in zones:
                yield code.at(view.doc.at(("services", i, "zones", j)), f"zone {zone!r} is not in `azs`",
                              hint=f"the network's zones: {', '.join(view.zones)}")
