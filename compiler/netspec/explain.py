"""`netspec explain`: every endpoint, bucket and security-group rule of a network, and why (pure).

Built from the model alone: each item lists who asked for it (the spec, a workload, a service,
or netspec itself) with the reason and the AWS page that says it is needed. Suggestions are
services a workload's documentation names as "only if ..."; they are shown, never added.
"""

from __future__ import annotations

import json
from typing import Any

from . import cost, workloads
from .model import Network, Reason
from .render.security_groups import rules_for

_NETSPEC_RULE = Reason("netspec", "every netspec network: the workload group reaches AWS only through the endpoints")


def _reasons(reasons: tuple[Reason, ...]) -> list[dict[str, str]]:
    return [{"by": r.by, "why": r.why, "source": r.source} for r in reasons]


def explain(network: Network) -> dict[str, Any]:
    """The explanation as plain data (what `--format json` prints)."""
    present = {e.service.key for e in network.endpoints}
    services = [{
        "service": e.service.key, "endpoint_service_name": e.service_name, "type": e.service.endpoint_type.value,
        "zones": list(e.zones) if not e.is_gateway else [s.zone for s in network.subnets],
        "policy": e.service.accepts_policy, "private_dns": e.service.private_dns,
        "own_service": e.service.custom, "catalog_source": e.service.source,
        "unconfirmed": list(e.service.unconfirmed), "required_by": _reasons(e.reasons),
    } for e in network.endpoints]
    buckets = [{"bucket": b.name, "access": b.access.value, "owner": "listed",
                "required_by": _reasons((Reason("spec", "listed under `buckets`"),))} for b in network.buckets]
    buckets += [{"bucket": i.name, "access": ", ".join(i.bucket.actions), "owner": i.bucket.owner,
                 "required_by": _reasons(i.reasons)} for i in network.implied_buckets]
    rules = []
    for rule, allowed in rules_for(network):
        ports = "all" if rule.ports is None else (str(rule.ports[0]) if rule.ports[0] == rule.ports[1]
                                                  else f"{rule.ports[0]}-{rule.ports[1]}")
        peer = rule.prefix_list_of and f"{rule.prefix_list_of} prefix list" or (rule.peer_group or "").split(".")[1]
        rules.append({"rule": rule.name, "group": rule.group.split(".")[1], "direction": rule.direction,
                      "protocol": "all" if rule.protocol == "-1" else rule.protocol, "ports": ports, "peer": peer,
                      "description": rule.description,
                      "required_by": _reasons(allowed.reasons if allowed else (_NETSPEC_RULE,))})
    suggestions = []
    for key in network.workloads:
        for profile in [workloads.PROFILES[key]] + [workloads.PROFILES[k] for k in workloads.PROFILES[key].includes]:
            for service, need in profile.suggestions:
                if service not in present and not any(s["service"] == service for s in suggestions):
                    suggestions.append({"service": service, "workload": profile.key, "why": need.why,
                                        "source": need.source})
    return {
        "network": {"name": network.name, "region": network.region.name, "cidr": network.cidr_text,
                    "zones": [s.zone for s in network.subnets], "account": network.account, "pool": network.pool,
                    "state": network.backend.describe() if network.backend else None},
        "workloads": [{"workload": k, "summary": workloads.PROFILES[k].summary,
                       "includes": list(workloads.PROFILES[k].includes), "source": workloads.PROFILES[k].source}
                      for k in network.workloads],
        "services": services, "buckets": buckets, "rules": rules, "suggestions": suggestions,
        "cost": cost.monthly_cost(network).as_dict(),
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _why(reasons: list[dict[str, str]]) -> list[str]:
    lines = []
    for r in reasons:
        lines.append(f"      - {r['by']}: {r['why']}" if r["why"] else f"      - {r['by']}")
        if r["source"]:
            lines.append(f"        {r['source']}")
    return lines


def _cost_lines(data: dict[str, Any]) -> list[str]:
    c = data["cost"]
    total = f"${c['monthly']:,.2f}" if c["monthly"] is not None else c["note"]
    lines = [f"Monthly endpoint cost, fixed (before any traffic): {total}"]
    if c["price_per_endpoint_zone_hour"] is not None:
        lines.append(f"  {c['endpoint_zone_hours']:,} interface endpoint-zone-hours x "
                     f"${c['price_per_endpoint_zone_hour']} (price of {c['price_as_of']}: {c['price_source']})")
    for e in c["endpoints"]:
        if e["type"] == "Gateway":
            lines.append(f"  {e['service']}: gateway endpoint, free")
        else:
            amount = f"${e['monthly']:,.2f}" if e["monthly"] is not None else "unknown"
            lines.append(f"  {e['service']}: {e['zones']} zone(s) x {c['hours_per_month']} h = {amount}")
    lines += [f"  not estimated: {item}" for item in c["not_estimated"]]
    return lines


def to_text(data: dict[str, Any]) -> str:
    net = data["network"]
    where = f" (account {net['account']})" if net.get("account") else ""
    pool = f" from pool {net['pool']}" if net.get("pool") else ""
    lines = [f"{net['name']}: {net['cidr']}{pool} in {net['region']}{where}, zones {', '.join(net['zones'])}", ""]
    if data["workloads"]:
        lines.append("Workloads:")
        for w in data["workloads"]:
            includes = f" (includes {', '.join(w['includes'])})" if w["includes"] else ""
            lines.append(f"  {w['workload']}: {w['summary']}{includes}")
            lines.append(f"      {w['source']}")
        lines.append("")
    lines.append(f"Endpoints ({len(data['services'])}):")
    for s in data["services"]:
        facts = [s["type"].lower(), "policy" if s["policy"] else "no policy"]
        if s["private_dns"]:
            facts.append("private DNS")
        if s["type"] == "Interface":
            facts.append(f"zones {', '.join(s['zones'])}")
        if s["unconfirmed"]:
            facts.append(f"unconfirmed: {', '.join(s['unconfirmed'])} (checked at plan)")
        lines.append(f"  {s['service']} ({s['endpoint_service_name']}): {'; '.join(facts)}")
        lines += _why(s["required_by"])
    lines += ["", f"S3 buckets reachable through the gateway endpoint ({len(data['buckets'])}):"]
    for b in data["buckets"]:
        owner = {"listed": "", "aws": ", AWS-owned", "account": ", this account's"}[b["owner"]]
        lines.append(f"  {b['bucket']} ({b['access']}{owner})")
        lines += _why(b["required_by"])
    lines += ["", f"Security-group rules ({len(data['rules'])}):"]
    for r in data["rules"]:
        what = "all traffic" if r["protocol"] == "all" else f"{r['protocol']} {r['ports']}"
        lines.append(f"  {r['group']} {r['direction']} {what} {'to' if r['direction'] == 'egress' else 'from'} "
                     f"{r['peer']}: {r['description']}")
        lines += _why(r["required_by"])
    if data["suggestions"]:
        lines += ["", "Not added (documented as needed only in some cases):"]
        for s in data["suggestions"]:
            lines.append(f"  {s['service']} ({s['workload']}): {s['why']}")
            lines.append(f"      {s['source']}")
    lines += [""] + _cost_lines(data)
    return "\n".join(lines) + "\n"
