"""The perimeter: trusted identities to trusted resources on every endpoint, no side doors, logs kept."""

from __future__ import annotations

import json

import pytest

from netspec import catalog, compile_text, policies

from conftest import BASE_SPEC, EXAMPLES, compile_ok, module, resources, run_cli

IDENTITY_KEYS = {"aws:PrincipalAccount", "aws:PrincipalOrgID"}
RESOURCE_KEYS = {"aws:ResourceAccount", "aws:ResourceOrgID", "s3:ResourceAccount"}
ACCOUNT = policies.ACCOUNT


def aws_owned_arns(region: str) -> set[str]:
    """Every exact ARN an AWS-owned bucket statement may name in `region` (from the bucket table)."""
    arns = set()
    for bucket in catalog.AWS_BUCKETS.values():
        if bucket.owner == "aws":
            name = bucket.template.format(region=region, account="")
            arns |= {f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"}
    return arns


def endpoint_policies(result) -> dict[str, dict]:
    return {address.split(".", 1)[1]: json.loads(body["policy"])
            for address, body in resources(result).items()
            if address.startswith("aws_vpc_endpoint.") and "policy" in body}


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_every_allow_statement_needs_a_trusted_identity_and_a_trusted_resource(spec):
    result = compile_text(spec.read_text(), spec.name)
    assert result.ok
    region = result.network.region.name
    caller_only = {e.key for e in result.network.endpoints if not e.service.resource_keys}
    for name, policy in endpoint_policies(result).items():
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow" and statement["Principal"] == "*"
            tests = statement.get("Condition", {}).get("StringEquals", {})
            if not tests:
                # the documented exception: exact statements for AWS-owned buckets, read-only
                assert name == "s3" and set(statement["Resource"]) <= aws_owned_arns(region), statement
                assert all(a.startswith(("s3:Get", "s3:List")) for a in statement["Action"]), statement
                continue
            assert set(tests) & IDENTITY_KEYS, (name, statement)
            if name in caller_only:
                assert not set(tests) & RESOURCE_KEYS  # and rules warned (NS241)
            else:
                assert set(tests) & RESOURCE_KEYS, (name, statement)
            assert all(v for v in tests.values()), statement


def test_the_default_perimeter_is_the_deploying_account():
    sts = endpoint_policies(compile_ok(BASE_SPEC))["sts"]
    assert sts["Statement"] == [{"Sid": "AccountIdentitiesToAccountResources", "Effect": "Allow", "Principal": "*",
                                 "Action": "*", "Resource": "*", "Condition": {"StringEquals": {
                                     "aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT}}}]


def test_an_organization_and_accounts_are_alternatives():
    text = BASE_SPEC + 'perimeter:\n  org_id: o-a1b2c3d4e5\n  accounts: ["111122223333", "444455556666"]\n'
    sts = endpoint_policies(compile_ok(text))["sts"]
    pairs = {s["Sid"]: s["Condition"]["StringEquals"] for s in sts["Statement"]}
    assert pairs == {
        "OrgIdentitiesToOrgResources": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceOrgID": "o-a1b2c3d4e5"},
        "OrgIdentitiesToAccountResources": {"aws:PrincipalOrgID": "o-a1b2c3d4e5",
                                            "aws:ResourceAccount": ["111122223333", "444455556666"]},
        "AccountIdentitiesToOrgResources": {"aws:PrincipalAccount": ["111122223333", "444455556666"],
                                            "aws:ResourceOrgID": "o-a1b2c3d4e5"},
        "AccountIdentitiesToAccountResources": {"aws:PrincipalAccount": ["111122223333", "444455556666"],
                                                "aws:ResourceAccount": ["111122223333", "444455556666"]},
    }
    org_only = endpoint_policies(compile_ok(BASE_SPEC + "perimeter: {org_id: o-a1b2c3d4e5}\n"))["logs"]
    assert [s["Sid"] for s in org_only["Statement"]] == ["OrgIdentitiesToOrgResources"]


def test_a_bucket_with_an_owner_is_pinned_to_it():
    text = BASE_SPEC.replace("    access: read\n", '    access: read\n    account: "111122223333"\n'
                             "  - name: shared-lake\n    access: read\n")
    s3 = endpoint_policies(compile_ok(text))["s3"]
    by_sid = {s["Sid"]: s for s in s3["Statement"]}
    owned = by_sid["ReadBucketsOwned111122223333"]
    assert owned["Resource"] == ["arn:aws:s3:::my-secure-bucket", "arn:aws:s3:::my-secure-bucket/*"]
    assert owned["Condition"]["StringEquals"] == {"aws:PrincipalAccount": ACCOUNT, "s3:ResourceAccount": "111122223333"}
    lake = by_sid["ReadBucketsInAccountPerimeter"]
    assert lake["Condition"]["StringEquals"] == {"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT}


@pytest.mark.parametrize("access, code", [("write", "NS236"), ("read-write", "NS236"), ("read", "NS237")])
def test_wildcard_buckets_need_an_owner(access, code):
    text = BASE_SPEC.replace("my-secure-bucket\n    access: read", f"abc*\n    access: {access}")
    result = compile_text(text, "w.yaml")
    assert [f.code for f in result.findings] == [code] and result.findings[0].location.line == 8
    assert result.ok is (code == "NS237")
    pinned = compile_text(text.replace(f"access: {access}", f'access: {access}\n    account: "111122223333"'), "w.yaml")
    assert pinned.ok and not pinned.findings


def test_services_without_resource_keys_warn_and_keep_the_caller_check():
    text = BASE_SPEC.replace("sts, logs]", "sts, logs, events]")
    result = compile_text(text, "w.yaml")
    (warning,) = result.findings
    assert warning.code == "NS241" and warning.location.line == 6 and result.ok
    events = endpoint_policies(result)["events"]
    assert events["Statement"] == [{"Sid": "AccountIdentitiesOnly", "Effect": "Allow", "Principal": "*", "Action": "*",
                                    "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]


def test_bucket_policy_outputs_keep_aws_services_and_named_exceptions():
    role = "arn:aws:iam::123456789012:role/BreakGlass"
    text = BASE_SPEC + f"bucket_policy:\n  exceptions: [{role}]\n"
    outputs = module(compile_ok(text))["outputs.tf.json"]["output"]
    (deny,) = json.loads(outputs["s3_bucket_policies"]["value"]["my-secure-bucket"])["Statement"]
    assert deny["Condition"] == {
        "StringNotEqualsIfExists": {"aws:SourceVpce": "${aws_vpc_endpoint.s3.id}"},
        "BoolIfExists": {"aws:PrincipalIsAWSService": "false", "aws:ViaAWSService": "false"},
        "ArnNotLikeIfExists": {"aws:PrincipalArn": [role]}}
    assert "administrators" in outputs["s3_bucket_policies"]["description"]


# --- no side doors: the VPC's own defaults ------------------------------------------------------


def test_main_route_table_and_default_acl_are_adopted():
    res = resources(compile_ok(BASE_SPEC))
    main = res["aws_default_route_table.main"]
    assert main["default_route_table_id"] == "${aws_vpc.main.default_route_table_id}" and main["route"] == []
    acl = res["aws_default_network_acl.default"]
    assert acl["default_network_acl_id"] == "${aws_vpc.main.default_network_acl_id}"
    rules = sorted((d, r["rule_no"], r["protocol"], r["cidr_block"], r["from_port"], r["to_port"])
                   for d in ("ingress", "egress") for r in acl[d])
    assert rules == [("egress", 100, "-1", "10.2.0.0/16", 0, 0), ("egress", 200, "tcp", "0.0.0.0/0", 443, 443),
                     ("ingress", 100, "-1", "10.2.0.0/16", 0, 0), ("ingress", 200, "tcp", "0.0.0.0/0", 1024, 65535)]
    assert "stateless" in module(compile_ok(BASE_SPEC))["vpc.tf.json"]["resource"]["aws_default_network_acl"]["default"]["//"]
    no_gateway = resources(compile_ok(BASE_SPEC.replace("services: [s3, ", "services: [").replace(
        "buckets:\n  - name: my-secure-bucket\n    access: read\n", "")))
    acl = no_gateway["aws_default_network_acl.default"]
    assert all(r["cidr_block"] == "10.2.0.0/16" for r in acl["ingress"] + acl["egress"])


# --- logs: all flows, encrypted; DNS queries; the DNS firewall -----------------------------------


def test_flow_logs_record_all_traffic_each_minute_in_the_full_format():
    res = resources(compile_ok(BASE_SPEC))
    flow = res["aws_flow_log.vpc"]
    assert flow["traffic_type"] == "ALL" and flow["max_aggregation_interval"] == 60
    fields = [f.removeprefix("$${").removesuffix("}") for f in flow["log_format"].split()]
    assert {"vpc-id", "subnet-id", "interface-id", "pkt-srcaddr", "pkt-dstaddr", "flow-direction",
            "traffic-path"} <= set(fields)
    assert all(f.startswith("$${") for f in flow["log_format"].split()), "Terraform must not read ${field}"


def test_log_groups_are_encrypted_with_a_rotated_key_scoped_to_them():
    res = resources(compile_ok(BASE_SPEC))
    key = res["aws_kms_key.logs"]
    assert key["enable_key_rotation"] is True and key["deletion_window_in_days"] == 30
    for group in ("aws_cloudwatch_log_group.flow_logs", "aws_cloudwatch_log_group.dns_queries"):
        assert res[group]["kms_key_id"] == "${aws_kms_key.logs.arn}"
    statements = json.loads(key["policy"])["Statement"]
    (logs,) = [s for s in statements if s["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}]
    assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/vendedlogs/netspec/ds-team/dns-queries",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/netspec/ds-team/vpc-flow-logs"]}}
    assert not any(a in ("kms:*", "*") for a in logs["Action"])


def test_dns_queries_are_logged_by_default():
    res = resources(compile_ok(BASE_SPEC))
    config = res["aws_route53_resolver_query_log_config.vpc"]
    assert config["destination_arn"] == "${aws_cloudwatch_log_group.dns_queries.arn}"
    association = res["aws_route53_resolver_query_log_config_association.vpc"]
    assert association == {"resolver_query_log_config_id": "${aws_route53_resolver_query_log_config.vpc.id}",
                           "resource_id": "${aws_vpc.main.id}"}
    assert res["aws_cloudwatch_log_group.dns_queries"]["retention_in_days"] == 365
    off = resources(compile_ok(BASE_SPEC + "dns: {query_logs: false}\n"))
    assert not any(a.startswith("aws_route53_resolver") for a in off)


def test_dns_firewall_allows_aws_domains_and_blocks_the_rest():
    text = BASE_SPEC.replace("sts, logs]", "sts, logs, sagemaker.studio]") + \
        "dns:\n  firewall:\n    allow: [pypi.org, '*.pypi.org']\n"
    res = resources(compile_ok(text))
    allowed = res["aws_route53_resolver_firewall_domain_list.allowed"]["domains"]
    assert allowed == ["amazonaws.com", "*.amazonaws.com", "ec2.internal", "*.ec2.internal",
                       "studio.us-east-1.sagemaker.aws", "*.studio.us-east-1.sagemaker.aws", "pypi.org", "*.pypi.org"]
    assert res["aws_route53_resolver_firewall_domain_list.everything"]["domains"] == ["*"]
    allow = res["aws_route53_resolver_firewall_rule.allow_listed"]
    other = res["aws_route53_resolver_firewall_rule.everything_else"]
    assert (allow["action"], allow["priority"]) == ("ALLOW", 100)
    assert (other["action"], other["block_response"], other["priority"]) == ("BLOCK", "NODATA", 200)
    assert res["aws_route53_resolver_firewall_config.vpc"]["firewall_fail_open"] == "DISABLED"
    association = res["aws_route53_resolver_firewall_rule_group_association.vpc"]
    assert 100 <= association["priority"] <= 9900
    alert = resources(compile_ok(BASE_SPEC + "dns: {firewall: {mode: alert}}\n"))
    assert alert["aws_route53_resolver_firewall_rule.everything_else"]["action"] == "ALERT"
    china = resources(compile_ok(BASE_SPEC.replace("us-east-1", "cn-north-1").replace(
        "services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]", "services: [s3, sts]") + "dns: {firewall: true}\n"))
    assert china["aws_route53_resolver_firewall_domain_list.allowed"]["domains"][:2] == ["amazonaws.com.cn",
                                                                                          "*.amazonaws.com.cn"]


# --- review: diff speaks the perimeter ------------------------------------------------------


def test_diff_flags_owner_perimeter_and_dns_changes(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE_SPEC.replace("    access: read\n", '    access: read\n    account: "111122223333"\n')
                   + "dns: {firewall: true}\n")
    new.write_text(BASE_SPEC.replace("    access: read\n", '    access: read\n    account: "999988887777"\n')
                   + 'perimeter: {accounts: ["111122223333"]}\ndns: {query_logs: false}\n')
    report = json.loads(run_cli("diff", str(old), str(new), "--format", "json").stdout)
    changes = {(c["kind"], c["subject"]): c for c in report["specs"][0]["changes"]}
    assert changes[("bucket_owner.changed", "my-secure-bucket")]["needs_review"]
    assert changes[("perimeter.added", "account 111122223333")]["widens"]
    assert changes[("dns.removed", "firewall")]["needs_review"]
    assert changes[("dns.changed", "query logs")]["needs_review"]
