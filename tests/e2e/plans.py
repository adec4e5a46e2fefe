"""Reading `terraform show -json` plans: what changes, and which changes the emulator causes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

NO_CHANGE = (["no-op"], ["read"])  # "read": data sources are re-read on every plan
REPLACE = (["delete", "create"], ["create", "delete"])
SG_RULE_TYPES = frozenset({"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"})


@dataclass(frozen=True)
class AttributeChange:
    address: str
    rtype: str
    attribute: str
    before: Any
    after: Any  # None also when the value is only known after apply
    unknown: bool

    def __str__(self) -> str:
        after = "(known after apply)" if self.unknown else repr(self.after)
        return f"{self.address}.{self.attribute}: {self.before!r} -> {after}"


def _has_unknown(flags: Any) -> bool:
    """after_unknown mirrors the value's shape with `true` where a value is unknown."""
    if isinstance(flags, dict):
        return any(_has_unknown(v) for v in flags.values())
    if isinstance(flags, list):
        return any(_has_unknown(v) for v in flags)
    return flags is True


def changed_attributes(change: dict) -> list[AttributeChange]:
    """The top-level attributes an update changes, with their before and after values."""
    before = change["change"].get("before") or {}
    after = change["change"].get("after") or {}
    unknown = change["change"].get("after_unknown") or {}
    found = []
    for name in sorted(set(before) | set(after) | set(unknown)):
        is_unknown = _has_unknown(unknown.get(name))
        if is_unknown or before.get(name) != after.get(name):
            found.append(AttributeChange(change["address"], change["type"], name,
                                         before.get(name), after.get(name), is_unknown))
    return found


def emulator_quirk(item: AttributeChange) -> str | None:
    """Why this attribute change is the emulator's doing, or None when it is real drift.

    Each exception is narrow: the resource type, the attribute and the shape of the change
    must all match what the emulator bug produces. Anything else counts as drift.
    """
    if item.rtype in SG_RULE_TYPES and item.attribute == "description":
        # moto 5.2's DescribeSecurityGroupRules reads a rule's Description only from its CIDR
        # range, so rules that reference a security group or a prefix list (every netspec
        # rule) come back without one: the refresh sees null and plans null -> configured text.
        # DescribeSecurityGroups shows the description is stored. Real AWS returns it.
        if item.before is None and isinstance(item.after, str) and item.after and not item.unknown:
            return "moto drops Description of SG-/prefix-list-referencing rules in DescribeSecurityGroupRules"
    if item.rtype in SG_RULE_TYPES and item.attribute == "referenced_security_group_id":
        # When the group owner the emulator reports differs from the caller's account, the
        # provider reads the peer as "<account>/sg-..."; the group itself is unchanged.
        if (isinstance(item.before, str) and isinstance(item.after, str)
                and re.fullmatch(r"\d{12}/" + re.escape(item.after), item.before)):
            return "emulator reports the peer group as <account>/sg-..., the same group"
    return None


@dataclass
class PlanSummary:
    creates: list[str]
    deletes: list[str]
    replaces: list[str]
    updates: dict[str, list[AttributeChange]]  # address -> real (non-emulator) changes
    tolerated: list[tuple[AttributeChange, str]]  # emulator-caused changes with their reason
    other: list[str]  # any other action, e.g. "forget"
    output_changes: dict[str, list[str]]


def summarize(plan: dict) -> PlanSummary:
    summary = PlanSummary([], [], [], {}, [], [], {})
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        address = change["address"]
        if actions in NO_CHANGE:
            continue
        if actions == ["create"]:
            summary.creates.append(address)
        elif actions == ["delete"]:
            summary.deletes.append(address)
        elif actions in REPLACE:
            summary.replaces.append(address)
        elif actions == ["update"]:
            real = []
            for item in changed_attributes(change):
                reason = emulator_quirk(item)
                if reason:
                    summary.tolerated.append((item, reason))
                else:
                    real.append(item)
            if real:
                summary.updates[address] = real
        else:
            summary.other.append(f"{address}: {actions}")
    for name, change in (plan.get("output_changes") or {}).items():
        if change["actions"] != ["no-op"]:
            summary.output_changes[name] = change["actions"]
    return summary


def drift(plan: dict) -> list[str]:
    """Every change in a re-plan that the emulator does not explain; empty means no drift."""
    summary = summarize(plan)
    problems = [f"create {a}" for a in summary.creates]
    problems += [f"delete {a}" for a in summary.deletes]
    problems += [f"replace {a}" for a in summary.replaces]
    problems += [f"update {item}" for items in summary.updates.values() for item in items]
    problems += summary.other
    problems += [f"output {name}: {actions}" for name, actions in summary.output_changes.items()]
    return problems
