"""The changes a spec diff reports, their cost, and what they are called (pure data)."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Mapping

from .. import cost
from ..model import Network

class Status(str, enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    """One difference, e.g. kind `bucket.access`, subject `my-bucket`, before `read`, after `read-write`."""

    kind: str  # "<facet>.<verb>": zone.added, service.removed, bucket.access, flow_logs.off, ...
    subject: str  # the zone, service, bucket or tag key; the facet itself for single values
    before: str | None
    after: str | None
    widens: bool = False  # the VPC can reach more, or is watched less
    narrows: bool = False
    destructive: bool = False  # Terraform replaces or deletes infrastructure
    reason: str = ""  # why a reviewer should look; empty when nothing to say

    @property
    def needs_review(self) -> bool:
        return self.widens or self.destructive

    @property
    def effect(self) -> str:
        parts = [name for name, on in (("widens", self.widens), ("narrows", self.narrows),
                                       ("destructive", self.destructive)) if on]
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "needs_review": self.needs_review}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Change":
        return cls(**{f.name: data[f.name] for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class CostChange:
    """The fixed monthly cost of a network's endpoints before and after (0 where the network is absent;
    None where its region has no confirmed price), and its interface endpoint-zone-hours."""

    before: Decimal | None
    after: Decimal | None
    hours_before: int = 0
    hours_after: int = 0
    notes: tuple[str, ...] = ()  # "no confirmed price for REGION"

    @classmethod
    def of(cls, before: Network | None, after: Network | None) -> "CostChange":
        costs = [cost.monthly_cost(n) if n is not None else None for n in (before, after)]
        notes = tuple(dict.fromkeys(c.note for c in costs if c is not None and c.note))
        amounts = [(c.monthly if c is not None else Decimal("0")) for c in costs]
        hours = [(c.endpoint_zone_hours if c is not None else 0) for c in costs]
        return cls(amounts[0], amounts[1], hours[0], hours[1], notes)

    @property
    def priced(self) -> bool:
        return self.before is not None and self.after is not None

    @property
    def delta(self) -> Decimal | None:
        """after - before; 0 when nothing billed changed, even without a price."""
        if self.priced:
            return self.after - self.before  # type: ignore[operator]
        return Decimal("0") if self.hours_before == self.hours_after and len(self.notes) == 1 else None

    def as_dict(self) -> dict[str, object]:
        return {"currency": cost.CURRENCY, "before": cost.money_value(self.before),
                "after": cost.money_value(self.after), "delta": cost.money_value(self.delta),
                "endpoint_zone_hours_before": self.hours_before, "endpoint_zone_hours_after": self.hours_after,
                "notes": list(self.notes)}

    def line(self) -> str:
        if self.priced:
            return f"{cost.money(self.before)} → {cost.money(self.after)} ({cost.money(self.delta, sign=True)})"
        return (f"unknown ({'; '.join(self.notes)}); {self.hours_before:,} → {self.hours_after:,} interface "
                "endpoint-zone-hours a month")


@dataclass(frozen=True)
class TotalCost:
    """A pull request's cost change: summed over the networks with a confirmed price on both sides."""

    before: Decimal
    after: Decimal
    not_counted: tuple[tuple[str, str], ...]  # (network, why) left out of the sums

    @property
    def delta(self) -> Decimal:
        return self.after - self.before

    def as_dict(self) -> dict[str, object]:
        return {"currency": cost.CURRENCY, "before": cost.money_value(self.before), "after": cost.money_value(self.after),
                "delta": cost.money_value(self.delta),
                "not_counted": [{"network": n, "why": why} for n, why in self.not_counted]}

    def line(self) -> str:
        text = f"{cost.money(self.before)} → {cost.money(self.after)} ({cost.money(self.delta, sign=True)})"
        if self.not_counted:
            text += "; not counted: " + ", ".join(f"`{n}` ({why})" for n, why in self.not_counted)
        return text


@dataclass(frozen=True)
class SpecDiff:
    label: str  # how the spec is shown: its path, or its name
    name: str  # the network's name (the new one when both sides exist)
    status: Status
    changes: tuple[Change, ...]
    cost: CostChange = CostChange(Decimal("0"), Decimal("0"))

    @property
    def review(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.needs_review)

    def summary(self) -> str:
        """One line: how many changes of which kind, and how many need review."""
        if self.status is Status.UNCHANGED:
            return "no network changes"
        counts = Counter(c.kind for c in self.changes)
        kinds = ", ".join(f"{n} {KIND_TITLES.get(k, k)}" for k, n in counts.items())
        review = len(self.review)
        verdict = f"{review} need review" if review else "none needs review"
        return f"{len(self.changes)} change(s): {kinds}; {verdict}"

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "name": self.name, "status": self.status.value,
                "summary": self.summary(), "needs_review": len(self.review),
                "changes": [c.as_dict() for c in self.changes], "cost": self.cost.as_dict()}


KIND_TITLES: Mapping[str, str] = {
    "network.added": "network added", "network.removed": "network removed",
    "name.renamed": "renamed", "region.changed": "region changed",
    "account.added": "account pinned", "account.removed": "account unpinned", "account.changed": "account changed", "cidr.changed": "VPC CIDR changed",
    "zone.added": "zone added", "zone.removed": "zone removed", "zone.changed": "subnet CIDR changed",
    "workload.added": "workload added", "workload.removed": "workload removed", "workload.changed": "workload changed",
    "service.added": "service added", "service.removed": "service removed", "service.changed": "service changed",
    "aws_bucket.added": "AWS bucket added", "aws_bucket.removed": "AWS bucket removed",
    "aws_bucket.changed": "AWS bucket changed",
    "bucket_owner.added": "bucket owner pinned", "bucket_owner.removed": "bucket owner unpinned",
    "bucket_owner.changed": "bucket owner changed",
    "perimeter.added": "perimeter member added", "perimeter.removed": "perimeter member removed",
    "dns.added": "DNS setting added", "dns.removed": "DNS setting removed", "dns.changed": "DNS setting changed",
    "traffic.added": "group traffic added", "traffic.removed": "group traffic removed",
    "traffic.changed": "group traffic changed",
    "bucket.added": "bucket added", "bucket.removed": "bucket removed", "bucket.access": "bucket access changed",
    "flow_logs.on": "flow logs on", "flow_logs.off": "flow logs off", "flow_logs.retention": "flow log retention",
    "tag.added": "tag added", "tag.removed": "tag removed", "tag.changed": "tag changed",
}
