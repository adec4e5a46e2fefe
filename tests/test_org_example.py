"""docs/examples/org: an organisation's repository (pools, two accounts, two regions, a state backend,
Atlantis) stays current and sound: it compiles clean, its lock and atlantis.yaml are what netspec
writes, its modules pass the audit and `netspec verify`.

Regenerate it after a change to what netspec writes:
`cd docs/examples/org && netspec compile && netspec atlantis --write`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from netspec import lockfile, pools, terraform

from atlantis_rules import planned_projects, problems
from conftest import ROOT, run_cli

ORG = ROOT / "docs" / "examples" / "org"
SPECS = sorted((ORG / "specs").rglob("*.yaml"))


def test_it_is_an_organisation():
    assert len(SPECS) == 12
    data = json.loads(run_cli("inventory", "--format", "json", cwd=ORG).stdout)
    assert {(t["account_name"], t["region"]) for t in data["totals"]} == {
        (a, r) for a in ("research", "production") for r in ("us-east-1", "eu-central-1")}
    assert all(n["state"].startswith("s3://acme-netspec-state/networks/") for n in data["networks"])


def test_it_compiles_clean_and_its_lock_and_modules_are_current():
    check = run_cli("compile", "--check", cwd=ORG)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "12 spec(s) checked: 0 error(s), 0 warning(s), 1 suppressed" in check.stderr
    lock = lockfile.parse((ORG / "netspec.lock").read_text())
    assert lock.readable and len(lock.entries) == 11, "every spec but the legacy literal one asks a pool"
    assert not pools.overlapping([(e.block, e.name) for e in lock.entries])


def test_its_atlantis_yaml_is_current_and_valid():
    assert run_cli("atlantis", "--check", cwd=ORG).returncode == 0
    config = yaml.safe_load((ORG / "atlantis.yaml").read_text())
    assert problems(config) == []
    assert len(config["projects"]) == 12 and all((ORG / p["dir"]).is_dir() for p in config["projects"])
    assert planned_projects(config, ["specs/production/eu-canvas.yaml"]) == {"eu-canvas"}


def test_its_modules_pass_the_audit():
    result = run_cli("audit", cwd=ORG)
    assert result.returncode == 0, result.stdout
    assert "12 module(s) audited: 0 error(s), 0 warning(s)" in result.stderr


@pytest.mark.terraform
def test_its_modules_pass_netspec_verify(tf_env):
    """`netspec verify` in the repository: one terraform init and validate for all twelve modules, each
    with its own provider configuration (two accounts, two regions) and without its backend."""
    result = run_cli("verify", "--format", "json", cwd=ORG, env={"NETSPEC_TF_PLUGIN_DIR": str(terraform.plugin_dir())})
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["findings"] == []
    assert "12 module(s) verified: 0 error(s), 0 warning(s)" in result.stderr
    assert not list(ORG.rglob(".terraform")), "the checkout gains nothing"
