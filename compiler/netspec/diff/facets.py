"""Each aspect of a network read as {subject: value}, compared, and classified: does a change
widen what the VPC can reach, narrow it, or replace infrastructure?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from ..model import Access, Network
from .changes import Change, CostChange, SpecDiff, Status


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
