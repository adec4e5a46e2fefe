"""A Mermaid flowchart of a network, for a pull request or the README (pure; deterministic).

Node ids are positional (`zone_1`, `endpoint_2`, ...) and never carry spec text, so no name
can break the diagram's syntax; every label goes through `escape`. The shape follows the
compiled module: a VPC with one subnet per zone, two security groups, gateway endpoints on
the route tables, interface endpoints in the subnets, buckets outside reached through the
S3 gateway, and no internet gateway at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Bucket, ImpliedBucket, Network

# Characters that mean nothing to Mermaid inside a quoted label. Everything else (quotes,
# brackets, `#`, `;`, `|`, `<`, `&`, backticks, line breaks, non-ASCII) becomes an entity
# code `#<decimal>;`, which Mermaid turns back into the character when it draws.
_PLAIN = re.compile(r"[A-Za-z0-9 ._/:,=+@*-]")

# Mermaid's own line break inside a label; added by this module, never taken from a spec.
BR = "<br/>"


def escape(text: str) -> str:
    """`text` made safe inside a double-quoted Mermaid label."""
    return "".join(ch if _PLAIN.fullmatch(ch) else f"#{ord(ch)};" for ch in text)


def _label(*lines: str) -> str:
    """Quoted label from already-escaped lines."""
    return '"' + BR.join(lines) + '"'


@dataclass(frozen=True)
class _Node:
    id: str
    label: str  # quoted, escaped
    shape: str = "[]"  # Mermaid's brackets for the node's shape, split in the middle

    def line(self) -> str:
        half = len(self.shape) // 2
        return f"{self.id}{self.shape[:half]}{self.label}{self.shape[half:]}"


# Edge styles by meaning, so the legend and the drawing cannot disagree.
_EDGES = {
    "allow": "-->",  # a security group rule or route lets traffic through
    "both": "<-->",  # allowed in both directions
    "blocked": "-.-x",  # there is no path
}

_STYLES = (
    "classDef zone fill:#eef5ff,stroke:#4a78b5",
    "classDef group fill:#f4fbf4,stroke:#3f8f3f",
    "classDef bucket fill:#fff7e6,stroke:#c98a16",
    "classDef absent fill:#fff0f0,stroke:#c00,stroke-dasharray:4 3,color:#a00",
)


class _Diagram:
    """Collects lines with indentation that follows subgraph nesting."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1

    def add(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def node(self, node: _Node) -> None:
        self.add(node.line())

    def open(self, node_id: str, label: str) -> None:
        self.add(f"subgraph {node_id}[{label}]")
        self.depth += 1

    def close(self) -> None:
        self.depth -= 1
        self.add("end")

    def edge(self, source: str, style: str, target: str, text: str = "") -> None:
        arrow = _EDGES[style]
        self.add(f"{source} {arrow}|{_label(text)}| {target}" if text else f"{source} {arrow} {target}")


def _bucket_label(bucket: Bucket) -> str:
    access = escape(bucket.access.value) + (", wildcard" if bucket.is_wildcard else "")
    return _label(escape(bucket.name), access)


def _implied_label(implied: ImpliedBucket) -> str:
    owner = "AWS-owned" if implied.bucket.owner == "aws" else "this account's"
    access = "read" if all(a.startswith(("s3:Get", "s3:List")) for a in implied.bucket.actions) else "read-write"
    return _label(escape(implied.bucket.summary), f"{owner}, {access}")


def _traffic_label(network: Network) -> str:
    return ", ".join("all traffic" if t.traffic.protocol == "-1" else t.traffic.what for t in network.group_traffic)


def mermaid(network: Network) -> str:
    """The network as a Mermaid flowchart (text ending in a newline)."""
    d = _Diagram()
    d.lines.append("flowchart LR")
    flow = f"flow logs {network.flow_logs.retention_days} days" if network.flow_logs else "flow logs OFF"
    d.open("vpc", _label(f"VPC {escape(network.name)} · {escape(network.cidr_text)} · {escape(network.region.name)} · {flow}"))

    zones = [_Node(f"zone_{i}", _label(escape(s.zone), escape(s.text))) for i, s in enumerate(network.subnets, 1)]
    d.open("subnets", _label("private subnets, one route table each"))
    for z in zones:
        d.node(z)
    d.close()

    runs = escape(", ".join(network.workloads)) if network.workloads else "notebooks, training jobs, hosted models"
    d.node(_Node("workload", _label("security group: workload", runs)))

    gateways = {e.service.key: _Node(f"gateway_{i}", _label(escape(e.service.key)))
                for i, e in enumerate(network.gateway_endpoints, 1)}
    if gateways:
        d.open("gateways", _label("gateway endpoints, on every route table"))
        for node in gateways.values():
            d.node(node)
        d.close()

    interfaces = []
    for i, e in enumerate(network.interface_endpoints, 1):
        lines = [escape(e.service.key)]
        if e.service.custom:
            lines.append("own service")
        if len(e.zones) < len(network.subnets):
            lines.append("only " + escape(", ".join(e.zones)))
        interfaces.append(_Node(f"interface_{i}", _label(*lines)))
    if interfaces:
        d.open("sg_endpoints", _label("security group: endpoints · interface endpoints, in every subnet"))
        for node in interfaces:
            d.node(node)
        d.close()
    d.close()  # vpc

    buckets = [_Node(f"bucket_{i}", _bucket_label(b), "[()]") for i, b in enumerate(network.buckets, 1)]
    # Buckets the S3 policy lets through for a workload or service (see policies.s3_endpoint_policy).
    implied = [_Node(f"bucket_{i.bucket.key.split('-')[0]}", _implied_label(i), "[()]")
               for i in network.implied_buckets]
    buckets += implied
    if buckets:
        d.open("s3", _label("S3, outside the VPC: only these buckets"))
        for node in buckets:
            d.node(node)
        d.close()

    d.node(_Node("internet", _label("internet", "no internet gateway", "no NAT gateway"), "(())"))

    # Edges: the security group rules, then what the endpoints lead to.
    if network.group_traffic:
        d.edge("workload", "both", "workload", escape(_traffic_label(network)))
    if interfaces:
        d.edge("workload", "allow", "sg_endpoints", "HTTPS 443")
    for node in gateways.values():
        d.edge("workload", "allow", node.id, "HTTPS 443 via prefix list")
    if "s3" in gateways:
        s3 = gateways["s3"].id
        for node, bucket in zip(buckets, network.buckets):
            d.edge(s3, "allow", node.id, escape(bucket.access.value))
        for node, item in zip(implied, network.implied_buckets):
            d.edge(s3, "allow", node.id, "read" if item.bucket.owner == "aws" else "read-write")
    d.edge("workload", "blocked", "internet", "no route")

    d.lines += ["    " + s for s in _STYLES]
    d.add(f"class {','.join(z.id for z in zones)} zone")
    d.add("class workload" + (",sg_endpoints" if interfaces else "") + " group")
    if buckets:
        d.add(f"class {','.join(b.id for b in buckets)} bucket")
    d.add("class internet absent")
    return "\n".join(d.lines) + "\n"
