"""What the emulator cannot apply is proven by `terraform validate` and `terraform plan` against it.

moto has no Route 53 Resolver DNS Firewall API, and cannot list the tags of a query-log
configuration (see emulator.EMULATOR_GAPS): those resources are left out of the applies and
planned here instead, in full, against the same emulator (the plan reads every data source the
module has, and would fail on a wrong argument, a missing reference or a failed precondition).
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli

from .deploy import Workdir, compile_spec, write_module
from .emulator import EMULATOR_GAPS, write_override
from .runs import SPECS

pytestmark = pytest.mark.e2e

FIREWALL_SPEC = (SPECS / "studio-team.yaml").read_text() + "dns:\n  firewall:\n    allow: [pypi.org, '*.pypi.org']\n"
GAP_TYPES = set(EMULATOR_GAPS) | {
    "aws_route53_resolver_firewall_domain_list", "aws_route53_resolver_firewall_rule_group",
    "aws_route53_resolver_firewall_rule", "aws_route53_resolver_firewall_rule_group_association",
    "aws_route53_resolver_firewall_config"}


def test_query_logging_and_dns_firewall_validate_and_plan_against_the_emulator(emulator, e2e_env, tmp_path):
    files = compile_spec(FIREWALL_SPEC, "studio-team.yaml")
    write_module(tmp_path, files)
    write_override(tmp_path, emulator.url, "us-east-1")  # the provider only: nothing is left out here
    work = Workdir(tmp_path, e2e_env)
    assert work.init().returncode == 0, work.steps[-1].describe()
    validate = work.tf("validate")
    assert validate.returncode == 0, validate.describe()
    step, plan = work.plan_json("firewall.tfplan")
    assert plan is not None, step.describe()
    creates = {c["address"]: c for c in plan["resource_changes"] if c["change"]["actions"] == ["create"]}
    planned_types = {c["type"] for c in creates.values()}
    assert GAP_TYPES <= planned_types, GAP_TYPES - planned_types
    domains = creates["aws_route53_resolver_firewall_domain_list.allowed"]["change"]["after"]["domains"]
    assert {"amazonaws.com", "*.amazonaws.com", "pypi.org", "*.pypi.org"} <= set(domains)
    block = creates["aws_route53_resolver_firewall_rule.everything_else"]["change"]["after"]
    assert (block["action"], block["block_response"]) == ("BLOCK", "NODATA")
    config = creates["aws_route53_resolver_firewall_config.vpc"]["change"]["after"]
    assert config["firewall_fail_open"] == "DISABLED"
    assert json.dumps(plan).count("aws_route53_resolver_query_log_config_association") >= 1


IPAM_SPEC = (SPECS / "ds-team.yaml").read_text().replace(
    "cidr: 10.2.0.0/16", "cidr: {ipam_pool_id: ipam-pool-0123456789abcdef0, netmask: 18}")


def test_an_ipam_network_plans_against_the_emulator(emulator, e2e_env, tmp_path):
    """moto has no VPC IPAM, so the apply cannot be proven here: the plan is. It reads every data
    source, checks every precondition, and leaves the VPC's block and each subnet's (its
    cidrsubnet slot of that block) to be known after apply."""
    files = compile_spec(IPAM_SPEC, "ds-team.yaml")
    write_module(tmp_path, files)
    write_override(tmp_path, emulator.url, "us-east-1", module_text="".join(files.values()))
    work = Workdir(tmp_path, e2e_env)
    assert work.init().returncode == 0, work.steps[-1].describe()
    step, plan = work.plan_json("ipam.tfplan")
    assert plan is not None, step.describe()
    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    vpc = changes["aws_vpc.main"]
    assert vpc["after"]["ipv4_ipam_pool_id"] == "ipam-pool-0123456789abcdef0"
    assert vpc["after"]["ipv4_netmask_length"] == 18 and vpc["after_unknown"]["cidr_block"] is True
    for zone in ("us_east_1a", "us_east_1b"):
        assert changes[f"aws_subnet.private_{zone}"]["after_unknown"]["cidr_block"] is True
    # The plan audits clean against its spec: blocks known only after apply are not what the audit reads.
    (tmp_path / "ipam.plan.json").write_text(json.dumps(plan))
    spec = tmp_path / "ds-team.yaml"
    spec.write_text(IPAM_SPEC)
    audited = run_cli("audit", str(tmp_path / "ipam.plan.json"), "--spec", str(spec))
    assert audited.returncode == 0, audited.stdout
