"""`cidr: {ipam_pool_id, netmask}`: AWS VPC IPAM allocates the VPC's block at apply time, and each zone's
subnet is its stable slot of that block, computed by Terraform (`cidrsubnet`). The emulator has no
IPAM: `terraform validate` here, and a plan against the emulator in tests/e2e/test_plan_only.py."""

from __future__ import annotations

import json

import pytest

from netspec import compile_text, terraform
from netspec.audit import audit
from netspec.audit.inputs import load_paths
from netspec.render.hcl import to_hcl

from conftest import BASE_SPEC, module, resources

POOL_ID = "ipam-pool-0123456789abcdef0"
IPAM = BASE_SPEC.replace("cidr: 10.2.0.0/16", f"cidr: {{ipam_pool_id: {POOL_ID}, netmask: 18}}").replace(
    "azs: [us-east-1a, us-east-1b]", "azs: [us-east-1a, us-east-1c]")


def test_the_vpc_asks_ipam_and_subnets_are_stable_slots_of_its_block():
    result = compile_text(IPAM, "ipam.yaml")
    assert result.ok, result.findings
    found = resources(result)
    vpc = found["aws_vpc.main"]
    assert (vpc["ipv4_ipam_pool_id"], vpc["ipv4_netmask_length"]) == (POOL_ID, 18) and "cidr_block" not in vpc
    # us-east-1 has six zone slots, so /18 subnets are /21 (3 new bits); zone a is slot 0, zone c slot 2.
    assert found["aws_subnet.private_us_east_1a"]["cidr_block"] == "${cidrsubnet(aws_vpc.main.cidr_block, 3, 0)}"
    assert found["aws_subnet.private_us_east_1c"]["cidr_block"] == "${cidrsubnet(aws_vpc.main.cidr_block, 3, 2)}"
    acl = found["aws_default_network_acl.default"]
    assert acl["ingress"][0]["cidr_block"] == "${aws_vpc.main.cidr_block}"
    outputs = module(result)["outputs.tf.json"]["output"]
    assert outputs["subnet_cidrs"]["value"]["us-east-1c"] == "${aws_subnet.private_us_east_1c.cidr_block}"
    more = resources(compile_text(IPAM.replace("us-east-1c]", "us-east-1b, us-east-1c]"), "ipam.yaml"))
    assert more["aws_subnet.private_us_east_1c"]["cidr_block"] == found["aws_subnet.private_us_east_1c"]["cidr_block"], \
        "adding a zone moves no other zone's subnet"
    assert result.network.cidr_text == f"/18 from IPAM pool {POOL_ID}"


def test_explicit_subnets_need_a_literal_block():
    text = IPAM + "subnets:\n  us-east-1a: 10.0.0.0/24\n  us-east-1c: 10.0.1.0/24\n"
    found = [(f.code, f.location.line, f.location.col) for f in compile_text(text, "s.yaml").findings]
    assert found == [("NS266", 12, 1)]  # the `subnets:` key, after BASE_SPEC's eleven lines


def test_an_ipam_module_audits_clean_and_an_expression_route_in_it_does_not(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "ipam.yaml").write_text(IPAM)
    folder = tmp_path / "out" / "ds-team"
    folder.mkdir(parents=True)
    for name, text in compile_text(IPAM, "ipam.yaml").files.items():
        (folder / name).write_text(text)
    assert audit(load_paths([folder])) == []
    (folder / "extra.tf").write_text('resource "aws_route" "out" {\n  route_table_id = aws_route_table.private_us_east_1a.id\n'
                                     '  destination_cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 3, 1)\n'
                                     '  network_interface_id = "eni-0123456789abcdef0"\n}\n')
    assert {f.code for f in audit(load_paths([folder]))} == {"NS511"}


@pytest.mark.terraform
def test_ipam_modules_validate_in_both_formats(tmp_path, tf_env):
    files = compile_text(IPAM, "ipam.yaml").files
    for form, texts in (("json", files), ("hcl", to_hcl(files))):
        folder = tmp_path / form
        folder.mkdir()
        for name, text in texts.items():
            (folder / name).write_text(text)
        assert terraform.run(["init", "-input=false", "-no-color"], folder, tf_env).returncode == 0
        validate = terraform.run(["validate", "-json", "-no-color"], folder, tf_env)
        assert json.loads(validate.stdout)["valid"], validate.stdout
    fmt = terraform.run(["fmt", "-check", "-no-color", str(tmp_path / "hcl")], tmp_path, tf_env)
    assert fmt.returncode == 0, fmt.stdout
