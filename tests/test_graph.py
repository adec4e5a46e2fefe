"""netspec graph: everything of the network is drawn, labels are escaped, and the Mermaid is well formed."""

from __future__ import annotations

import dataclasses
import re

import pytest

from conftest import BASE_SPEC, EXAMPLES, ROOT, compile_ok, run_cli
from netspec.graph import escape, mermaid
from netspec.model import Access, Bucket, Network

ID = r"[A-Za-z_][A-Za-z0-9_]*"
LABEL = r'"(?P<label>[^"]*)"'
# Every line the generator may write; anything else (a label that escaped its quotes) fails.
SUBGRAPH = re.compile(rf"subgraph (?P<id>{ID})\[{LABEL}\]")
NODE = re.compile(rf"(?P<id>{ID})(?:\[|\[\(|\(\()" + LABEL + r"(?:\]|\)\]|\)\))")
EDGE = re.compile(rf"(?P<a>{ID}) (?:-->|<-->|-\.-x)(?:\|{LABEL}\|)? (?P<b>{ID})")
OTHER = re.compile(rf"flowchart LR|end|direction (?:LR|TB)|classDef {ID} [a-z:#0-9,.\- ]+|class {ID}(?:,{ID})* {ID}")
# Inside a label, once entity codes and our line breaks are removed, nothing Mermaid reads as syntax.
UNSAFE_IN_LABEL = re.compile(r'["\[\]{}()<>|;#`]')


@dataclasses.dataclass
class Parsed:
    nodes: dict[str, str]  # id -> enclosing subgraph id ("" at top level)
    subgraphs: dict[str, str]
    edges: list[tuple[str, str, str | None]]
    labels: dict[str, str]  # node or subgraph id -> its label, as written


def parse(text: str) -> Parsed:
    """A strict reading of the generated Mermaid; fails on anything unexpected."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR" and text.endswith("\n")
    stack: list[str] = []
    parsed = Parsed({}, {}, [], {})
    for line in (raw.strip() for raw in lines[1:]):
        if m := SUBGRAPH.fullmatch(line):
            assert m["id"] not in parsed.nodes and m["id"] not in parsed.subgraphs, f"duplicate id {m['id']}"
            parsed.subgraphs[m["id"]] = stack[-1] if stack else ""
            parsed.labels[m["id"]] = m["label"]
            stack.append(m["id"])
        elif line == "end":
            assert stack, "end without subgraph"
            stack.pop()
        elif m := NODE.fullmatch(line):
            assert m["id"] not in parsed.nodes and m["id"] not in parsed.subgraphs, f"duplicate id {m['id']}"
            parsed.nodes[m["id"]] = stack[-1] if stack else ""
            parsed.labels[m["id"]] = m["label"]
        elif m := EDGE.fullmatch(line):
            parsed.edges.append((m["a"], m["b"], m["label"]))
        else:
            assert OTHER.fullmatch(line), f"unexpected line: {line!r}"
    assert not stack, f"unclosed subgraph {stack}"
    declared = parsed.nodes.keys() | parsed.subgraphs.keys()
    for a, b, _ in parsed.edges:
        assert a in declared and b in declared, f"edge {a} -> {b} to an undeclared node"
    for label in [*parsed.labels.values(), *(e[2] for e in parsed.edges if e[2] is not None)]:
        bare = re.sub(r"#\d+;", "", label.replace("<br/>", ""))
        assert not UNSAFE_IN_LABEL.search(bare), f"unescaped syntax in label {label!r}"
    return parsed


def unescape(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


def network_of(path) -> Network:
    network = compile_ok(path.read_text()).network
    assert network is not None
    return network


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_part_of_the_network_is_drawn(spec):
    network = network_of(spec)
    text = mermaid(network)
    parsed = parse(text)
    labels = {i: unescape(label) for i, label in parsed.labels.items()}
    vpc = labels["vpc"]
    assert network.name in vpc and str(network.cidr) in vpc and network.region.name in vpc
    zone_labels = [labels[i] for i, parent in parsed.nodes.items() if parent == "subnets"]
    assert zone_labels == [f"{s.zone}<br/>{s.cidr}" for s in network.subnets]
    gateways = [labels[i] for i, parent in parsed.nodes.items() if parent == "gateways"]
    interfaces = [labels[i] for i, parent in parsed.nodes.items() if parent == "sg_endpoints"]
    assert gateways == [e.service.key for e in network.gateway_endpoints]
    assert interfaces == [e.service.key for e in network.interface_endpoints]
    assert parsed.subgraphs["gateways"] == parsed.subgraphs["sg_endpoints"] == parsed.subgraphs["subnets"] == "vpc"
    in_s3 = [labels[i] for i, parent in parsed.nodes.items() if parent == "s3"]
    for bucket in network.buckets:
        assert any(label.startswith(f"{bucket.name}<br/>{bucket.access.value}") for label in in_s3), bucket
    assert parsed.subgraphs["s3"] == "", "buckets are outside the VPC"


def test_security_group_rules_and_paths():
    network = compile_ok(BASE_SPEC).network
    parsed = parse(mermaid(network))
    edges = {(a, b): label for a, b, label in parsed.edges}
    assert edges[("workload", "workload")] == "all traffic"
    assert edges[("workload", "sg_endpoints")] == "HTTPS 443"
    s3 = next(i for i, p in parsed.nodes.items() if p == "gateways")
    assert edges[("workload", s3)] == "HTTPS 443 via prefix list"
    assert edges[(s3, "bucket_1")] == "read"
    assert ("workload", "internet") in edges and parsed.nodes["internet"] == ""


def test_no_internet_gateway_is_visible():
    text = mermaid(compile_ok(BASE_SPEC).network)
    assert 'internet(("internet<br/>no internet gateway<br/>no NAT gateway"))' in text
    assert "workload -.-x|" in text and "class internet absent" in text


def test_flow_logs_and_ecr_layers():
    off = mermaid(compile_ok(BASE_SPEC + "flow_logs: false\n").network)
    assert "flow logs OFF" in off and "flow logs 365 days" in mermaid(compile_ok(BASE_SPEC).network)
    ecr = mermaid(compile_ok(BASE_SPEC.replace("sts, logs]", "sts, logs, ecr.api, ecr.dkr]")).network)
    assert "bucket_ecr[(" in ecr and "-->|\"read\"| bucket_ecr" in ecr
    parse(ecr)


def test_without_buckets_or_interfaces():
    spec = BASE_SPEC.replace("services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]", "services: [dynamodb]")
    spec = spec.split("buckets:")[0]
    parsed = parse(mermaid(compile_ok(spec).network))
    assert "s3" not in parsed.subgraphs and "sg_endpoints" not in parsed.subgraphs
    assert ("workload", "gateway_1", "HTTPS 443 via prefix list") in parsed.edges


@pytest.mark.parametrize("hostile", [
    'a"b', "x[1]", "#;", "a;b", "<script>alert(1)</script>", "end", "x --> y", "a|b", "`md`", "line\nbreak",
    '"]\n    internet --> s3\n    x["', "ünïcode ✓", "%%{init: {}}%%",
])
def test_escape(hostile):
    escaped = escape(hostile)
    assert re.fullmatch(r"(?:[A-Za-z0-9 ._/:,=+@*-]|#\d+;)*", escaped)
    assert unescape(escaped) == hostile


def test_hostile_names_cannot_break_the_diagram():
    network = compile_ok(BASE_SPEC).network
    hostile = dataclasses.replace(network, name='x"] --> internet; end %%',
                                  buckets=(Bucket('b"]\n    s3 --> internet\n    y["', Access.READ),))
    text = mermaid(hostile)
    parsed = parse(text)
    assert ("s3", "internet", None) not in parsed.edges
    assert "#34;" in text and "#10;" in text


def test_deterministic():
    a = mermaid(compile_ok(BASE_SPEC).network)
    assert a == mermaid(compile_ok(BASE_SPEC).network)


def test_fails_on_broken_mermaid():
    """The structural check itself can fail: an unbalanced or dangling diagram is caught."""
    good = mermaid(compile_ok(BASE_SPEC).network)
    for broken in (good.replace("    end\n", "", 1), good + "    workload --> nowhere\n",
                   good.replace('"sts"', '"s"ts"')):
        with pytest.raises(AssertionError):
            parse(broken)


def test_cli(tmp_path):
    raw = run_cli("graph", "specs/ds-team.yaml")
    assert raw.returncode == 0 and raw.stdout.startswith("flowchart LR\n")
    fenced = run_cli("graph", "specs/ds-team.yaml", "--markdown")
    assert fenced.stdout == f"```mermaid\n{raw.stdout}```\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33"))
    failed = run_cli("graph", str(bad))
    assert failed.returncode == 1 and "NS104" in failed.stderr and failed.stdout == ""
    assert run_cli("graph", str(tmp_path / "missing.yaml")).returncode == 2


def test_readme_shows_the_current_graph():
    """The README embeds `netspec graph specs/ds-team.yaml`; it must not drift from the code."""
    drawn = mermaid(network_of(ROOT / "specs" / "ds-team.yaml"))
    assert f"```mermaid\n{drawn}```\n" in (ROOT / "README.md").read_text()
