"""Tests for `netspec audit`: the compiled examples pass; each tampering is caught and located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit_support import (EXAMPLES, OUT, SPECS, codes, copy_of, edit, edit_s3_policy, line_of, run_audit,
                           run_cli)
from netspec.audit import audit
from netspec.audit.inputs import load_paths

__all__ = ["copy_of"]  # a fixture, used by name


# --- the compiled examples are clean ----------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_are_clean(name):
    assert run_audit(OUT / name) == []
    assert run_audit(OUT / name, spec=SPECS / f"{name}.yaml") == []


def test_out_as_a_whole_is_one_module_per_example():
    modules = load_paths([OUT])
    assert sorted(Path(m.label).name for m in modules) == sorted(EXAMPLES)
    assert audit(modules, None) == []


# --- tampered copies -------------------------------------------------------------------


def test_internet_gateway_is_found_in_its_file(copy_of):
    module = copy_of("ds-team")
    edit(module / "vpc.tf.json", lambda d: d["resource"].setdefault("aws_internet_gateway", {}).update(
        {"igw": {"vpc_id": "${aws_vpc.main.id}"}}))
    findings = run_audit(module)
    assert codes(findings) == {"NS501"}
    (finding,) = findings
    assert finding.location.path.endswith("ds-team/vpc.tf.json")
    assert finding.location.line == line_of(module / "vpc.tf.json", '"igw": {')
    assert "aws_internet_gateway.igw" in finding.message


def test_open_egress_rule(copy_of):
    module = copy_of("ds-team")
    path = module / "security_groups.tf.json"
    edit(path, lambda d: d["resource"]["aws_vpc_security_group_egress_rule"].update(
        {"anywhere": {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "-1",
                      "security_group_id": "${aws_security_group.workload.id}"}}))
    (finding,) = run_audit(module)
    assert finding.code == "NS504"
    assert finding.location.path.endswith("security_groups.tf.json")
    assert finding.location.line == line_of(path, '"anywhere": {')
    assert "aws_vpc_security_group_egress_rule.anywhere" in finding.message


@pytest.mark.parametrize("where", ["cidr_ipv6", "inline"])
def test_open_ipv6_and_inline_rules(copy_of, where):
    module = copy_of("ds-team")
    if where == "cidr_ipv6":
        change = lambda d: d["resource"]["aws_vpc_security_group_ingress_rule"]["workload_from_self"].update(
            {"cidr_ipv6": "::/0"})
    else:
        change = lambda d: d["resource"]["aws_security_group"]["endpoints"].update(
            {"ingress": [{"cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"], "from_port": 443, "to_port": 443,
                          "protocol": "tcp"}]})
    edit(module / "security_groups.tf.json", change)
    assert codes(run_audit(module)) == {"NS504"}


def test_wildcard_bucket_against_spec(copy_of):
    module = copy_of("ds-team")
    path = module / "endpoints.tf.json"
    edit_s3_policy(path, lambda p: p["Statement"][0]["Resource"].append("arn:aws:s3:::other-team-*"))
    # Narrow on its own, but not the spec's buckets: found with --spec, and without it,
    # against the spec the module's header names.
    for findings in (run_audit(module, spec=SPECS / "ds-team.yaml"), run_audit(module)):
        (finding,) = findings
        assert finding.code == "NS509" and "other-team-*" in finding.message
        assert finding.location.path.endswith("endpoints.tf.json")
        assert finding.location.line == line_of(path, '"s3": {')


def test_any_bucket_is_too_broad(copy_of):
    module = copy_of("ds-team")
    edit_s3_policy(module / "endpoints.tf.json", lambda p: p["Statement"][0]["Resource"].append("arn:aws:s3:::*"))
    assert codes(run_audit(module)) == {"NS508", "NS509"}
    assert codes(run_audit(module, spec=SPECS / "ds-team.yaml")) == {"NS508", "NS509"}


def test_s3_star_action_is_too_broad(copy_of):
    module = copy_of("ds-team")
    edit_s3_policy(module / "endpoints.tf.json", lambda p: p["Statement"][0].update({"Action": "s3:*"}))
    (finding,) = run_audit(module)
    assert finding.code == "NS508" and "'s3:*'" in finding.message


def test_ecr_layer_bucket_needs_ecr_dkr(copy_of, tmp_path):
    module = copy_of("ml-containers")
    assert run_audit(module, spec=SPECS / "ml-containers.yaml") == []
    spec = tmp_path / "no-dkr.yaml"
    spec.write_text((SPECS / "ml-containers.yaml").read_text().replace("ecr.dkr, ", ""))
    findings = run_audit(module, spec=spec)
    assert codes(findings) == {"NS509", "NS513"}  # the layer bucket, and the ecr.dkr endpoint itself
    assert any(f.code == "NS509" and "starport-layer-bucket" in f.message for f in findings)


def test_removed_endpoint_policy(copy_of):
    module = copy_of("ds-team")
    path = module / "endpoints.tf.json"
    edit(path, lambda d: d["resource"]["aws_vpc_endpoint"]["sts"].pop("policy"))
    (finding,) = run_audit(module)
    assert finding.code == "NS506" and "aws_vpc_endpoint.sts" in finding.message
    assert finding.location.line == line_of(path, '"sts": {', after='"resource"')


def test_notebook_endpoint_gets_a_policy_as_aws_documents():
    # The SageMaker guide has "Create a VPC Endpoint Policy for SageMaker Notebook Instances": the
    # endpoint takes a policy, so it gets one, and the audit requires one.
    document = json.loads((OUT / "ds-forecasting" / "endpoints.tf.json").read_text())
    assert "AccountIdentitiesToAccountResources" in document["resource"]["aws_vpc_endpoint"]["sagemaker_notebook"]["policy"]
    assert run_audit(OUT / "ds-forecasting") == []


def test_separate_endpoint_policy_resource_counts(copy_of):
    module = copy_of("ds-team")
    path = module / "endpoints.tf.json"

    def move(d: dict[str, Any]) -> None:
        policy = d["resource"]["aws_vpc_endpoint"]["sts"].pop("policy")
        d["resource"]["aws_vpc_endpoint_policy"] = {
            "sts": {"vpc_endpoint_id": "${aws_vpc_endpoint.sts.id}", "policy": policy}}
    edit(path, move)
    assert run_audit(module) == []


def test_unparseable_policy(copy_of):
    module = copy_of("ds-team")
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"]["sts"].update(
        {"policy": "{not json"}))
    (finding,) = run_audit(module)
    assert finding.code == "NS506" and "not valid JSON" in finding.message


def test_route_to_nat_gateway(copy_of):
    module = copy_of("ds-team")
    path = module / "vpc.tf.json"

    def add(d: dict[str, Any]) -> None:
        d["resource"]["aws_nat_gateway"] = {"nat": {"subnet_id": "${aws_subnet.private_us_east_1a.id}",
                                                    "connectivity_type": "public"}}
        d["resource"]["aws_route"] = {"out": {"route_table_id": "${aws_route_table.private_us_east_1a.id}",
                                              "destination_cidr_block": "0.0.0.0/0",
                                              "nat_gateway_id": "${aws_nat_gateway.nat.id}"}}
    edit(path, add)
    findings = run_audit(module)
    assert codes(findings) == {"NS501", "NS502"}
    (gateway,) = [f for f in findings if f.code == "NS501"]
    assert gateway.location.line == line_of(path, '"nat": {')
    # Two problems of the route, each said once: its target and its destination.
    route = [f for f in findings if f.code == "NS502"]
    assert {f.location.line for f in route} == {line_of(path, '"out": {')}
    assert any("NAT gateway" in f.message for f in route) and any("0.0.0.0/0" in f.message for f in route)


def test_inline_default_route(copy_of):
    module = copy_of("ds-team")
    edit(module / "vpc.tf.json", lambda d: d["resource"]["aws_route_table"]["private_us_east_1b"].update(
        {"route": [{"ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-0123"}]}))
    findings = run_audit(module)
    assert codes(findings) == {"NS502"} and len(findings) == 2  # the target, and ::/0
    assert all("aws_route_table.private_us_east_1b" in f.message for f in findings)


def test_default_security_group_with_ingress(copy_of):
    module = copy_of("ds-team")
    edit(module / "vpc.tf.json", lambda d: d["resource"]["aws_default_security_group"]["default"].update(
        {"ingress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "self": True}]}))
    (finding,) = run_audit(module)
    assert finding.code == "NS505" and "ingress" in finding.message


def test_unmanaged_default_security_group(copy_of):
    module = copy_of("ds-team")
    path = module / "vpc.tf.json"
    edit(path, lambda d: d["resource"].pop("aws_default_security_group"))
    (finding,) = run_audit(module)
    assert finding.code == "NS505" and "aws_vpc.main" in finding.message
    assert finding.location.line == line_of(path, '"main": {', after='"aws_vpc": {')


def test_flow_log_removed(copy_of):
    module = copy_of("ds-team")
    edit(module / "flow_logs.tf.json", lambda d: d["resource"].pop("aws_flow_log"))
    (finding,) = run_audit(module)
    assert finding.code == "NS510"
    assert finding.location.path.endswith("vpc.tf.json") and "aws_vpc.main" in finding.message


def test_public_subnet(copy_of):
    module = copy_of("ds-forecasting")
    path = module / "vpc.tf.json"
    name = next(iter(json.loads(path.read_text())["resource"]["aws_subnet"]))
    edit(path, lambda d: d["resource"]["aws_subnet"][name].update({"map_public_ip_on_launch": True}))
    (finding,) = run_audit(module)
    assert finding.code == "NS503" and f"aws_subnet.{name}" in finding.message
    # Route tables carry the same names; the line must be the subnet's.
    assert finding.location.line == line_of(path, f'"{name}": {{', after='"aws_subnet": {')


def test_principal_star_resource_star_without_condition(copy_of):
    module = copy_of("ds-team")
    open_policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}]}
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"]["logs"].update(
        {"policy": json.dumps(open_policy)}))
    (finding,) = run_audit(module)
    assert finding.code == "NS507" and "aws_vpc_endpoint.logs" in finding.message


@pytest.mark.parametrize("condition, expected", [
    ({"StringEquals": {"aws:PrincipalAccount": "${data.aws_caller_identity.current.account_id}"}}, set()),
    ({"StringEquals": {"aws:PrincipalAccount": "${data.aws_caller_identity.other.account_id}"}}, set()),
    # Limits the principal, but to someone outside the perimeter (the deploying account).
    ({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, {"NS514"}),
    ({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}, {"NS514"}),
    ({"StringEquals": {"aws:PrincipalAccount": ["${data.aws_caller_identity.current.account_id}",
                                                "111122223333"]}}, {"NS514"}),
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/*"}}, set()),
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}, {"NS514"}),
    # Limits nothing: anyone, everything.
    ({"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}, {"NS507"}),
    ({"StringLike": {"aws:PrincipalAccount": "*"}}, {"NS507"}),
    ({"StringEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}, {"NS507"}),
    ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, {"NS507"}),
])
def test_which_conditions_limit_the_principal(copy_of, condition, expected):
    module = copy_of("ds-team")
    # The resource stays inside the perimeter (NS521 has its own tests): only the principal varies.
    condition = {**condition, "StringEquals": {**condition.get("StringEquals", {}),
                                               "aws:ResourceAccount": "${data.aws_caller_identity.current.account_id}"}}
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                             "Condition": condition}]}
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"]["sts"].update(
        {"policy": json.dumps(policy)}))
    assert codes(run_audit(module)) == expected


def test_the_spec_perimeter_admits_its_accounts_and_organization(copy_of, tmp_path):
    module = copy_of("ds-team")
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123",
                                                            "aws:ResourceOrgID": "o-abc123"}}},
                            {"Effect": "Allow", "Principal": "*", "Action": "sts:GetCallerIdentity", "Resource": "*",
                             "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333",
                                                            "aws:ResourceAccount": "111122223333"}}}]}
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"]["sts"].update(
        {"policy": json.dumps(policy)}))
    spec = tmp_path / "perimeter.yaml"
    spec.write_text((SPECS / "ds-team.yaml").read_text() + "perimeter:\n  org_id: o-abc123\n  accounts: [111122223333]\n")
    assert codes(run_audit(module)) == {"NS514", "NS521"}
    assert run_audit(module, spec=spec) == []


def test_override_file_is_part_of_the_module(copy_of):
    module = copy_of("ds-team")
    override = module / "subnets_override.tf.json"
    override.write_text(json.dumps({"resource": {"aws_subnet": {"private_us_east_1a": {
        "map_public_ip_on_launch": True}}}}, indent=2))
    (finding,) = run_audit(module)
    assert finding.code == "NS503" and finding.location.path.endswith("subnets_override.tf.json")


def test_single_file_is_audited_alone():
    assert run_audit(OUT / "ds-team" / "endpoints.tf.json") == []
    # vpc.tf.json alone has a VPC but not its flow log, which lives in another file.
    assert codes(run_audit(OUT / "ds-team" / "vpc.tf.json")) == {"NS510"}


def test_unreadable_input(tmp_path):
    bad = tmp_path / "broken.tf.json"
    bad.write_text('{"resource": ')
    (finding,) = run_audit(bad)
    assert finding.code == "NS500" and finding.location.path.endswith("broken.tf.json")


# --- the command line --------------------------------------------------------------


def test_cli_exit_codes_and_json(copy_of, tmp_path):
    clean = run_cli("audit")
    assert clean.returncode == 0, clean.stderr
    assert run_cli("audit", "out/ds-team", "--spec", "specs/ds-team.yaml").returncode == 0
    assert run_cli("audit", "--spec", "specs/ml-containers.yaml").returncode == 0

    module = copy_of("ds-team")
    edit(module / "flow_logs.tf.json", lambda d: d["resource"].pop("aws_flow_log"))
    failed = run_cli("audit", str(module), "--format", "json")
    assert failed.returncode == 1
    report = json.loads(failed.stdout)
    assert [f["code"] for f in report["findings"]] == ["NS510"]
    assert report["findings"][0]["path"].endswith("vpc.tf.json") and report["summary"]["errors"] == 1

    text = run_cli("audit", str(module))
    assert text.returncode == 1 and "NS510" in text.stdout and "vpc.tf.json:" in text.stdout
    assert text.stderr == "1 module(s) audited: 1 error(s), 0 warning(s)\n"

    missing = run_cli("audit", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert run_cli("audit", "--spec", str(tmp_path / "nowhere.yaml")).returncode == 2


def test_many_modules_audit_the_same_over_workers_as_in_one_process(tmp_path):
    """-j 2 (worker processes, each finding specs on its own) and -j 1 give the same bytes: findings of
    tampered copies, a file that is not JSON and a hand-written module, in one sorted report."""
    import shutil
    shutil.copytree(SPECS, tmp_path / "specs")
    for copy in range(5):
        for name in EXAMPLES:
            shutil.copytree(OUT / name, tmp_path / "out" / f"{name}-{copy}")
    edit(tmp_path / "out" / "ds-team-1" / "vpc.tf.json", lambda d: d["resource"].setdefault(
        "aws_internet_gateway", {}).update({"igw": {"vpc_id": "${aws_vpc.main.id}"}}))
    edit(tmp_path / "out" / f"{EXAMPLES[-1]}-3" / "flow_logs.tf.json", lambda d: d["resource"].pop("aws_flow_log"))
    (tmp_path / "out" / "bad").mkdir()
    (tmp_path / "out" / "bad" / "main.tf.json").write_text('{"resource": ')
    (tmp_path / "out" / "hand").mkdir()
    (tmp_path / "out" / "hand" / "main.tf.json").write_text('{"resource": {"aws_vpc": {"v": {"cidr_block": "10.9.0.0/16"}}}}')
    runs = [run_cli("audit", "out", "--format", "json", "-j", jobs, cwd=tmp_path) for jobs in ("1", "2")]
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    assert runs[0].returncode == runs[1].returncode == 1, runs[0].stderr
    found = {(f["code"], f["path"].split("/")[1]) for f in json.loads(runs[0].stdout)["findings"]}
    assert {("NS501", "ds-team-1"), ("NS510", f"{EXAMPLES[-1]}-3"), ("NS500", "bad"), ("NS520", "hand")} <= found
    assert runs[0].stderr.startswith(f"{5 * len(EXAMPLES) + 2} module(s) audited: ")


def test_the_audit_shares_no_code_with_the_compiler():
    """It reads catalog, region and workload-profile data, never the renderer, the model builder or the policies."""
    import ast

    forbidden = {"render", "policies", "build", "pipeline", "requirements", "model", "loader"}
    package = Path(__file__).resolve().parents[1] / "compiler" / "netspec" / "audit"
    for path in package.rglob("*.py"):
        depth = len(path.relative_to(package).parts)  # 1: audit/x.py, 2: audit/checks/x.py
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level > depth:  # outside netspec.audit
                names = [node.module] if node.module else [a.name for a in node.names]
                assert not {n.split(".")[0] for n in names} & forbidden, (path.name, names)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("netspec"):
                raise AssertionError(f"{path.name}: absolute import of {node.module}")
