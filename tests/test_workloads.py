"""Workloads: each profile expands to what its AWS page documents, and `explain` says why."""

from __future__ import annotations

import json

import pytest

from netspec import catalog, compile_text, workloads
from netspec.explain import explain

from conftest import BASE_SPEC, compile_ok, module, resources, run_cli

# Each profile's documented needs, written out from its AWS page (the page is the profile's
# `source`, checked below), independently of the profile table: a change to the table or to the
# expansion that disagrees with the page fails here.
DOCUMENTED: dict[str, tuple[str, set[str], set[str], set[str]]] = {
    # profile: (AWS page, endpoint services, AWS-owned/implied buckets, within-group traffic)
    "studio": ("https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
               {"sagemaker.api", "sagemaker.runtime", "sagemaker.studio", "s3", "sts", "logs"},
               set(), {"jupyter", "nfs"}),
    "notebook-instances": ("https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-interface-endpoint.html",
                           {"sagemaker.notebook", "sagemaker.api"}, set(), set()),
    "training": ("https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html", {"s3"}, set(), {"all"}),
    "processing": ("https://docs.aws.amazon.com/sagemaker/latest/dg/process-vpc.html", {"s3"}, set(), {"all"}),
    "hosting": ("https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
                {"s3", "sagemaker.runtime"}, set(), set()),
    "pipelines": ("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_NetworkConfig.html",
                  {"s3", "sagemaker.api"}, set(), {"all"}),
    "projects": ("https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
                 {"servicecatalog", "sagemaker.api"}, set(), set()),
    "feature-store": ("https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-online-store.html",
                      {"sagemaker.featurestore-runtime", "sagemaker.api", "s3"}, set(), set()),
    "canvas": ("https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-vpc.html",
               {"sagemaker.api", "sagemaker.runtime", "sagemaker.notebook", "sagemaker.studio", "sts", "ecr.api",
                "ecr.dkr", "ec2", "s3", "athena", "redshift-data", "secretsmanager", "ssm", "monitoring", "logs",
                "forecast", "forecastquery"},
               {"sagemaker-default", "ecr-layers"}, {"jupyter", "nfs"}),
    "jumpstart": ("https://docs.aws.amazon.com/sagemaker/latest/dg/jumpstart-deploy.html",
                  {"s3", "sagemaker.runtime"}, {"jumpstart-cache"}, {"all"}),
    "bedrock": ("https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html",
                {"bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"}, set(), set()),
}

WORKLOAD_SPEC = """\
netspec: 1
name: wl-team
region: us-east-1
cidr: 10.9.0.0/16
azs: [us-east-1a, us-east-1b]
workloads: [{workloads}]
buckets:
  - name: wl-team-data
    access: read-write
"""


def network_for(*keys: str, extra: str = ""):
    text = WORKLOAD_SPEC.format(workloads=", ".join(keys)) + extra
    if not any("s3" in DOCUMENTED[k][1] for k in keys) and "services:" not in extra:
        text += "services: [s3]\n"
    return compile_ok(text).network


def test_every_profile_has_a_documented_expansion():
    assert set(DOCUMENTED) == set(workloads.PROFILES)
    assert set(DOCUMENTED) >= {"studio", "notebook-instances", "training", "processing", "hosting", "pipelines",
                               "projects", "feature-store", "canvas", "jumpstart", "bedrock"}


@pytest.mark.parametrize("profile", sorted(DOCUMENTED))
def test_profile_expands_to_what_its_aws_page_documents(profile):
    page, services, buckets, traffic = DOCUMENTED[profile]
    assert workloads.PROFILES[profile].source == page
    network = network_for(profile)
    added = {"s3"} if "s3" not in services else set()  # the test spec lists s3 for its bucket
    assert {e.service.key for e in network.endpoints} == services | added
    assert {i.bucket.key for i in network.implied_buckets} == buckets
    assert {t.traffic.key for t in network.group_traffic} == traffic
    # every item carries at least one reason that names an AWS page or the spec
    for endpoint in network.endpoints:
        assert endpoint.reasons and all(r.source.startswith("https://") or r.by == "spec" for r in endpoint.reasons)


def test_every_need_cites_an_aws_page():
    for profile in workloads.PROFILES.values():
        for _, need in profile.services + profile.buckets + profile.traffic + profile.suggestions:
            assert need.why and need.source.startswith("https://docs.aws.amazon.com/"), (profile.key, need)
            # every named service exists in the catalog (suggestions included)
        for key, _ in profile.services + profile.suggestions:
            assert key in catalog.SERVICES, (profile.key, key)


def test_workloads_and_services_add_up_and_services_may_be_absent():
    network = network_for("bedrock", extra="services: [s3, kms]\n")
    assert {e.service.key for e in network.endpoints} == {"s3", "kms", "bedrock", "bedrock-runtime", "bedrock-agent",
                                                          "bedrock-agent-runtime"}
    assert compile_ok(WORKLOAD_SPEC.format(workloads="training")).network.workloads == ("training",)


def test_included_profiles_are_attributed_to_the_listed_workload():
    network = network_for("jumpstart")
    runtime = network.endpoint("sagemaker.runtime")
    assert [r.by for r in runtime.reasons] == ["workload hosting (via jumpstart)"]
    # a profile listed itself is shown as listed, even when another includes it
    network = network_for("jumpstart", "training")
    s3_reasons = [r.by for r in network.endpoint("s3").reasons]
    assert "workload training" in s3_reasons and "workload training (via jumpstart)" not in s3_reasons


def test_narrower_traffic_is_folded_into_all_traffic():
    network = network_for("studio", "training")
    (only,) = network.group_traffic
    assert only.traffic.key == "all"
    assert {r.by for r in only.reasons} == {"workload studio", "workload training"}
    sg = resources(compile_ok(WORKLOAD_SPEC.format(workloads="studio")))
    jupyter = sg["aws_vpc_security_group_ingress_rule.workload_from_self_jupyter"]
    assert (jupyter["ip_protocol"], jupyter["from_port"], jupyter["to_port"]) == ("tcp", 8192, 65535)
    nfs = sg["aws_vpc_security_group_egress_rule.workload_to_self_nfs"]
    assert (nfs["from_port"], nfs["to_port"]) == (2049, 2049)
    assert "aws_vpc_security_group_ingress_rule.workload_from_self" not in sg, "studio alone: no all-traffic rule"


def test_without_workloads_the_group_keeps_all_traffic():
    (only,) = compile_ok(BASE_SPEC).network.group_traffic
    assert only.traffic.key == "all" and only.reasons[0].by == "netspec"


def test_jumpstart_bucket_is_its_own_exact_statement():
    result = compile_ok(WORKLOAD_SPEC.format(workloads="jumpstart"))
    policy = json.loads(resources(result)["aws_vpc_endpoint.s3"]["policy"])
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == "JumpStartModels"]
    assert statement["Resource"] == ["arn:aws:s3:::jumpstart-cache-prod-us-east-1",
                                     "arn:aws:s3:::jumpstart-cache-prod-us-east-1/*"]
    assert statement["Action"] == ["s3:GetObject", "s3:ListBucket"]


def test_canvas_default_bucket_is_the_accounts_own():
    result = compile_ok(WORKLOAD_SPEC.format(workloads="canvas"))
    policy = json.loads(resources(result)["aws_vpc_endpoint.s3"]["policy"])
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == "SageMakerDefaultBucket"]
    assert statement["Resource"][0] == "arn:aws:s3:::sagemaker-us-east-1-${data.aws_caller_identity.current.account_id}"
    account = "${data.aws_caller_identity.current.account_id}"
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": account, "s3:ResourceAccount": account}}


# --- own PrivateLink services, zones, legacy buckets ----------------------------------------

OWN = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def test_own_privatelink_service_becomes_an_interface_endpoint():
    text = BASE_SPEC.replace("services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]",
                             f"services:\n  - s3\n  - {{name: pypi-mirror, service_name: {OWN}}}\n"
                             f"  - {{name: shared-api, service_name: {OWN[:-1]}1, private_dns: true, "
                             "accepts_policy: true}")
    res = resources(compile_ok(text))
    mirror = res["aws_vpc_endpoint.custom_pypi_mirror"]
    assert mirror["service_name"] == OWN and mirror["vpc_endpoint_type"] == "Interface"
    assert mirror["private_dns_enabled"] is False and "policy" not in mirror
    assert mirror["security_group_ids"] == ["${aws_security_group.endpoints.id}"]
    api = res["aws_vpc_endpoint.custom_shared_api"]
    assert api["private_dns_enabled"] is True and "AccountIdentitiesOnly" in api["policy"]  # no resource keys
    checks = [c["condition"] for c in api["lifecycle"]["precondition"]]
    assert any("vpc_endpoint_policy_supported" in c for c in checks)


def test_a_service_placed_in_fewer_zones():
    text = BASE_SPEC.replace("services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]",
                             "services: [s3, sts, {name: logs, zones: [us-east-1b]}]")
    res = resources(compile_ok(text))
    assert res["aws_vpc_endpoint.logs"]["subnet_ids"] == ["${aws_subnet.private_us_east_1b.id}"]
    assert len(res["aws_vpc_endpoint.sts"]["subnet_ids"]) == 2
    (zones, *_) = res["aws_vpc_endpoint.logs"]["lifecycle"]["precondition"]
    assert zones["condition"] == ('${length(setsubtract(["us-east-1b"], '
                                  'data.aws_vpc_endpoint_service.logs.availability_zones)) == 0}')
    assert "logs (com.amazonaws.us-east-1.logs)" in zones["error_message"] and "us-east-1b" in zones["error_message"]


def test_zone_ids_are_checked_by_their_names():
    res = module(compile_ok(BASE_SPEC.replace("azs: [us-east-1a, us-east-1b]", "azs: [use1-az1, use1-az2]")))
    endpoints = res["endpoints.tf.json"]
    assert endpoints["data"]["aws_availability_zones"] == {
        "zones": {"filter": [{"name": "zone-id", "values": ["use1-az1", "use1-az2"]}]}}
    (zones, *_) = endpoints["resource"]["aws_vpc_endpoint"]["sts"]["lifecycle"]["precondition"]
    assert 'for id in ["use1-az1", "use1-az2"] : data.aws_availability_zones.zones.names' in zones["condition"]


def test_every_interface_endpoint_reads_its_service_and_checks_it():
    result = compile_ok(BASE_SPEC)
    document = module(result)["endpoints.tf.json"]
    services = document["data"]["aws_vpc_endpoint_service"]
    assert set(services) == {"sagemaker_api", "sagemaker_runtime", "sts", "logs"}  # interface ones only
    assert services["sts"] == {"service_name": "com.amazonaws.us-east-1.sts", "service_type": "Interface"}
    for name in services:
        checks = document["resource"]["aws_vpc_endpoint"][name]["lifecycle"]["precondition"]
        assert len(checks) == 3 and all(c["error_message"].startswith("netspec: ") for c in checks)


def test_legacy_bucket_name_keeps_its_exact_arn():
    text = BASE_SPEC.replace("my-secure-bucket", "my_secure_bucket")
    result = compile_text(text, "w.yaml")
    assert result.ok and [f.code for f in result.findings] == ["NS235"]
    policy = json.loads(resources(result)["aws_vpc_endpoint.s3"]["policy"])
    assert policy["Statement"][0]["Resource"] == ["arn:aws:s3:::my_secure_bucket", "arn:aws:s3:::my_secure_bucket/*"]


def test_the_workshop_example_compiles_as_the_workshop_writes_it():
    from conftest import SPECS
    result = compile_text((SPECS / "workshop.yaml").read_text(), "workshop.yaml")
    assert result.ok and [f.code for f in result.findings] == ["NS235"]
    assert {e.service.key for e in result.network.endpoints} == {"s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"}
    assert [s.zone for s in result.network.subnets] == ["us-east-1a", "us-east-1b"]
    assert [(b.name, b.access.value) for b in result.network.buckets] == [("my_secure_bucket", "read")]


# --- explain ------------------------------------------------------------------------------------


def test_explain_lists_every_endpoint_bucket_and_rule_with_its_reasons():
    network = network_for("studio", "jumpstart")
    data = explain(network)
    assert [s["service"] for s in data["services"]] == [e.service.key for e in network.endpoints]
    for item in data["services"] + data["buckets"] + data["rules"]:
        assert item["required_by"], item
    jumpstart = next(b for b in data["buckets"] if b["bucket"] == "jumpstart-cache-prod-us-east-1")
    assert jumpstart["owner"] == "aws" and jumpstart["required_by"][0]["by"] == "workload jumpstart"
    assert {s["service"] for s in data["suggestions"]} >= {"servicecatalog", "sns"}
    assert not {s["service"] for s in data["suggestions"]} & {e.service.key for e in network.endpoints}


def test_explain_command_text_and_json(tmp_path):
    spec = tmp_path / "wl.yaml"
    spec.write_text(WORKLOAD_SPEC.format(workloads="studio, training"))
    text = run_cli("explain", str(spec))
    assert text.returncode == 0, text.stderr
    assert "sagemaker.studio (aws.sagemaker.us-east-1.studio)" in text.stdout
    assert "- workload studio: the Studio UI is reached through" in text.stdout
    assert "workload egress all traffic to workload" in text.stdout
    as_json = run_cli("explain", str(spec), "--format", "json")
    data = json.loads(as_json.stdout)
    assert data == json.loads(run_cli("explain", str(spec), "-f", "json").stdout)  # deterministic
    assert data["workloads"][0]["workload"] == "studio"
    spec.write_text(WORKLOAD_SPEC.format(workloads="studoi"))
    bad = run_cli("explain", str(spec))
    assert bad.returncode == 1 and "NS224" in bad.stderr and "did you mean `studio`?" in bad.stderr


# --- diff and graph speak workloads ------------------------------------------------------------


def test_diff_reports_a_workload_with_the_services_it_brings(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(WORKLOAD_SPEC.format(workloads="training"))
    new.write_text(WORKLOAD_SPEC.format(workloads="training, bedrock")
                   + f"services:\n  - {{name: mirror, service_name: {OWN}}}\n")
    report = json.loads(run_cli("diff", str(old), str(new), "--format", "json").stdout)
    changes = {(c["kind"], c["subject"]): c for c in report["specs"][0]["changes"]}
    workload = changes[("workload.added", "bedrock")]
    assert workload["needs_review"] and workload["after"] == "bedrock, bedrock-runtime, bedrock-agent, bedrock-agent-runtime"
    mirror = changes[("service.added", "mirror")]
    assert mirror["needs_review"] and OWN in mirror["reason"]


def test_graph_shows_the_workloads(tmp_path):
    spec = tmp_path / "wl.yaml"
    spec.write_text(WORKLOAD_SPEC.format(workloads="studio, jumpstart"))
    out = run_cli("graph", str(spec)).stdout
    assert 'workload["security group: workload<br/>studio, jumpstart"]' in out
    assert "bucket_jumpstart[(" in out
