"""What `netspec audit` reads: how values are decided, HCL, overrides, files it skips, plans."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_support import EXAMPLES, OUT, SPECS, codes, copy_of, edit, known, plan_document, run_audit
from netspec.audit import audit
from netspec.audit.inputs import load_paths, locate, plan_module
from netspec.audit.policy import parse
from netspec.audit.values import Expression, Reference, Template, decide
from netspec.findings import display_path

__all__ = ["copy_of"]  # a fixture, used by name


# --- plans -----------------------------------------------------------------------


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


def test_plan_account_is_the_caller_identity_the_plan_read():
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                                        "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333",
                                                                       "aws:ResourceAccount": "111122223333"}}}]})
    document = plan_document([{"type": "aws_vpc_endpoint", "name": "sts", "values": {
        "service_name": "com.amazonaws.us-east-1.sts", "policy": policy}}])
    document["configuration"]["root_module"]["resources"][-1]["expressions"]["policy"] = {"constant_value": policy}
    principal, resource = known(audit([plan_module(document, "plan.json")], None))
    assert principal.code == "NS514" and "the plan shows no aws_caller_identity" in principal.message
    assert resource.code == "NS521"
    document["prior_state"] = {"values": {"root_module": {"resources": [
        {"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity",
         "name": "current", "values": {"account_id": "111122223333"}}]}}}
    assert known(audit([plan_module(document, "plan.json")], None)) == []


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


def _decided_char_by_char(text: str):
    """The template reading `decide` makes, one character at a time: the plainest statement of it."""
    from netspec.tfsyntax import interpolation_end
    from netspec.audit.values import _REFERENCE
    literal, references, i = [], [], 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            literal.append(text[i + 1: i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = interpolation_end(text, i)
            inner = text[i + 2: end - 1].strip() if end > 0 else ""
            if text[i] == "%" or end < 0 or not _REFERENCE.fullmatch(inner):
                return Expression(text)
            references.append(Reference(inner))
            i = end
        else:
            literal.append(text[i])
            i += 1
    if not references:
        return "".join(literal)
    return references[0] if len(references) == 1 and not literal else Template(text, tuple(references))


_PIECES = ["$", "%", "{", "}", "$${", "%%{", "${", "%{", "aws_vpc.main.id", "data.aws_x.y.z[0]", "var.x", '"', "\\",
           "a", " ", "/", "0", "${aws_vpc.main.id}", "${ data.aws_x.y.z[0].w }", "${var.x}", '${"}"}', "%{if x}"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_decide_reads_every_template_as_a_character_by_character_reading_does(text):
    assert decide(text) == _decided_char_by_char(text)


def test_parse_accepts_a_single_statement_object():
    assert parse('{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}')[0].allows


def test_locate_finds_the_resource_not_a_data_source():
    text = json.dumps({"data": {"aws_vpc": {"main": {}}}, "resource": {"aws_vpc": {"main": {"cidr_block": "x"}}}},
                      indent=2)
    assert text.splitlines()[locate(text, "aws_vpc", "main") - 1].strip() == '"main": {'
    assert locate(text, "aws_vpc", "main") > 5


# --- HCL, overrides and what a folder holds ------------------------------------------


def hcl_copy(name: str, target: Path) -> Path:
    """out/<name> as native HCL files (`compile --format hcl` writes the same)."""
    from netspec.render.hcl import to_hcl

    target.mkdir(parents=True)
    files = {p.name: p.read_text() for p in (OUT / name).glob("*.tf.json")}
    for file_name, text in to_hcl(files).items():
        (target / file_name).write_text(text)
    return target


def blocks_as_lists(value: Any) -> Any:
    """Terraform JSON may write one nested block as an object, HCL gives a list of blocks: compare them alike."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return blocks_as_lists(value[0])
    if isinstance(value, list):
        return [blocks_as_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: blocks_as_lists(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", EXAMPLES)
def test_hcl_module_reads_like_its_json_and_is_clean(name, tmp_path, monkeypatch):
    folder = hcl_copy(name, tmp_path / "repo" / "out" / name)
    shutil.copytree(SPECS, tmp_path / "repo" / "specs")
    (as_json,), (as_hcl,) = load_paths([OUT / name]), load_paths([folder])
    assert {r.key: blocks_as_lists(r.values) for r in as_hcl.resources} == \
        {r.key: blocks_as_lists(r.values) for r in as_json.resources}
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


@pytest.mark.parametrize("text, message", [
    ("a: " + "[" * 600 + "]" * 600 + "\n", "the spec cannot be read: it is nested too deeply"),
    ("name: [x\n", "the spec cannot be read (while parsing a flow sequence)"),
], ids=["deep", "syntax"])
def test_an_unreadable_spec_is_said_plainly_with_what_to_do(tmp_path, text, message):
    from conftest import run_cli
    (tmp_path / "spec.yaml").write_text(text)
    result = run_cli("audit", str(OUT / "ds-team"), "--spec", "spec.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2, "the audit could not do what was asked: an I/O-class error"
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["path"], finding["message"]) == ("NS304", "spec.yaml", message)
    assert "netspec validate" in finding["hint"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_where_an_interpolation_ends_is_found_as_the_full_scan_finds_it(text):
    from netspec.tfsyntax import _scan, interpolation_end
    for at in range(len(text) - 1):
        if text[at:at + 2] in ("${", "%{"):
            assert interpolation_end(text, at) == _scan(text, at)


def _too_deep_by_stack(value) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            if depth > 100:
                return True
            stack.extend((child, depth + 1) for child in children)
    return False


@pytest.mark.parametrize("depth", [0, 1, 99, 100, 101, 102])
@pytest.mark.parametrize("shape", ["list", "dict", "mixed", "empty-leaf"])
def test_too_deep_refuses_exactly_what_nests_past_the_limit(depth, shape):
    from netspec.audit.values import MAX_DEPTH, too_deep
    assert MAX_DEPTH == 100
    value = "leaf" if shape != "empty-leaf" else []
    for level in range(depth):
        value = [value, 1] if shape == "list" or (shape == "mixed" and level % 2) else {"k": value, "n": None}
    assert too_deep(value) == _too_deep_by_stack(value) == (depth + (shape == "empty-leaf") > MAX_DEPTH)
