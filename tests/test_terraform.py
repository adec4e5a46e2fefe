"""Every compiled example passes `terraform init` and `terraform validate`, offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from netspec import compile_text, terraform
from netspec.render import RenderOptions

from conftest import EXAMPLES, OUT

pytestmark = pytest.mark.terraform


def validate(directory: Path, env: dict[str, str]) -> dict:
    init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], directory, env)
    assert init.returncode == 0, init.stdout + init.stderr
    result = terraform.run(["validate", "-json", "-no-color"], directory, env)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], json.dumps(report["diagnostics"], indent=2)
    return report


@pytest.mark.parametrize("name", sorted(p.name for p in OUT.iterdir() if p.is_dir()))
def test_out_module_validates(name, tf_env, tmp_path):
    # Validate a copy so the checkout gains no .terraform/ or lock file.
    copy = tmp_path / name
    shutil.copytree(OUT / name, copy)
    report = validate(copy, tf_env)
    assert report["warning_count"] == 0, report["diagnostics"]


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_child_module_validates_under_a_root(spec, tf_env, tmp_path):
    """--module output has no provider block; a root that passes one in validates."""
    result = compile_text(spec.read_text(), spec.name, options=RenderOptions(module=True))
    child = tmp_path / "network"
    child.mkdir()
    for file_name, text in result.files.items():
        (child / file_name).write_text(text)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf.json").write_text(json.dumps({
        "provider": {"aws": {"region": result.network.region.name}},
        "module": {"network": {"source": "../network"}},
        "output": {"vpc_id": {"value": "${module.network.vpc_id}"}},
    }))
    validate(root, tf_env)


def test_init_never_reaches_for_the_registry(tf_env, tmp_path):
    """A provider the mirror lacks fails at once instead of trying the network."""
    (tmp_path / "main.tf.json").write_text(json.dumps(
        {"terraform": {"required_providers": {"nope": {"source": "example.com/acme/nope"}}}}))
    init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], tmp_path, tf_env, timeout=60)
    assert init.returncode != 0
    assert "provider" in (init.stdout + init.stderr).lower()


# --- plan-time checks of the endpoint services, proven with `terraform test` ---------------------

# The values AWS would return for a service that is offered everywhere, takes policies and has a
# private DNS name; each run below breaks one of them for one endpoint.
_GOOD_SERVICE = {"availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
                 "vpc_endpoint_policy_supported": True, "private_dns_name": "example.amazonaws.com"}


def _override(name: str, **values: object) -> str:
    body = ", ".join(f"{k} = {json.dumps(v)}" for k, v in {**_GOOD_SERVICE, **values}.items())
    return f"  override_data {{\n    target = data.aws_vpc_endpoint_service.{name}\n    values = {{ {body} }}\n  }}\n"


def _run(label: str, broken: dict[str, object] | None, interface: list[str]) -> str:
    """One plan-only run: every endpoint service looks good except `broken` on sts."""
    overrides = "".join(_override(n, **(broken if broken and n == "sts" else {})) for n in interface)
    expect = "  expect_failures = [aws_vpc_endpoint.sts]\n" if broken else ""
    return f'run "{label}" {{\n  command = plan\n{overrides}{expect}}}\n'


def test_endpoint_checks_stop_the_plan_when_aws_lacks_a_zone_a_policy_or_dns(tf_env, tmp_path):
    """The preconditions fire against a mocked EC2 API (the emulator offers every service everywhere)."""
    result = compile_text((EXAMPLES[0].parent / "ds-team.yaml").read_text(), "ds-team.yaml")
    for file_name, text in result.files.items():
        (tmp_path / file_name).write_text(text)
    interface = sorted(json.loads(result.files["endpoints.tf.json"])["data"]["aws_vpc_endpoint_service"])
    runs = [
        _run("all_good", None, interface),
        _run("zone_missing", {"availability_zones": ["us-east-1a", "us-east-1c"]}, interface),
        _run("policy_unsupported", {"vpc_endpoint_policy_supported": False}, interface),
        _run("no_private_dns", {"private_dns_name": ""}, interface),
    ]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "endpoint_checks.tftest.hcl").write_text('mock_provider "aws" {}\n\n' + "\n".join(runs))
    init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], tmp_path, tf_env)
    assert init.returncode == 0, init.stdout + init.stderr
    test = terraform.run(["test", "-no-color"], tmp_path, tf_env)
    output = test.stdout + test.stderr
    assert test.returncode == 0, output
    for label in ("all_good", "zone_missing", "policy_unsupported", "no_private_dns"):
        assert f'run "{label}"... pass' in output, output
    assert "4 passed, 0 failed" in output, output
    # And the check is real: expecting the good run to fail must fail.
    (tmp_path / "tests" / "endpoint_checks.tftest.hcl").write_text(
        'mock_provider "aws" {}\n\n' + _run("all_good", None, interface).replace(
            "  command = plan\n", "  command = plan\n  expect_failures = [aws_vpc_endpoint.sts]\n"))
    inverted = terraform.run(["test", "-no-color"], tmp_path, tf_env)
    assert inverted.returncode != 0, inverted.stdout


# --- the SageMaker outputs plug into SageMaker resources -------------------------------------------


def test_sagemaker_outputs_configure_a_domain_and_a_notebook(tf_env, tmp_path):
    result = compile_text((EXAMPLES[0].parent / "studio-team.yaml").read_text(), "studio-team.yaml",
                          options=RenderOptions(module=True))
    child = tmp_path / "network"
    child.mkdir()
    for file_name, text in result.files.items():
        (child / file_name).write_text(text)
    root = tmp_path / "root"
    root.mkdir()
    role = "arn:aws:iam::123456789012:role/sagemaker-execution"
    (root / "main.tf.json").write_text(json.dumps({
        "provider": {"aws": {"region": "us-east-1"}},
        "module": {"network": {"source": "../network"}},
        "resource": {
            "aws_sagemaker_domain": {"studio": {
                "domain_name": "studio-team", "auth_mode": "IAM",
                "vpc_id": "${module.network.sagemaker_domain_network.vpc_id}",
                "subnet_ids": "${module.network.sagemaker_domain_network.subnet_ids}",
                "app_network_access_type": "${module.network.sagemaker_domain_network.app_network_access_type}",
                "default_user_settings": {
                    "execution_role": role,
                    "security_groups": "${module.network.sagemaker_domain_network.security_group_ids}"},
            }},
            "aws_sagemaker_notebook_instance": {"notebook": {
                "name": "studio-team-notebook", "role_arn": role, "instance_type": "ml.t3.medium",
                "subnet_id": "${module.network.sagemaker_vpc_config.subnets[0]}",
                "security_groups": "${module.network.sagemaker_vpc_config.security_group_ids}",
                "direct_internet_access": "Disabled",
            }},
        },
    }))
    validate(root, tf_env)
