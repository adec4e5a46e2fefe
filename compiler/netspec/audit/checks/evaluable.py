"""NS511: a security-relevant value the audit cannot evaluate is a finding, not a pass.

The rule. Each attribute the checks read is listed in `ATTRIBUTES` with what may stand
there (see `values.py` for how a configuration string is decided):

* `LITERAL` (CIDRs, public-address switches, traffic type, retention, service names, rule
  direction): a literal, or a plain reference to a literal attribute of a resource in the
  same module (`${aws_vpc.main.cidr_block}`), which is read through. A variable, a local,
  a function call, any interpolation mixed into the text (`0.0.0.0/${0}`, `${true}`), or a
  reference the audit cannot read through (a data source, a computed attribute) is NS511.
* `TARGET` (what a rule, route, flow log or policy belongs to: ids and ARNs): a literal, a
  plain reference, or a template of plain references; an expression is NS511.
* `POLICY` (endpoint policies): JSON text, literal or with plain-reference interpolations
  (`${data.aws_caller_identity.current.account_id}`), which the policy checks then read.
  A policy built by an expression (`jsonencode(...)`, a variable, a data source's `json`)
  is NS511.
* `count` and `for_each` of every resource type listed here: literal, or NS511 (the audit
  cannot tell whether the resource exists; it is checked as if it did).
* Prefix-list ids (routes, rules): the list must be one the audit can read: a managed
  prefix list of the module, or a gateway endpoint's own list (AWS service ranges).
* A `module` block: the configuration it calls is not read by the audit.

Plans: Terraform has evaluated every expression, so none of the above applies; a `LITERAL`
or `POLICY` attribute the configuration sets but whose value is known only after apply is
NS511 (ids and ARNs known only after apply, the usual case, are not; neither are
attributes the configuration leaves to the provider).
"""

from __future__ import annotations

from typing import Any, Iterator

from ...codes import code
from ...findings import Finding
from ..model import Module, Resource
from ..spec import Expectation
from ..values import Expression, Reference, Template, is_literal
from .common import at_path, listed
from .routes import ROUTE_TARGETS, prefix_list_cidrs, routes
from .security_groups import rules

LITERAL, TARGET, POLICY = "a literal", "a reference or literal", "a policy document"

_ROUTE_TYPES = ("aws_route",)
_TABLES = ("aws_route_table", "aws_default_route_table")
_VPC_RULES = ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
_GROUPS = ("aws_security_group", "aws_default_security_group")

# (resource types, attribute path, what may stand there)
ATTRIBUTES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (_ROUTE_TYPES, "destination_cidr_block", LITERAL),
    (_ROUTE_TYPES, "destination_ipv6_cidr_block", LITERAL),
    (_ROUTE_TYPES, "route_table_id", TARGET),
    *((_ROUTE_TYPES, target, TARGET) for target in ROUTE_TARGETS),
    (_TABLES, "route.cidr_block", LITERAL),
    (_TABLES, "route.ipv6_cidr_block", LITERAL),
    *((_TABLES, f"route.{target}", TARGET) for target in ROUTE_TARGETS),
    (_VPC_RULES, "cidr_ipv4", LITERAL),
    (_VPC_RULES, "cidr_ipv6", LITERAL),
    (_VPC_RULES, "security_group_id", TARGET),
    (("aws_security_group_rule",), "type", LITERAL),
    (("aws_security_group_rule",), "cidr_blocks", LITERAL),
    (("aws_security_group_rule",), "ipv6_cidr_blocks", LITERAL),
    (("aws_security_group_rule",), "security_group_id", TARGET),
    *((_GROUPS, f"{direction}.{key}", LITERAL) for direction in ("ingress", "egress")
      for key in ("cidr_blocks", "ipv6_cidr_blocks")),
    (_GROUPS, "vpc_id", TARGET),
    (("aws_ec2_managed_prefix_list",), "entry.cidr", LITERAL),
    (("aws_ec2_managed_prefix_list_entry",), "cidr", LITERAL),
    (("aws_ec2_managed_prefix_list_entry",), "prefix_list_id", TARGET),
    (("aws_subnet", "aws_default_subnet"), "map_public_ip_on_launch", LITERAL),
    (("aws_subnet", "aws_default_subnet"), "assign_ipv6_address_on_creation", LITERAL),
    (("aws_instance", "aws_spot_instance_request", "aws_launch_configuration"), "associate_public_ip_address", LITERAL),
    (("aws_launch_template",), "network_interfaces.associate_public_ip_address", LITERAL),
    (("aws_lb", "aws_alb", "aws_elb"), "internal", LITERAL),
    (("aws_vpc_endpoint",), "service_name", LITERAL),
    (("aws_vpc_endpoint",), "vpc_endpoint_type", LITERAL),
    (("aws_vpc_endpoint",), "service_region", LITERAL),
    (("aws_vpc_endpoint",), "policy", POLICY),
    (("aws_vpc_endpoint_policy",), "policy", POLICY),
    (("aws_vpc_endpoint_policy",), "vpc_endpoint_id", TARGET),
    (("aws_flow_log",), "vpc_id", TARGET),
    (("aws_flow_log",), "traffic_type", LITERAL),
    (("aws_flow_log",), "log_destination_type", LITERAL),
    (("aws_flow_log",), "log_destination", TARGET),
    (("aws_flow_log",), "log_group_name", TARGET),
    (("aws_cloudwatch_log_group",), "retention_in_days", LITERAL),
)
# Types whose existence the checks rely on, or whose values they read: count and for_each must be literal.
COUNTED = frozenset({"aws_vpc", *(t for types, _, _ in ATTRIBUTES for t in types)})


def _problem(module: Module, resource: Resource, value: Any, kind: str) -> str | None:
    """Why `value` cannot stand where `kind` belongs, or None when it can."""
    if isinstance(value, list) and kind != POLICY:
        return next((p for v in value if (p := _problem(module, resource, v, kind))), None)
    if isinstance(value, Expression):
        return "an expression netspec audit does not evaluate"
    if kind == LITERAL:
        if isinstance(value, Template):
            return "an interpolation where a literal belongs"
        if isinstance(value, Reference):
            resolved = module.resolve(value, resource.module)
            return None if is_literal(resolved) else "a reference netspec audit cannot read through to a literal"
    if kind == POLICY and not isinstance(value, (str, Template)):
        return "a policy built by an expression, which netspec audit cannot read"
    return None


def _attribute_findings(module: Module, r: Resource) -> Iterator[Finding]:
    for types, path, kind in ATTRIBUTES:
        if r.type not in types:
            continue
        if r.planned:
            if kind != TARGET and "." not in path and path in r.unknown and path in r.plan_refs:
                yield code("NS511").at(r.location, f"{r.address}: {path} is known only after apply; "
                                                   f"{kind} belongs here for the audit to check it")
            continue
        for value in at_path(r.values, path):
            problem = _problem(module, r, value, kind)
            if problem:
                yield code("NS511").at(r.location, f"{r.address}: {path} = {_shown(value)}: {problem}")


def _shown(value: Any) -> str:
    text = ", ".join(str(v) for v in listed(value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _prefix_list_findings(module: Module) -> Iterator[Finding]:
    """Prefix lists named by routes and rules must be lists the audit can read."""
    uses: list[tuple[Resource, Any, str]] = []
    for route in routes(module):
        uses.append((route.holder, route.values.get("destination_prefix_list_id"),
                     route.attribute("destination_prefix_list_id")))
    for rule in rules(module):
        attribute = (rule.direction or "ingress") if rule.inline else rule.prefix_key
        uses += [(rule.holder, v, attribute) for v in listed(rule.values.get(rule.prefix_key))]
        if not rule.inline and rule.holder.planned and rule.prefix_key in rule.holder.unknown:
            uses.append((rule.holder, None, rule.prefix_key))
    seen = set()
    for holder, value, attribute in uses:
        unknown = value is None and holder.planned and attribute in holder.unknown
        if (value in (None, "") and not unknown) or isinstance(value, Expression):
            continue  # unset, or an expression the attribute check reports
        if prefix_list_cidrs(module, holder, value, attribute) is None and (holder.address, str(value)) not in seen:
            seen.add((holder.address, str(value)))
            shown = str(value) if value is not None else "a prefix list known only after apply"
            yield code("NS511").at(holder.location, f"{holder.address}: prefix list {shown} is not one netspec audit "
                                                    "can read (a managed prefix list of this module, or a gateway "
                                                    "endpoint's list)")


def check_evaluable(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for r in module.resources:
        if r.type in COUNTED and not r.planned:
            for meta in ("count", "for_each"):
                value = r.values.get(meta)
                if meta in r.values and not is_literal(value):
                    yield code("NS511").at(r.location, f"{r.address}: {meta} = {_shown(value)}: netspec audit cannot "
                                                       "tell whether this resource exists (checked as if it did)")
        yield from _attribute_findings(module, r)
    yield from _prefix_list_findings(module)
    for name, location in module.calls:
        yield code("NS511").at(location, f"module {name!r}: netspec audit does not read the configuration a module "
                                         "block calls, so nothing it creates is checked")
