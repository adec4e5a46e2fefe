"""One small check per NS5xx code, each a pure function of a Module (and the spec, if given).

The checks read the resources as Terraform would create them and know nothing about
how netspec wrote them: a hand edit, an override file or a compiler bug all look the same.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Callable, Iterable, Iterator

from .. import catalog
from ..codes import code
from ..findings import Finding
from .inputs import Module, Resource
from .policy import PolicyError, Statement, parse
from .spec import Expectation

Check = Callable[[Module, "Expectation | None"], Iterable[Finding]]


# --- small helpers ------------------------------------------------------------------


def _true(value: Any) -> bool:
    """Terraform JSON may spell booleans as strings."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _everywhere(cidr: Any) -> bool:
    """0.0.0.0/0, ::/0 and any other spelling of a zero-length prefix."""
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _blocks(resource: Resource, kind: str) -> list[dict[str, Any]]:
    """Nested blocks of one kind (`ingress`, `route`), written plainly or as `dynamic` content."""
    found = [b for b in _listed(resource.values.get(kind)) if isinstance(b, dict)]
    for dynamic in _listed(resource.values.get("dynamic")):
        if isinstance(dynamic, dict):
            for block in _listed(dynamic.get(kind)):
                if isinstance(block, dict):
                    found.extend(c for c in _listed(block.get("content")) if isinstance(c, dict))
    return found


def _covers(child: Resource, vpc: Resource, attribute: str) -> bool:
    """Does `child.attribute` point at `vpc`? A plan value known only after apply gets the benefit of the doubt."""
    if child.refers_to(vpc, attribute):
        return True
    unresolved = child.values.get(attribute) is None and not any(r.startswith("aws_vpc.") for r in child.refs)
    return child.planned and unresolved and attribute in (child.configured or {attribute})


# --- NS501 internet, NAT and egress-only gateways ----------------------------------

GATEWAY_TYPES: dict[str, str] = {
    "aws_internet_gateway": "internet gateway",
    "aws_internet_gateway_attachment": "internet gateway attachment",
    "aws_nat_gateway": "NAT gateway",
    "aws_egress_only_internet_gateway": "egress-only internet gateway",
    "aws_ec2_carrier_gateway": "carrier gateway",
}


def check_gateways(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for r in module.of_type(*GATEWAY_TYPES):
        yield code("NS501").at(r.location, f"{r.address}: {GATEWAY_TYPES[r.type]} gives the network an internet path")


# --- NS502 routes to the internet ---------------------------------------------------

# Route targets that lead out of the VPC to the internet, by attribute.
_ALWAYS_INTERNET = ("nat_gateway_id", "egress_only_gateway_id", "carrier_gateway_id")
_INTERNET_ID_PREFIXES = ("igw-", "nat-", "eigw-", "cagw-")


def _internet_target(route: dict[str, Any], refs: Iterable[str] = ()) -> str | None:
    for attribute in _ALWAYS_INTERNET:
        if route.get(attribute):
            return f"{attribute} {route[attribute]}"
    gateway = route.get("gateway_id")
    if isinstance(gateway, str) and (gateway.startswith(_INTERNET_ID_PREFIXES)
                                     or any(f"{t}." in gateway for t in GATEWAY_TYPES)):
        return f"gateway_id {gateway}"
    for ref in refs:  # plans: the target is unknown until apply, but its reference is not
        if ref.split(".")[0] in GATEWAY_TYPES:
            return ref
    return None


def _route_problems(route: dict[str, Any], cidr_keys: tuple[str, ...], refs: Iterable[str] = ()) -> list[str]:
    problems = [f"{k} {route[k]} sends all traffic out" for k in cidr_keys if _everywhere(route.get(k))]
    target = _internet_target(route, refs)
    if target:
        problems.append(f"targets {target}")
    return problems


def check_routes(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for r in module.of_type("aws_route"):
        problems = _route_problems(r.values, ("destination_cidr_block", "destination_ipv6_cidr_block"), r.refs)
        if problems:
            yield code("NS502").at(r.location, f"{r.address}: route {'; '.join(problems)}")
    for r in module.of_type("aws_route_table", "aws_default_route_table"):
        for route in _blocks(r, "route"):
            problems = _route_problems(route, ("cidr_block", "ipv6_cidr_block"))
            if problems:
                yield code("NS502").at(r.location, f"{r.address}: inline route {'; '.join(problems)}")


# --- NS503 public addresses -----------------------------------------------------------

# (resource type, attribute that hands out public addresses when true)
PUBLIC_ADDRESS_FLAGS: tuple[tuple[str, str], ...] = (
    ("aws_subnet", "map_public_ip_on_launch"),
    ("aws_subnet", "assign_ipv6_address_on_creation"),
    ("aws_default_subnet", "map_public_ip_on_launch"),
    ("aws_default_subnet", "assign_ipv6_address_on_creation"),
    ("aws_instance", "associate_public_ip_address"),
)


def check_public_addresses(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for type_, attribute in PUBLIC_ADDRESS_FLAGS:
        for r in module.of_type(type_):
            if _true(r.values.get(attribute)):
                yield code("NS503").at(r.location, f"{r.address}: {attribute} is true")
    for r in module.of_type("aws_launch_template"):
        if any(_true(n.get("associate_public_ip_address")) for n in _blocks(r, "network_interfaces")):
            yield code("NS503").at(r.location, f"{r.address}: network interface associates a public IP")
    for r in module.of_type("aws_eip"):
        yield code("NS503").at(r.location, f"{r.address}: Elastic IP is a public address")


# --- NS504 security groups open to the internet -----------------------------------

# (resource type, attributes holding one CIDR or a list of CIDRs)
RULE_CIDRS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aws_vpc_security_group_ingress_rule", ("cidr_ipv4", "cidr_ipv6")),
    ("aws_vpc_security_group_egress_rule", ("cidr_ipv4", "cidr_ipv6")),
    ("aws_security_group_rule", ("cidr_blocks", "ipv6_cidr_blocks")),
)
_INLINE_CIDRS = ("cidr_blocks", "ipv6_cidr_blocks")


def _open_cidrs(values: dict[str, Any], attributes: tuple[str, ...]) -> list[str]:
    return [str(c) for a in attributes for c in _listed(values.get(a)) if _everywhere(c)]


def check_open_security_groups(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for type_, attributes in RULE_CIDRS:
        for r in module.of_type(type_):
            for cidr in _open_cidrs(r.values, attributes):
                direction = r.values.get("type", type_.rsplit("_", 2)[-2])
                yield code("NS504").at(r.location, f"{r.address}: {direction} rule allows {cidr}")
    for r in module.of_type("aws_security_group", "aws_default_security_group"):
        for kind in ("ingress", "egress"):
            for block in _blocks(r, kind):
                for cidr in _open_cidrs(block, _INLINE_CIDRS):
                    yield code("NS504").at(r.location, f"{r.address}: inline {kind} rule allows {cidr}")


# --- NS505 the default security group --------------------------------------------------

_RULE_TYPES = tuple(t for t, _ in RULE_CIDRS)


def check_default_security_group(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    defaults = module.of_type("aws_default_security_group")
    for r in defaults:
        kinds = [k for k in ("ingress", "egress") if _blocks(r, k)]
        if kinds:
            yield code("NS505").at(r.location, f"{r.address}: default security group has {' and '.join(kinds)} rules")
    for r in module.of_type(*_RULE_TYPES):
        if any(ref.startswith("aws_default_security_group.") for ref in r.refs):
            yield code("NS505").at(r.location, f"{r.address}: adds a rule to the default security group")
    # An unmanaged default group keeps AWS's allow-all-within-the-group rules.
    for vpc in module.of_type("aws_vpc"):
        if not any(_covers(d, vpc, "vpc_id") for d in defaults):
            yield code("NS505").at(vpc.location, f"{vpc.address}: no aws_default_security_group manages this VPC's default group")


# --- endpoint policies: NS506, NS507, NS508, NS509 --------------------------------------


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


def _accepts_policy(endpoint: Resource) -> bool:
    # A service outside the catalog (or a name only known at apply) is assumed to take a
    # policy: nearly all do, and a false alarm is cheaper than a silent full-access default.
    service = catalog_service(endpoint.values.get("service_name"))
    return service.accepts_policy if service is not None else True


def _is_s3(endpoint: Resource | None) -> bool:
    service = catalog_service(endpoint.values.get("service_name")) if endpoint else None
    return service is not None and service.key == "s3"


def _policy_resources(module: Module) -> Iterator[tuple[Resource, Resource | None]]:
    """(resource holding a policy, the endpoint it governs): endpoints and aws_vpc_endpoint_policy."""
    endpoints = module.of_type("aws_vpc_endpoint")
    for e in endpoints:
        if e.values.get("policy") not in (None, ""):
            yield e, e
    for p in module.of_type("aws_vpc_endpoint_policy"):
        yield p, next((e for e in endpoints if p.refers_to(e, "vpc_endpoint_id")), None)


def _statements(holder: Resource) -> list[Statement] | None:
    try:
        return parse(holder.values.get("policy"))
    except PolicyError:
        return None


def check_endpoint_policies_present(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    attached = {id(e) for _, e in _policy_resources(module) if e is not None}
    planned_unknown = {id(e) for e in module.of_type("aws_vpc_endpoint")
                       if e.planned and "policy" in (e.configured or ()) and e.values.get("policy") is None}
    for e in module.of_type("aws_vpc_endpoint"):
        if _accepts_policy(e) and id(e) not in attached | planned_unknown:
            yield code("NS506").at(e.location, f"{e.address}: endpoint for {e.values.get('service_name')} has no policy "
                                               "(AWS then allows full access)")
    # An unreadable policy cannot be shown to limit anything: reported here, as no usable policy.
    for holder, _ in _policy_resources(module):
        try:
            parse(holder.values.get("policy"))
        except PolicyError as exc:
            yield code("NS506").at(holder.location, f"{holder.address}: {exc}")


# Condition keys that pin the caller to an account, organization or ARN.
PRINCIPAL_KEYS = frozenset({"aws:principalaccount", "aws:principalorgid", "aws:principalarn", "aws:principalorgpaths"})
# Operators that limit a key to the listed values (negated and ...IfExists forms do not).
LIMITING_OPERATORS = frozenset({"stringequals", "stringlike", "stringequalsignorecase", "arnequals", "arnlike"})


def _limits_principal(condition: dict[str, Any]) -> bool:
    for operator, tests in condition.items():
        if str(operator).lower() not in LIMITING_OPERATORS or not isinstance(tests, dict):
            continue
        for key, values in tests.items():
            values = [str(v) for v in _listed(values)]
            if str(key).lower() in PRINCIPAL_KEYS and values and not any(set(v) <= set("*?") for v in values):
                return True
    return False


def check_open_policies(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for holder, _ in _policy_resources(module):
        for i, s in enumerate(_statements(holder) or ()):
            open_resource = s.not_resource or "*" in s.resources
            if s.allows and "*" in s.principals and open_resource and not _limits_principal(s.condition):
                yield code("NS507").at(holder.location, f"{holder.address}: statement {i + 1} allows Principal * on "
                                                        "Resource * with no condition on the principal")


_NARROW_S3_RESOURCE = re.compile(r"^arn:aws[a-z-]*:s3:::[A-Za-z0-9][A-Za-z0-9._-]{2}")  # legacy us-east-1 names too


def _broad_s3(statement: Statement) -> list[str]:
    problems = []
    if statement.not_action:
        problems.append("NotAction (every other action)")
    problems += [f"action {a!r}" for a in statement.actions if a.strip().lower() in ("*", "s3:*")]
    if statement.not_resource:
        problems.append("NotResource (every other resource)")
    # A bucket ARN needs a few fixed characters: `*`, `arn:aws:s3:::*` or `arn:*` reach any bucket.
    problems += [f"resource {r!r}" for r in statement.resources if not _NARROW_S3_RESOURCE.match(r)]
    return problems


def check_s3_policy_scope(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for holder, endpoint in _policy_resources(module):
        if not _is_s3(endpoint):
            continue
        for i, s in enumerate(_statements(holder) or ()):
            problems = _broad_s3(s) if s.allows else []
            if problems:
                yield code("NS508").at(holder.location, f"{holder.address}: statement {i + 1} allows {', '.join(problems)}")


def check_s3_buckets_match_spec(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    if spec is None:
        return
    allowed = spec.allowed_s3_resources()
    for holder, endpoint in _policy_resources(module):
        if not _is_s3(endpoint):
            continue
        for i, s in enumerate(_statements(holder) or ()):
            if not s.allows:
                continue
            extra = ["NotResource"] if s.not_resource else [r for r in s.resources if r not in allowed]
            if extra:
                yield code("NS509").at(holder.location, f"{holder.address}: statement {i + 1} reaches "
                                                        f"{', '.join(map(repr, extra))}, not among the buckets of spec {spec.name!r}")


# --- NS510 flow logs ------------------------------------------------------------------


def check_flow_logs(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    logs = module.of_type("aws_flow_log")
    for vpc in module.of_type("aws_vpc"):
        if not any(_covers(log, vpc, "vpc_id") for log in logs):
            yield code("NS510").at(vpc.location, f"{vpc.address}: no aws_flow_log records this VPC's traffic")


# Every check, in code order.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("NS501", check_gateways),
    ("NS502", check_routes),
    ("NS503", check_public_addresses),
    ("NS504", check_open_security_groups),
    ("NS505", check_default_security_group),
    ("NS506", check_endpoint_policies_present),
    ("NS507", check_open_policies),
    ("NS508", check_s3_policy_scope),
    ("NS509", check_s3_buckets_match_spec),
    ("NS510", check_flow_logs),
)


def run_checks(module: Module, spec: Expectation | None) -> list[Finding]:
    return [f for _, check in CHECKS for f in check(module, spec)]
