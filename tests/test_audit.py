"""Tests for `netspec audit`: the compiled examples pass; each tampering is caught and located."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from netspec.audit import audit
from netspec.audit.inputs import load_paths, locate, plan_module
from netspec.audit.policy import parse
from netspec.audit.values import Expression, Reference, Template, decide
from netspec.audit.spec import read_expectation
from netspec.findings import Finding, display_path

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
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                             "Condition": condition}]}
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"]["sts"].update(
        {"policy": json.dumps(policy)}))
    assert codes(run_audit(module)) == expected


def test_the_spec_perimeter_admits_its_accounts_and_organization(copy_of, tmp_path):
    module = copy_of("ds-team")
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
                            {"Effect": "Allow", "Principal": "*", "Action": "sts:GetCallerIdentity", "Resource": "*",
                             "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]}
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"]["sts"].update(
        {"policy": json.dumps(policy)}))
    spec = tmp_path / "perimeter.yaml"
    spec.write_text((SPECS / "ds-team.yaml").read_text() + "perimeter:\n  org_id: o-abc123\n  accounts: [111122223333]\n")
    assert codes(run_audit(module)) == {"NS514"}
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


# --- plans -----------------------------------------------------------------------


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


def test_plan_with_internet_gateway(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_document([{"type": "aws_internet_gateway", "name": "igw", "values": {}}])))
    findings = run_audit(path)
    assert codes(findings) == {"NS501", "NS520"}  # NS520: a plan names no spec
    (finding,) = known(findings)
    assert finding.code == "NS501" and "aws_internet_gateway.igw" in finding.message
    assert finding.location.path.endswith("plan.json") and finding.location.line == 1


def test_clean_plan_and_child_modules(tmp_path):
    document = plan_document([])
    assert known(audit([plan_module(document, "plan.json")], None)) == []
    # The same VPC inside a child module, with its flow log gone.
    resources = document["planned_values"]["root_module"].pop("resources")
    for r in resources:
        r["address"] = "module.net." + r["address"]
    document["planned_values"]["root_module"]["child_modules"] = [
        {"address": "module.net", "resources": [r for r in resources if r["type"] != "aws_flow_log"]}]
    document["resource_changes"] = []
    document["configuration"] = {"root_module": {"module_calls": {"net": {"module": document["configuration"]["root_module"]}}}}
    (finding,) = known(audit([plan_module(document, "plan.json")], None))
    assert finding.code == "NS510" and "module.net.aws_vpc.main" in finding.message


def test_plan_endpoint_with_default_full_access_policy(tmp_path):
    # A no-op change of an endpoint created without a policy: AWS's default shows in the plan.
    default = json.dumps({"Version": "2008-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
    document = plan_document([{"type": "aws_vpc_endpoint", "name": "s3", "values": {
        "service_name": "com.amazonaws.us-east-1.s3", "policy": default}}])
    assert codes(known(audit([plan_module(document, "plan.json")], None))) == {"NS507", "NS508"}


def test_plan_policy_known_after_apply_is_not_missing_but_unknown():
    document = plan_document([{"type": "aws_vpc_endpoint", "name": "sts", "values": {
        "service_name": "com.amazonaws.us-east-1.sts"}}])
    document["configuration"]["root_module"]["resources"][-1]["expressions"]["policy"] = {
        "references": ["data.aws_iam_policy_document.sts.json"]}
    document["resource_changes"][-1]["change"]["after_unknown"]["policy"] = True
    (finding,) = known(audit([plan_module(document, "plan.json")], None))
    assert finding.code == "NS511" and "policy is known only after apply" in finding.message
    document["configuration"]["root_module"]["resources"][-1]["expressions"].pop("policy")
    del document["resource_changes"][-1]["change"]["after_unknown"]["policy"]
    assert codes(known(audit([plan_module(document, "plan.json")], None))) == {"NS506"}


# --- small parts -------------------------------------------------------------------


@pytest.mark.parametrize("text, decided", [
    ("10.0.0.0/8", "10.0.0.0/8"),
    ("$${literal}", "${literal}"),
    ("${aws_vpc.main.id}", Reference("aws_vpc.main.id")),
    ("${data.aws_caller_identity.current.account_id}", Reference("data.aws_caller_identity.current.account_id")),
    ("${aws_subnet.a[0].id}", Reference("aws_subnet.a[0].id")),
    ("a${aws_vpc.main.id}b", Template("a${aws_vpc.main.id}b", (Reference("aws_vpc.main.id"),))),
    ("0.0.0.0/${0}", Expression("0.0.0.0/${0}")),
    ("${true}", Expression("${true}")),
    ("${var.x}", Expression("${var.x}")),
    ("${local.x}", Expression("${local.x}")),
    ("${cidrsubnet(var.base, 4, 1)}", Expression("${cidrsubnet(var.base, 4, 1)}")),
    ("${jsonencode({a = \"}\"})}", Expression("${jsonencode({a = \"}\"})}")),
    ("${aws_subnet.a[count.index].id}", Expression("${aws_subnet.a[count.index].id}")),
    ("%{if true}x%{endif}", Expression("%{if true}x%{endif}")),
    ("${unclosed", Expression("${unclosed")),
])
def test_how_configuration_strings_are_decided(text, decided):
    assert decide(text) == decided


def test_parse_accepts_a_single_statement_object():
    assert parse('{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}')[0].allows


def test_locate_finds_the_resource_not_a_data_source():
    text = json.dumps({"data": {"aws_vpc": {"main": {}}}, "resource": {"aws_vpc": {"main": {"cidr_block": "x"}}}},
                      indent=2)
    assert text.splitlines()[locate(text, "aws_vpc", "main") - 1].strip() == '"main": {'
    assert locate(text, "aws_vpc", "main") > 5


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


# --- HCL, overrides and what a folder holds ------------------------------------------


def hcl_copy(name: str, target: Path) -> Path:
    """out/<name> as native HCL files (`compile --format hcl` writes the same)."""
    from netspec.render.hcl import to_hcl

    target.mkdir(parents=True)
    files = {p.name: p.read_text() for p in (OUT / name).glob("*.tf.json")}
    for file_name, text in to_hcl(files).items():
        (target / file_name).write_text(text)
    return target


@pytest.mark.parametrize("name", EXAMPLES)
def test_hcl_module_reads_like_its_json_and_is_clean(name, tmp_path, monkeypatch):
    folder = hcl_copy(name, tmp_path / "repo" / "out" / name)
    shutil.copytree(SPECS, tmp_path / "repo" / "specs")
    (as_json,), (as_hcl,) = load_paths([OUT / name]), load_paths([folder])
    assert {r.key: r.values for r in as_hcl.resources} == {r.key: r.values for r in as_json.resources}
    assert {h.spec for h in as_hcl.headers} == {f"{name}.yaml"}
    monkeypatch.chdir(tmp_path)  # the spec is found beside out/, not in the current directory
    assert audit(load_paths([folder])) == []


def test_a_tf_file_beside_the_json_is_part_of_the_module(copy_of):
    module = copy_of("ds-team")
    (module / "extra.tf").write_text('\n\nresource "aws_internet_gateway" "door" {\n  vpc_id = aws_vpc.main.id\n}\n')
    (finding,) = run_audit(module)
    assert finding.code == "NS501" and finding.location.path.endswith("extra.tf") and finding.location.line == 3


def test_overrides_apply_in_name_order_and_ignored_files_are_ignored(copy_of):
    module = copy_of("ds-team")
    (module / "a_override.tf").write_text(
        'resource "aws_subnet" "private_us_east_1a" {\n  map_public_ip_on_launch = true\n}\n')
    (module / "b_override.tf.json").write_text(json.dumps(
        {"resource": {"aws_subnet": {"private_us_east_1a": {"map_public_ip_on_launch": False}}}}))
    # Terraform skips hidden files and editor backups; so does the audit.
    (module / ".hidden.tf").write_text('resource "aws_internet_gateway" "x" {}\n')
    (module / "extra.tf~").write_text('resource "aws_internet_gateway" "x" {}\n')
    (module / ".terraform" / "modules" / "m").mkdir(parents=True)
    (module / ".terraform" / "modules" / "m" / "main.tf").write_text('resource "aws_internet_gateway" "x" {}\n')
    assert run_audit(module) == []
    (module / "c_override.tf").write_text(
        'resource "aws_subnet" "private_us_east_1a" {\n  map_public_ip_on_launch = true\n}\n')
    (finding,) = run_audit(module)
    assert finding.code == "NS503" and finding.location.path.endswith("c_override.tf")
    assert [m.label for m in load_paths([module.parent])] == [display_path(module)]


def test_unreadable_hcl_is_located(copy_of):
    module = copy_of("ds-team")
    (module / "extra.tf").write_text('resource "aws_route" "x" {\n  destination_cidr_block = \n')
    findings = run_audit(module)
    assert codes(findings) == {"NS500"}
    assert findings[0].location.path.endswith("extra.tf") and findings[0].location.line >= 2


def test_references_to_literal_attributes_are_read_through(copy_of):
    module = copy_of("ds-team")
    rule = {"security_group_id": "${aws_security_group.workload.id}", "ip_protocol": "-1",
            "cidr_ipv4": "${aws_vpc.main.cidr_block}"}
    edit(module / "security_groups.tf.json", lambda d: d["resource"]["aws_vpc_security_group_egress_rule"].update(
        {"in_vpc": rule}))
    assert run_audit(module) == []  # 10.2.0.0/16, read from aws_vpc.main
    rule["cidr_ipv6"] = "${aws_vpc.main.ipv6_cidr_block}"  # computed by AWS: not a literal the audit can read
    edit(module / "security_groups.tf.json", lambda d: d["resource"]["aws_vpc_security_group_egress_rule"].update(
        {"in_vpc": rule}))
    (finding,) = run_audit(module)
    assert finding.code == "NS511" and "cidr_ipv6" in finding.message


# --- which spec a module is audited against ------------------------------------------


def test_header_pattern_matches_the_renderer():
    from netspec import compile_text
    from netspec.audit.config import HEADER
    from netspec.render import header

    result = compile_text((SPECS / "ds-team.yaml").read_text(), "ds-team.yaml")
    match = HEADER.match(header(result.network))
    assert match and match.group("spec") == "ds-team.yaml" and len(match.group("sha")) == 64


def test_default_retention_is_the_compilers():
    from netspec.audit.spec import DEFAULT_RETENTION_DAYS
    from netspec.build import DEFAULT_RETENTION_DAYS as COMPILER_DEFAULT

    assert DEFAULT_RETENTION_DAYS == COMPILER_DEFAULT


def make_repo(root: Path, spec_text: str, name: str = "team") -> Path:
    """A repository with specs/<name>.yaml compiled into out/<name>/."""
    from netspec import compile_text

    result = compile_text(spec_text, f"{name}.yaml")
    assert result.ok, result.findings
    (root / "specs").mkdir(parents=True)
    (root / "specs" / f"{name}.yaml").write_text(spec_text)
    module = root / "out" / name
    module.mkdir(parents=True)
    for file_name, text in result.files.items():
        (module / file_name).write_text(text)
    return module


def test_spec_beside_out_comes_before_the_current_directory(tmp_path, monkeypatch):
    text = (SPECS / "ds-team.yaml").read_text()
    module = make_repo(tmp_path / "repo", text, "ds-team")
    # The current directory holds a different ds-team.yaml: the one beside out/ decides.
    (tmp_path / "cwd" / "specs" / "nested").mkdir(parents=True)
    (tmp_path / "cwd" / "specs" / "nested" / "ds-team.yaml").write_text(text + "# changed\n")
    monkeypatch.chdir(tmp_path / "cwd")
    assert audit(load_paths([module])) == []
    # Without specs/ beside out/, the current directory's specs/ (searched recursively) is used.
    shutil.rmtree(tmp_path / "repo" / "specs")
    (finding,) = audit(load_paths([module]))
    assert finding.code == "NS518" and "specs/nested/ds-team.yaml" in finding.message
    (tmp_path / "cwd" / "specs" / "nested" / "ds-team.yaml").write_text(text)
    assert audit(load_paths([module])) == []
    shutil.rmtree(tmp_path / "cwd" / "specs")
    (finding,) = audit(load_paths([module]))
    assert finding.code == "NS517" and "ds-team.yaml" in finding.message
    assert finding.location.line == 2 and finding.location.path.endswith(".tf.json")


def test_flow_logs_off_by_the_spec_is_one_warning_with_or_without_spec(tmp_path):
    text = (SPECS / "ds-team.yaml").read_text() + "flow_logs: false\n"
    module = make_repo(tmp_path, text)
    assert not (module / "flow_logs.tf.json").exists()
    for args in (["out/team"], ["out/team", "--spec", "specs/team.yaml"]):
        result = run_cli("audit", *args, "--format", "json", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert [(f["code"], f["severity"]) for f in report["findings"]] == [("NS519", "warning")]
    # The same module audited against a spec that keeps flow logs on: NS510.
    assert codes(run_audit(module, spec=SPECS / "ds-team.yaml")) == {"NS510"}


def test_retention_follows_the_spec(tmp_path):
    text = (SPECS / "ds-team.yaml").read_text() + "flow_logs:\n  retention_days: 30\n"
    module = make_repo(tmp_path, text)
    assert audit(load_paths([module])) == []
    # The same module against the default (365 days): too short.
    (finding,) = run_audit(module, spec=SPECS / "ds-team.yaml")
    assert finding.code == "NS516" and "30 day(s)" in finding.message
    edit(module / "flow_logs.tf.json", lambda d: d["resource"]["aws_cloudwatch_log_group"]["flow_logs"].pop(
        "retention_in_days"))
    assert run_audit(module, spec=SPECS / "ds-team.yaml") == []  # never expires


def test_plan_shows_aws_default_policy_of_an_endpoint_that_takes_none():
    default = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
    document = plan_document([{"type": "aws_vpc_endpoint", "name": "notebook", "values": {
        "service_name": "aws.sagemaker.us-east-1.notebook", "policy": default}}])
    assert known(audit([plan_module(document, "plan.json")], None)) == []


def test_plan_account_is_the_caller_identity_the_plan_read():
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                                        "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]})
    document = plan_document([{"type": "aws_vpc_endpoint", "name": "sts", "values": {
        "service_name": "com.amazonaws.us-east-1.sts", "policy": policy}}])
    document["configuration"]["root_module"]["resources"][-1]["expressions"]["policy"] = {"constant_value": policy}
    (finding,) = known(audit([plan_module(document, "plan.json")], None))
    assert finding.code == "NS514" and "the plan shows no aws_caller_identity" in finding.message
    document["prior_state"] = {"values": {"root_module": {"resources": [
        {"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity",
         "name": "current", "values": {"account_id": "111122223333"}}]}}}
    assert known(audit([plan_module(document, "plan.json")], None)) == []
