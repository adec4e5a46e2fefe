"""The service catalog as data: its size, its sources, its answers to wrong names, and its JSON."""

from __future__ import annotations

import json

import pytest

from netspec import catalog, compile_text

from conftest import BASE_SPEC, run_cli


def test_catalog_covers_what_data_teams_reach():
    assert len(catalog.SERVICES) >= 45
    assert {"sagemaker.featurestore-runtime", "servicecatalog", "elasticfilesystem", "glue", "athena", "bedrock-runtime",
            "bedrock-agent-runtime", "states", "lambda", "sqs", "sns"} <= set(catalog.SERVICES)


def test_every_service_carries_its_sources():
    for service in catalog.SERVICES.values():
        assert service.source.startswith("https://"), service.key
        assert service.naming and service.naming[0][0] == "aws", service.key
        assert set(service.unconfirmed) <= {"accepts_policy", "private_dns"}, service.key


@pytest.mark.parametrize("key", ["sagemaker.notebook", "sagemaker.studio", "codecommit", "git-codecommit"])
def test_endpoints_aws_documents_as_taking_a_policy_get_one(key):
    # SageMaker guide: "Create a VPC Endpoint Policy for SageMaker Notebook Instances" / "... for
    # SageMaker Studio"; CodeCommit guide: "Create a VPC endpoint policy for CodeCommit".
    assert catalog.SERVICES[key].accepts_policy and "accepts_policy" not in catalog.SERVICES[key].unconfirmed


@pytest.mark.parametrize("wrong, right", [
    ("cloudwatch", "`monitoring` and/or `logs`"),
    ("ecr", "`ecr.api` and/or `ecr.dkr`"),
    ("sagemaker", "`sagemaker.api` and/or `sagemaker.runtime`"),
    ("featurestore", "`sagemaker.featurestore-runtime`"),
])
def test_common_wrong_names_get_the_right_ones(wrong, right):
    text = BASE_SPEC.replace("sts, logs]", f"sts, logs, {wrong}]")
    (finding,) = compile_text(text, "w.yaml").findings
    assert finding.code == "NS220" and finding.location.line == 6
    assert finding.hint == f"`{wrong}` is not an endpoint service name; use {right}"


def test_typo_still_gets_did_you_mean():
    (finding,) = compile_text(BASE_SPEC.replace("sts, logs]", "sts, lgos]"), "w.yaml").findings
    assert finding.hint == "did you mean `logs`?"


def test_services_json_lists_the_whole_catalog():
    result = run_cli("services", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    keys = [s["service"] for s in document["services"]]
    assert keys == list(catalog.SERVICES)
    notebook = next(s for s in document["services"] if s["service"] == "sagemaker.notebook")
    assert notebook["endpoint_service_names"]["aws"] == "aws.sagemaker.{region}.notebook"
    assert notebook["accepts_policy"] is True and notebook["source"].startswith("https://docs.aws.amazon.com/")
    assert document["wrong_names"]["ecr"] == ["ecr.api", "ecr.dkr"]
    assert {b["bucket"] for b in document["aws_buckets"]} == set(catalog.AWS_BUCKETS)
    text = run_cli("services").stdout.splitlines()
    assert len(text) == len(catalog.SERVICES) and text[0].split()[:2] == ["s3", "Gateway"]
