"""What a change to a spec does to the network, for reviewing a pull request (pure; no I/O).

`diff_networks` compares two models facet by facet (zones, services, buckets, ...) and
classifies each change: does it widen what the VPC can reach, narrow it, or replace
infrastructure? The renderers turn the result into a PR comment or JSON; `cli.py` is the
edge that reads files and asks git for the old versions.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Callable, Mapping

from . import cost
from .model import Access, Network


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


# --- classifying ------------------------------------------------------------------------

@dataclass(frozen=True)
class Effect:
    widens: bool = False
    narrows: bool = False
    destructive: bool = False
    reason: str = ""


NEUTRAL = Effect()

# What each access level lets a principal do, as capabilities: a change widens when the
# new level has a capability the old one lacked, and narrows in the opposite case. read
# <-> write therefore does both, which is exactly what a reviewer should be told.
_CAPABILITIES: Mapping[str, frozenset[str]] = {
    Access.READ.value: frozenset({"read"}),
    Access.WRITE.value: frozenset({"write"}),
    Access.READ_WRITE.value: frozenset({"read", "write"}),
}


def _wildcard_note(bucket: str) -> str:
    return f"; wildcard: every bucket named {bucket[:-1]}... in any account" if bucket.endswith("*") else ""


def _bucket(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        return Effect(widens=True,
                      reason=f"the VPC can reach a new bucket with {after} access{_wildcard_note(subject)}")
    if verb == "removed":
        return Effect(narrows=True)
    gained = _CAPABILITIES[after or ""] - _CAPABILITIES[before or ""]
    lost = _CAPABILITIES[before or ""] - _CAPABILITIES[after or ""]
    reason = ""
    if gained:
        reason = f"access widened from {before} to {after}: adds {' and '.join(sorted(gained))}"
        if lost:
            reason += f" and removes {' and '.join(sorted(lost))}"
        reason += _wildcard_note(subject)
    return Effect(widens=bool(gained), narrows=bool(lost), reason=reason)


def _service(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        if after and after.startswith(OWN_SERVICE):
            return Effect(widens=True, reason=f"new interface endpoint to a PrivateLink service outside AWS's catalog "
                                              f"({after[len(OWN_SERVICE):]}): check who runs it and what it accepts")
        where = "on every route table" if after == "Gateway" else "in every subnet"
        return Effect(widens=True, reason=f"new {after} endpoint {where}: the VPC can reach {subject}")
    if verb == "changed" and after and after.startswith(OWN_SERVICE):
        return Effect(widens=True, reason=f"the endpoint now leads to another service: {after[len(OWN_SERVICE):]}")
    return Effect(narrows=True) if verb == "removed" else NEUTRAL


def _workload(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        return Effect(widens=True, reason=f"workload {subject} added: it brings {after or 'no new endpoints'}")
    if verb == "removed":
        return Effect(narrows=True)
    return NEUTRAL


def _implied_bucket(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        return Effect(widens=True, reason=f"the S3 endpoint now lets {subject} through ({after})")
    return Effect(narrows=True) if verb == "removed" else NEUTRAL


def _owner(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "removed":
        return Effect(widens=True, reason=f"bucket {subject} is no longer pinned to account {before}: any matching "
                                          "bucket inside the perimeter is reached")
    if verb == "changed":
        return Effect(widens=True, narrows=True, reason=f"bucket {subject} now belongs to account {after}, not {before}")
    return Effect(narrows=True) if verb == "added" else NEUTRAL


def _perimeter(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        return Effect(widens=True, reason=f"{subject} {after} joins the perimeter: its principals and resources are "
                                          "trusted by every endpoint")
    return Effect(narrows=True) if verb == "removed" else NEUTRAL


def _dns(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if subject == "query logs" and verb in ("removed", "changed") and after != "on":
        return Effect(widens=True, reason="the VPC's DNS queries are no longer recorded")
    if subject == "firewall" and (verb == "removed" or after == "alert"):
        return Effect(widens=True, reason="DNS no longer blocks names outside the allowed domains: DNS is a way out again")
    if subject.startswith("allowed "):
        return Effect(widens=True, reason=f"the DNS firewall now resolves {subject[8:]}") if verb == "added" else \
            Effect(narrows=True)
    return NEUTRAL


def _traffic(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        return Effect(widens=True, reason=f"members of the workload group may now reach each other with {subject.lower()} "
                                          f"({after})")
    return Effect(narrows=True) if verb == "removed" else NEUTRAL


def _zone(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    # A subnet's CIDR cannot change in place, and a removed zone takes its subnet with it:
    # whatever runs there (and the endpoint interfaces in it) is recreated or gone.
    if verb == "removed":
        return Effect(destructive=True, reason=f"deletes the subnet of {subject} ({before}) and everything in it")
    if verb == "changed":
        return Effect(destructive=True, reason=f"replaces the subnet of {subject}: everything in it is recreated")
    return NEUTRAL


def _flow_logs(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "removed":
        return Effect(widens=True, reason="VPC traffic is no longer recorded")
    return NEUTRAL


def _replaces_vpc(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    return Effect(destructive=True, reason=f"{subject} {before} -> {after} replaces the whole VPC and everything in it")


def _moves_account(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    if verb == "added":
        return Effect(reason=f"the provider now runs in account {after} only")
    return Effect(destructive=True, reason=f"the network moves from account {before or 'any'} to {after or 'any'}: "
                                           "applied there it is a new network, and the old one stays until destroyed")


def _renamed(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    return Effect(destructive=True, reason=f"the module moves from out/{before}/ to out/{after}/: applied there it is "
                                            f"a new network, and the old one stays until destroyed")


def _neutral(verb: str, subject: str, before: str | None, after: str | None) -> Effect:
    return NEUTRAL


@dataclass(frozen=True)
class Facet:
    """One aspect of a network, read as {subject: value} so one loop can diff them all."""

    name: str
    read: Callable[[Network], Mapping[str, str]]
    classify: Callable[[str, str, str | None, str | None], Effect]
    verbs: tuple[str, str, str] = ("added", "removed", "changed")  # kind suffix per direction


def _single(name: str, value: Callable[[Network], str]) -> Callable[[Network], Mapping[str, str]]:
    return lambda n: {name: value(n)}


def _retention(n: Network) -> Mapping[str, str]:
    return {"flow_logs": f"{n.flow_logs.retention_days} days"} if n.flow_logs else {}


OWN_SERVICE = "own service "  # how a team's own PrivateLink service shows in the service facet


def _services(n: Network) -> Mapping[str, str]:
    return {e.service.key: (OWN_SERVICE + e.service_name) if e.service.custom else e.service.endpoint_type.value
            for e in n.endpoints}


def _members(n: Network) -> Mapping[str, str]:
    members = {f"account {a}": "member" for a in n.perimeter.accounts if not a.startswith("${")}
    if n.perimeter.org_id:
        members[f"organization {n.perimeter.org_id}"] = "member"
    return members


def _dns_settings(n: Network) -> Mapping[str, str]:
    found = {"query logs": "on" if n.logging.dns_query_logs else "off"}
    if n.firewall is not None:
        found["firewall"] = n.firewall.mode
        found.update({f"allowed {d}": "allowed" for d in n.firewall.allowed})
    return found


def _workloads(n: Network) -> Mapping[str, str]:
    """Each workload with the endpoints it brings, named in workload terms for a reviewer."""
    brought: dict[str, list[str]] = {w: [] for w in n.workloads}
    for e in n.endpoints:
        for r in e.reasons:
            for w in n.workloads:
                if r.by == f"workload {w}" or r.by.endswith(f"(via {w})"):
                    brought[w].append(e.service.key)
    return {w: ", ".join(dict.fromkeys(keys)) for w, keys in brought.items()}


# Order here is the order of a report: what replaces the VPC first, then what it reaches.
FACETS: tuple[Facet, ...] = (
    Facet("name", _single("name", lambda n: n.name), _renamed, verbs=("added", "removed", "renamed")),
    Facet("account", lambda n: {"account": n.account} if n.account else {}, _moves_account),
    Facet("region", _single("region", lambda n: n.region.name), _replaces_vpc),
    Facet("cidr", _single("cidr", lambda n: n.cidr_text), _replaces_vpc),
    Facet("zone", lambda n: {s.zone: s.text for s in n.subnets}, _zone),
    Facet("workload", _workloads, _workload),
    Facet("service", _services, _service),
    Facet("bucket", lambda n: {b.name: b.access.value for b in n.buckets}, _bucket,
          verbs=("added", "removed", "access")),
    Facet("bucket_owner", lambda n: {b.name: b.account for b in n.buckets if b.account}, _owner),
    Facet("perimeter", _members, _perimeter),
    Facet("dns", _dns_settings, _dns),
    Facet("aws_bucket", lambda n: {i.name: f"{i.bucket.summary}, {', '.join(i.bucket.actions)}"
                                   for i in n.implied_buckets}, _implied_bucket),
    Facet("traffic", lambda n: {t.traffic.what: t.traffic.purpose for t in n.group_traffic}, _traffic),
    Facet("flow_logs", _retention, _flow_logs, verbs=("on", "off", "retention")),
    Facet("tag", lambda n: dict(n.tags), _neutral),
)

# Facets that describe the VPC as a whole: meaningless when a whole spec appears or goes.
_WHOLE = frozenset({"name", "account", "region", "cidr"})

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


def _facet_changes(facet: Facet, before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    added, removed, changed = facet.verbs
    changes = []
    for subject in sorted(before.keys() | after.keys()):
        old, new = before.get(subject), after.get(subject)
        if old == new:
            continue
        verb = added if old is None else removed if new is None else changed
        # classify by direction, not by the facet's wording of it
        direction = "added" if old is None else "removed" if new is None else "changed"
        effect = facet.classify(direction, subject, old, new)
        changes.append(Change(f"{facet.name}.{verb}", subject, old, new, effect.widens, effect.narrows,
                              effect.destructive, effect.reason))
    return changes


def diff_networks(before: Network | None, after: Network | None, label: str | None = None) -> SpecDiff:
    """Every change from `before` to `after`; None on a side means the spec is absent there."""
    name = (after or before).name if (after or before) else ""
    label = label or name
    if before is None and after is None:
        return SpecDiff(label, name, Status.UNCHANGED, ())
    if after is None:
        assert before is not None
        # Deleting a spec does not destroy anything by itself, but the next apply from its
        # out/<name>/ (or a CI that prunes it) does; the details all go with it.
        gone = Change("network.removed", before.name, f"{before.cidr_text} in {before.region.name}", None,
                      narrows=True, destructive=True, reason="the spec is gone: its VPC and everything in it "
                                                             "are destroyed when its module is")
        return SpecDiff(label, name, Status.REMOVED, (gone,), CostChange.of(before, None))
    changes: list[Change] = []
    if before is None:
        changes.append(Change("network.added", after.name, None, f"{after.cidr_text} in {after.region.name}"))
    for facet in FACETS:
        if before is None and facet.name in _WHOLE:
            continue
        changes += _facet_changes(facet, facet.read(before) if before else {}, facet.read(after))
    if before is None and after.flow_logs is None:
        # Nothing to compare with, but a new VPC that records no traffic is still news.
        changes.append(Change("flow_logs.off", "flow_logs", None, "off", widens=True,
                              reason="the new VPC records no traffic (flow_logs: false)"))
    status = Status.ADDED if before is None else Status.CHANGED if changes else Status.UNCHANGED
    return SpecDiff(label, name, status, tuple(changes), CostChange.of(before, after))


# --- rendering --------------------------------------------------------------------------

class DiffFormat(str, enum.Enum):
    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(frozen=True)
class DiffReport:
    base: str  # what the old side is: a git ref, or the old file
    specs: tuple[SpecDiff, ...]
    failed: tuple[str, ...] = ()  # specs with a side that does not compile: no diff to show


def _code(text: str | None) -> str:
    """A table cell in a code span; `|` would end the cell even there."""
    return "" if text is None else "`" + text.replace("`", "'").replace("|", "\\|") + "`"


class MarkdownDiff:
    """A PR comment: a heading per changed spec, its table, and what needs review."""

    def render(self, report: DiffReport) -> str:
        changed = [d for d in report.specs if d.status is not Status.UNCHANGED]
        review = sum(len(d.review) for d in report.specs)
        lines = [f"## netspec diff against {_code(report.base)}", "",
                 f"{len(changed)} of {len(report.specs)} spec(s) change the network"
                 + (f"; **{review} change(s) need review**." if review else "; nothing needs review."), ""]
        total = total_cost(report)
        if total.delta or total.not_counted:
            lines += [f"Monthly endpoint cost of these networks, fixed (before traffic): {total.line()}", ""]
        if report.failed:
            lines += ["**⚠ does not compile, not compared:** " + ", ".join(_code(f) for f in report.failed)
                      + " (findings on stderr)", ""]
        for d in changed:
            lines += self._spec(d)
        unchanged = [d.label for d in report.specs if d.status is Status.UNCHANGED]
        if unchanged:
            lines += ["Unchanged: " + ", ".join(_code(u) for u in unchanged), ""]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _spec(self, d: SpecDiff) -> list[str]:
        lines = [f"### {_code(d.name)} ({d.status.value}, {_code(d.label)})", "", d.summary(), ""]
        if d.cost.delta != 0:
            lines += [f"Monthly endpoint cost: {d.cost.line()}", ""]
        lines += ["| change | subject | before | after | effect |", "| --- | --- | --- | --- | --- |"]
        for c in d.changes:
            effect = c.effect.replace("widens", "**widens**").replace("destructive", "**destructive**")
            lines.append(f"| {KIND_TITLES.get(c.kind, c.kind)} | {_code(c.subject)} | {_code(c.before)} "
                         f"| {_code(c.after)} | {effect} |")
        lines.append("")
        if d.review:
            lines += ["#### ⚠ needs review", ""]
            lines += [f"- **{KIND_TITLES.get(c.kind, c.kind)}** {_code(c.subject)}: {c.reason}" for c in d.review]
            lines.append("")
        return lines


class JsonDiff:
    """Stable keys, sorted, for bots and CI gates (`needs_review` counts per spec and in all)."""

    def render(self, report: DiffReport) -> str:
        document = {"base": report.base, "specs": [d.as_dict() for d in report.specs], "failed": list(report.failed),
                    "needs_review": sum(len(d.review) for d in report.specs), "cost": total_cost(report).as_dict()}
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def total_cost(report: DiffReport) -> TotalCost:
    """The cost change of the whole pull request, over the networks priced on both sides; a network
    without a confirmed price is named (unless nothing it is billed for changed)."""
    priced = [d.cost for d in report.specs if d.cost.priced]
    left_out = tuple((d.name, "; ".join(d.cost.notes)) for d in report.specs if not d.cost.priced and d.cost.delta != 0)
    return TotalCost(sum((c.before for c in priced), Decimal("0")),  # type: ignore[misc]
                     sum((c.after for c in priced), Decimal("0")), left_out)  # type: ignore[misc]


RENDERERS = {DiffFormat.MARKDOWN: MarkdownDiff(), DiffFormat.JSON: JsonDiff()}


def render(report: DiffReport, fmt: DiffFormat) -> str:
    return RENDERERS[fmt].render(report)
