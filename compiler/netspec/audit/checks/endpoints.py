"""VPC endpoints: NS506 (no usable policy) and NS513 (a service outside the spec).

Which endpoint services a module may reach:
* with a spec: the catalog services the spec lists, under their name in the spec's
  region, and the spec's custom PrivateLink services (`services: [{service_name: ...}]`)
  by exact name. A spec with `workloads:` implies catalog services the audit cannot
  expand without the compiler: then any catalog service (in the spec's region) is
  accepted, and only names outside the catalog that are not custom services are findings;
* without a spec: any catalog service; a name outside the catalog (a `vpce-svc-...`
  PrivateLink service, a marketplace service) has no spec that could name it.
Endpoints to VPC Lattice resources or service networks, and cross-region endpoints
(`service_region` other than the spec's region), are outside the spec too.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ... import catalog
from ...codes import code
from ...findings import Finding
from ...regions import region as lookup_region
from ..model import Module, Resource
from ..policy import PolicyError, Statement, parse, policy_text
from ..spec import Expectation
from .common import literal


def _catalog_patterns() -> tuple[tuple[re.Pattern[str], catalog.Service], ...]:
    """Every service-name template of the catalog as a pattern matching any region."""
    patterns = []
    for service in catalog.SERVICES.values():
        for _, naming in service.naming:
            regex = re.escape(naming.template).replace(re.escape("{region}"), r"[a-z0-9-]+")
            patterns.append((re.compile(f"^{regex}$"), service))
    return tuple(patterns)


_SERVICE_PATTERNS = _catalog_patterns()


def catalog_service(service_name: Any) -> catalog.Service | None:
    if not isinstance(service_name, str):
        return None
    return next((s for p, s in _SERVICE_PATTERNS if p.match(service_name)), None)


def _accepts_policy(module: Module, endpoint: Resource, spec: Expectation | None = None) -> bool:
    # A service outside the catalog (or a name only known at apply) is assumed to take a
    # policy: nearly all do, and a false alarm is cheaper than a silent full-access default.
    # The exception is a custom service the spec says takes none (no `accepts_policy: true`).
    name = literal(module, endpoint, endpoint.values.get("service_name"))
    service = catalog_service(name)
    if service is not None:
        return service.accepts_policy
    return not (spec is not None and isinstance(name, str) and name in spec.custom_policyless)


def is_s3(module: Module, endpoint: Resource | None) -> bool:
    service = catalog_service(literal(module, endpoint, endpoint.values.get("service_name"))) if endpoint else None
    return service is not None and service.key == "s3"


def policy_holders(module: Module) -> Iterator[tuple[Resource, Resource | None]]:
    """(resource holding a policy, the endpoint it governs): endpoints and aws_vpc_endpoint_policy."""
    endpoints = module.of_type("aws_vpc_endpoint")
    for e in endpoints:
        if e.values.get("policy") not in (None, ""):
            yield e, e
    for p in module.of_type("aws_vpc_endpoint_policy"):
        yield p, next((e for e in endpoints if p.refers_to(e, "vpc_endpoint_id")), None)


def statements(holder: Resource) -> list[Statement]:
    """The statements of a readable policy; none when it is absent, unreadable or an expression."""
    text = policy_text(holder.values.get("policy"))
    try:
        return parse(text) if text is not None else []
    except PolicyError:
        return []


# --- NS506 ----------------------------------------------------------------------------------


def check_endpoint_policies_present(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    holders = list(policy_holders(module))
    attached = {id(e) for _, e in holders if e is not None}
    for e in module.of_type("aws_vpc_endpoint"):
        unknown = e.planned and "policy" in e.unknown  # NS511 reports it
        if _accepts_policy(module, e, spec) and id(e) not in attached and not unknown:
            yield code("NS506").at(e.location, f"{e.address}: endpoint for {e.values.get('service_name')} has no policy "
                                               "(AWS then allows full access)")
    # An unreadable policy cannot be shown to limit anything: reported here, as no usable policy.
    for holder, _ in holders:
        text = policy_text(holder.values.get("policy"))
        try:
            if text is not None:
                parse(text)
        except PolicyError as exc:
            yield code("NS506").at(holder.location, f"{holder.address}: {exc}")


# --- NS513 ----------------------------------------------------------------------------------


def _regional_name(service: catalog.Service, region_name: str) -> str | None:
    known = lookup_region(region_name)
    if known is None:
        return None
    try:
        return catalog.endpoint_service_name(service, known)
    except catalog.UnsupportedService:
        return None


def _outside(name: str, spec: Expectation | None) -> str | None:
    """Why an endpoint service name is outside the spec, or None when the spec allows it."""
    service = catalog_service(name)
    if spec is None:
        return None if service else f"{name} is not a catalog service, and the module has no spec that could name it"
    if service is None:
        if name in spec.custom_services:
            return None
        return f"{name} is neither a catalog service nor a custom service of spec {spec.name!r}"
    if service.key not in spec.services and not spec.workloads:
        return f"service {service.key!r} ({name}) is not among the services of spec {spec.name!r}"
    expected = _regional_name(service, spec.region)
    if name != expected:
        return f"{name} is not {service.key!r} in the spec's region {spec.region} ({expected or 'not offered there'})"
    return None


def check_endpoint_services(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for e in module.of_type("aws_vpc_endpoint"):
        name = literal(module, e, e.values.get("service_name"))
        kind = literal(module, e, e.values.get("vpc_endpoint_type"))
        lattice = [a for a in ("resource_configuration_arn", "service_network_arn") if e.values.get(a) not in (None, "")]
        if kind in ("Resource", "ServiceNetwork") or (lattice and not name):
            yield code("NS513").at(e.location, f"{e.address}: endpoint to a VPC Lattice {kind or lattice[0]}, "
                                               "which no spec names")
            continue
        if not isinstance(name, str) or not name:
            continue  # an expression (NS511) or known only after apply
        problem = _outside(name, spec)
        service_region = literal(module, e, e.values.get("service_region"))
        if problem is None and spec is not None and isinstance(service_region, str) and service_region \
                and service_region != spec.region:
            problem = f"cross-region endpoint to {service_region}, not the spec's region {spec.region}"
        if problem:
            yield code("NS513").at(e.location, f"{e.address}: {problem}")
