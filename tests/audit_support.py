"""Helpers the audit tests share: running the audit, copies of compiled examples, small plans."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from netspec import compile_text
from netspec.audit import audit
from netspec.audit.inputs import load_paths
from netspec.audit.spec import read_expectation
from netspec.findings import Finding

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out"
SPECS = ROOT / "specs"
EXAMPLES = tuple(sorted(p.stem for p in SPECS.glob("*.yaml")))


def run_audit(*paths: Path, spec: Path | None = None) -> list[Finding]:
    return audit(load_paths(list(paths)), read_expectation(spec) if spec else None)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def known(findings: list[Finding]) -> list[Finding]:
    """Findings other than NS520 (a plan, audited without a spec: said once per plan)."""
    return [f for f in findings if f.code != "NS520"]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netspec", *args], cwd=cwd, text=True,
                          capture_output=True, env=dict(os.environ), timeout=120)


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[str], Path]:
    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(OUT / name, target)
        return target
    return make


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def line_of(path: Path, needle: str, after: str = "") -> int:
    """First line holding `needle` that follows the first line holding `after`."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines, 1) if i > start and needle in line)


def edit_s3_policy(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    def apply(document: dict[str, Any]) -> None:
        endpoint = document["resource"]["aws_vpc_endpoint"]["s3"]
        policy = json.loads(endpoint["policy"])
        change(policy)
        endpoint["policy"] = json.dumps(policy)
    edit(path, apply)


def plan_document(extra: list[dict[str, Any]]) -> dict[str, Any]:
    """A small `terraform show -json` document: a VPC with flow logs, a locked default group, and `extra`."""
    def planned(type_: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
        return {"address": f"{type_}.{name}", "mode": "managed", "type": type_, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}

    items = [planned("aws_vpc", "main", {"cidr_block": "10.0.0.0/16"}),
             planned("aws_flow_log", "vpc", {"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs"}),
             planned("aws_cloudwatch_log_group", "flow_logs", {"retention_in_days": 365}),
             planned("aws_default_security_group", "default", {"ingress": [], "egress": []}),
             *(planned(t, n, v) for t, n, v in ((e["type"], e["name"], e["values"]) for e in extra))]
    changes = [{"address": i["address"], "mode": "managed", "type": i["type"], "name": i["name"],
                "change": {"actions": ["create"], "before": None, "after": i["values"],
                           "after_unknown": {"id": True, "vpc_id": True}}} for i in items]
    configuration = {"root_module": {"resources": [
        {"address": i["address"], "mode": "managed", "type": i["type"], "name": i["name"],
         "expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]},
                         "log_destination": {"references": ["aws_cloudwatch_log_group.flow_logs.arn",
                                                            "aws_cloudwatch_log_group.flow_logs"]}}}
        for i in items if i["type"] != "aws_vpc"]}}
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "planned_values": {"root_module": {"resources": items}},
            "resource_changes": changes, "configuration": configuration}


def make_repo(root: Path, spec_text: str, name: str = "team") -> Path:
    """A repository with specs/<name>.yaml compiled into out/<name>/."""
    result = compile_text(spec_text, f"{name}.yaml")
    assert result.ok, result.findings
    (root / "specs").mkdir(parents=True)
    (root / "specs" / f"{name}.yaml").write_text(spec_text)
    module = root / "out" / name
    module.mkdir(parents=True)
    for file_name, text in result.files.items():
        (module / file_name).write_text(text)
    return module
