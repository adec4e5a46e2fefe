"""Security groups: NS504 (open to the internet) and NS505 (the default group).

A group's rules are judged together, per direction: rules whose CIDRs (prefix lists
expanded) together cover 0.0.0.0/0 or ::/0 open the group to everything, however they
are split. A rule whose group the audit cannot tell counts towards every group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ...codes import code
from ...findings import Finding
from ..model import Module, Resource
from ..spec import Expectation
from .common import blocks, covered, covers, listed, literal, literal_strings, resolve_target, same_family
from .routes import prefix_list_cidrs

DIRECTIONS = ("ingress", "egress")
# Standalone rule resources: (type, CIDR attributes, prefix-list attribute).
RULE_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "aws_vpc_security_group_ingress_rule": (("cidr_ipv4", "cidr_ipv6"), "prefix_list_id"),
    "aws_vpc_security_group_egress_rule": (("cidr_ipv4", "cidr_ipv6"), "prefix_list_id"),
    "aws_security_group_rule": (("cidr_blocks", "ipv6_cidr_blocks"), "prefix_list_ids"),
}
GROUP_TYPES = ("aws_security_group", "aws_default_security_group")
_INLINE = (("cidr_blocks", "ipv6_cidr_blocks"), "prefix_list_ids")


@dataclass(frozen=True)
class Rule:
    holder: Resource  # a rule resource, or the group holding an inline rule
    values: dict[str, Any]
    direction: str | None  # None: the audit cannot tell (counts as both)
    group: str | None  # address (or id) of the group; None: cannot tell
    cidr_keys: tuple[str, ...]
    prefix_key: str
    inline: bool

    @property
    def label(self) -> str:
        return f"{self.holder.address} (inline {self.direction} rule)" if self.inline else self.holder.address


def rules(module: Module) -> Iterator[Rule]:
    for type_, (cidr_keys, prefix_key) in RULE_TYPES.items():
        for r in module.of_type(type_):
            if type_ == "aws_security_group_rule":
                kind = literal(module, r, r.values.get("type"))
                direction = kind if kind in DIRECTIONS else None
            else:
                direction = type_.rsplit("_", 2)[-2]
            group = resolve_target(module, r, "security_group_id")
            yield Rule(r, r.values, direction, group[0] if group else None, cidr_keys, prefix_key, False)
    for r in module.of_type(*GROUP_TYPES):
        for direction in DIRECTIONS:
            for block in blocks(r.values, direction):
                yield Rule(r, block, direction, r.address, *_INLINE, True)


def rule_cidrs(module: Module, rule: Rule) -> list[str]:
    """Every CIDR a rule admits, prefix lists expanded (what cannot be read is NS511's)."""
    cidrs = [c for key in rule.cidr_keys for c in literal_strings(module, rule.holder, rule.values.get(key))]
    attribute = (rule.direction or "ingress") if rule.inline else rule.prefix_key
    for prefix in listed(rule.values.get(rule.prefix_key)):
        if prefix not in (None, ""):
            cidrs += prefix_list_cidrs(module, rule.holder, prefix, attribute) or []
    if not rule.inline and rule.holder.planned and rule.prefix_key in rule.holder.unknown:
        cidrs += prefix_list_cidrs(module, rule.holder, None, rule.prefix_key) or []
    return cidrs


def check_open_security_groups(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    groups: dict[tuple[str | None, str | None], list[tuple[Rule, list[str]]]] = {}
    for rule in rules(module):
        cidrs = rule_cidrs(module, rule)
        if cidrs:
            groups.setdefault((rule.group, rule.direction), []).append((rule, cidrs))
    known = sorted({g for g, _ in groups if g is not None}) or [None]
    for group in known:
        for direction in DIRECTIONS:
            members = [m for (g, d), ms in groups.items() for m in ms
                       if g in (group, None) and d in (direction, None)]
            yield from _open(group, direction, members)


def _open(group: str | None, direction: str, members: list[tuple[Rule, list[str]]]) -> Iterator[Finding]:
    for everything in covered(c for _, cidrs in members for c in cidrs):
        alone = [(r, cidrs) for r, cidrs in members if everything in covered(cidrs)]
        for r, cidrs in alone:
            yield code("NS504").at(r.holder.location, f"{r.label}: {direction} rule allows {', '.join(cidrs)}, "
                                                      f"which covers {everything}")
        if alone:
            continue
        family = [(r, cidrs) for r, cidrs in members if same_family(cidrs, everything)]
        parts = "; ".join(f"{r.label} -> {', '.join(cidrs)}" for r, cidrs in family)
        first, *rest = sorted((r for r, _ in family), key=lambda r: r.holder.location)
        yield code("NS504").at(first.holder.location, f"{direction} rules of {group or 'a group the audit cannot tell'} "
                                                      f"together allow {everything}: {parts}",
                               related=tuple(r.holder.location for r in rest))


def check_default_security_group(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    defaults = module.of_type("aws_default_security_group")
    for r in defaults:
        kinds = [k for k in DIRECTIONS if blocks(r.values, k)]
        if kinds:
            yield code("NS505").at(r.location, f"{r.address}: default security group has {' and '.join(kinds)} rules")
    default_addresses = {d.address for d in defaults}
    for rule in rules(module):
        named = rule.holder.points_at("security_group_id") if not rule.inline else frozenset()
        if not rule.inline and (rule.group in default_addresses
                                or any(t.startswith("aws_default_security_group.") for t in named)):
            yield code("NS505").at(rule.holder.location, f"{rule.label}: adds a rule to the default security group")
    # An unmanaged default group keeps AWS's allow-all-within-the-group rules.
    for vpc in module.of_type("aws_vpc"):
        if not any(covers(d, vpc, "vpc_id") for d in defaults):
            yield code("NS505").at(vpc.location, f"{vpc.address}: no aws_default_security_group manages "
                                                 "this VPC's default group")
