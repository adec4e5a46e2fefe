"""`netspec inventory`: every network of the repository on one page, for a security or finance review (pure).

Built from the compiled models and their findings: account, region, block and pool, zones,
workloads, endpoint services, the buckets it reaches and with what access, the fixed monthly
cost of its endpoints (cost.py), and the warnings still open (suppressed ones counted apart).
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from . import cost
from .findings import Finding
from .model import Network


class InventoryFormat(str, enum.Enum):
    MARKDOWN = "markdown"
    JSON = "json"


def network_entry(network: Network, path: str, findings: tuple[Finding, ...], *,
                  account_names: dict[str, str] | None = None) -> dict[str, Any]:
    monthly = cost.monthly_cost(network)
    warnings = [f for f in findings if not f.is_error]
    return {
        "name": network.name, "spec": path, "account": network.account,
        "account_name": (account_names or {}).get(network.account or ""), "region": network.region.name,
        "cidr": network.cidr_text, "pool": network.pool, "zones": [s.zone for s in network.subnets],
        "workloads": list(network.workloads),
        "services": [{"service": e.service.key, "type": e.service.endpoint_type.value,
                      "zones": len(network.endpoint_subnets(e)) if not e.is_gateway else len(network.subnets)}
                     for e in network.endpoints],
        "buckets": [{"bucket": b.name, "access": b.access.value, "owner": b.account or "perimeter"}
                    for b in network.buckets]
                   + [{"bucket": i.name, "access": ", ".join(i.bucket.actions), "owner": i.bucket.owner}
                      for i in network.implied_buckets],
        "perimeter": {"accounts": [a for a in network.perimeter.accounts if not a.startswith("${")],
                      "org_id": network.perimeter.org_id},
        "flow_logs_days": network.flow_logs.retention_days if network.flow_logs else None,
        "state": network.backend.describe() if network.backend else None,
        "cost": {"monthly": cost.money_value(monthly.monthly), "currency": cost.CURRENCY, "note": monthly.note},
        "warnings": [{"code": f.code, "message": f.message, "location": str(f.location)} for f in warnings if f.active],
        "suppressed": sum(1 for f in warnings if not f.active),
    }


def inventory(entries: list[dict[str, Any]], failed: list[str], *,
              account_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole page as data: the networks, totals by account and region, and specs that did not compile."""
    totals: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"networks": 0, "monthly": Decimal("0"),
                                                                          "unpriced": 0})
    for e in entries:
        total = totals[(e["account"] or "", e["region"])]
        total["networks"] += 1
        if e["cost"]["monthly"] is None:
            total["unpriced"] += 1
        else:
            total["monthly"] += Decimal(str(e["cost"]["monthly"]))
    return {
        "networks": sorted(entries, key=lambda e: (e["account"] or "", e["region"], e["name"])),
        "totals": [{"account": account or None, "account_name": (account_names or {}).get(account),
                    "region": region, "networks": t["networks"],
                    "monthly": cost.money_value(t["monthly"]), "unpriced_networks": t["unpriced"],
                    "currency": cost.CURRENCY}
                   for (account, region), t in sorted(totals.items())],
        "not_compiled": sorted(failed),
        "hours_per_month": cost.HOURS_PER_MONTH,
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _amount(value: float | None, note: str = "") -> str:
    return f"${value:,.2f}" if value is not None else (note or "unknown")


def _account(item: dict[str, Any]) -> str:
    if not item["account"]:
        return "any (the deploying account)"
    return f"{item['account']} ({item['account_name']})" if item.get("account_name") else item["account"]


def to_markdown(data: dict[str, Any]) -> str:
    networks = data["networks"]
    lines = ["# Network inventory", "",
             f"{len(networks)} network(s). Monthly endpoint cost is the fixed part: interface endpoints x zones x "
             f"{data['hours_per_month']} hours at the region's price (gateway endpoints are free); data processing "
             "and log ingestion depend on traffic and are not estimated.", "",
             "## By account and region", "", "| account | region | networks | monthly endpoint cost |",
             "| --- | --- | ---: | ---: |"]
    for t in data["totals"]:
        unpriced = f" + {t['unpriced_networks']} without a confirmed price" if t["unpriced_networks"] else ""
        lines.append(f"| {_account(t)} | {t['region']} | {t['networks']} | "
                     f"{_amount(t['monthly'])}{unpriced} |")
    lines += ["", "## Networks", "",
              "| network | account | region | CIDR (pool) | zones | workloads | services | buckets (access) "
              "| monthly cost | open warnings |",
              "| --- | --- | --- | --- | ---: | --- | --- | --- | ---: | --- |"]
    for n in networks:
        services = ", ".join(s["service"] + (" (gateway)" if s["type"] == "Gateway" else "") for s in n["services"])
        buckets = ", ".join(f"{b['bucket']} ({b['access']})" for b in n["buckets"] if b["owner"] in ("perimeter",)
                            or b["owner"].isdigit())
        aws_owned = sum(1 for b in n["buckets"] if b["owner"] in ("aws", "account"))
        if aws_owned:
            buckets += f"{'; ' if buckets else ''}{aws_owned} more a workload needs (AWS-owned or the account's)"
        warnings = ", ".join(sorted({w["code"] for w in n["warnings"]})) or "none"
        if n["suppressed"]:
            warnings += f" ({n['suppressed']} accepted)"
        cidr = n["cidr"] + (f" ({n['pool']})" if n["pool"] else "")
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{n['name']}`", _account(n), n["region"], cidr, str(len(n["zones"])),
            ", ".join(n["workloads"]) or "-", services, buckets or "-",
            _amount(n["cost"]["monthly"], n["cost"]["note"]), warnings)) + " |")
    open_warnings = [(n["name"], w) for n in networks for w in n["warnings"]]
    if open_warnings:
        lines += ["", "## Open warnings", ""]
        lines += [f"- `{name}` {w['location']}: {w['code']} {w['message']}" for name, w in open_warnings]
    if data["not_compiled"]:
        lines += ["", "## Not compiled (findings on stderr)", ""] + [f"- `{p}`" for p in data["not_compiled"]]
    return "\n".join(lines) + "\n"
