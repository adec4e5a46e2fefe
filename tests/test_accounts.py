"""Accounts and state backends: a network's account pins its provider and is its default perimeter;
the configuration's backend template becomes each module's backend.tf.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netspec import compile_text, terraform
from netspec.backends import BackendTemplate
from netspec.context import SpecContext
from netspec.render import RenderOptions
from netspec.render.hcl import to_hcl

from conftest import BASE_SPEC, module, run_cli

ACCOUNT = "111122223333"
WITH_ACCOUNT = BASE_SPEC.replace("region: us-east-1\n", f'region: us-east-1\naccount: "{ACCOUNT}"\n')
S3 = BackendTemplate.of({"type": "s3", "bucket": "acme-state", "region": "eu-west-1",
                         "key": "netspec/{account}/{region}/{name}.tfstate"})
CLOUD = BackendTemplate.of({"type": "cloud", "organization": "acme", "workspace": "netspec-{name}"})


def test_an_account_pins_the_provider_and_is_the_literal_perimeter():
    files = module(compile_text(WITH_ACCOUNT, "ds-team.yaml"))
    assert files["provider.tf.json"]["provider"]["aws"] == {"region": "us-east-1", "allowed_account_ids": [ACCOUNT]}
    text = json.dumps(files)
    assert "aws_caller_identity" not in text, "the deploying account is known: nothing to look up"
    sts = json.loads(files["endpoints.tf.json"]["resource"]["aws_vpc_endpoint"]["sts"]["policy"])
    assert sts["Statement"][0]["Condition"]["StringEquals"] == {"aws:PrincipalAccount": ACCOUNT,
                                                                "aws:ResourceAccount": ACCOUNT}
    trust = json.loads(files["flow_logs.tf.json"]["resource"]["aws_iam_role"]["flow_logs"]["assume_role_policy"])
    assert trust["Statement"][0]["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    key = json.loads(files["encryption.tf.json"]["resource"]["aws_kms_key"]["logs"]["policy"])
    assert key["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    without = module(compile_text(BASE_SPEC, "ds-team.yaml"))
    assert "allowed_account_ids" not in without["provider.tf.json"]["provider"]["aws"]
    assert "${data.aws_caller_identity.current.account_id}" in json.dumps(without)


def test_a_folder_default_applies_unless_the_spec_names_its_own(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "netspec.toml").write_text(f'[[accounts]]\nid = "{ACCOUNT}"\nname = "research"\n'
                                           'specs = ["specs/research/**"]\n')
    (tmp_path / "specs" / "research" / "deep").mkdir(parents=True)
    (tmp_path / "specs" / "research" / "deep" / "a.yaml").write_text(BASE_SPEC.replace("ds-team", "team-a"))
    (tmp_path / "specs" / "research" / "b.yaml").write_text(
        BASE_SPEC.replace("ds-team", "team-b").replace("cidr: 10.2.0.0/16", 'account: "444455556666"\ncidr: 10.3.0.0/16'))
    (tmp_path / "specs" / "c.yaml").write_text(BASE_SPEC.replace("ds-team", "team-c").replace("10.2.", "10.4."))
    assert run_cli("compile", cwd=tmp_path).returncode == 0
    pinned = {n: json.loads((tmp_path / "out" / n / "provider.tf.json").read_text())["provider"]["aws"]
              .get("allowed_account_ids") for n in ("team-a", "team-b", "team-c")}
    assert pinned == {"team-a": [ACCOUNT], "team-b": ["444455556666"], "team-c": None}
    audit = run_cli("audit", cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout
    # The audit applies the folder default too: a module of team-a that allows another account fails.
    (tmp_path / "out" / "team-a" / "provider_override.tf.json").write_text(
        '{"provider": {"aws": {"allowed_account_ids": ["999999999999"]}}}')
    audit = run_cli("audit", cwd=tmp_path)
    assert audit.returncode == 1 and "NS522 provider aws: allowed_account_ids is ['999999999999']; spec 'team-a' " \
                                     f"is for account {ACCOUNT} only" in audit.stdout


def test_an_unquoted_account_is_a_wrong_type_with_a_hint():
    result = compile_text(BASE_SPEC.replace("region: us-east-1\n", "region: us-east-1\naccount: 111122223333\n"), "s.yaml")
    (finding,) = result.findings
    assert (finding.code, finding.location.line) == ("NS103", 4) and '"123456789012"' in finding.hint


def test_same_name_in_one_account_and_region_is_an_error(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(WITH_ACCOUNT)
    (tmp_path / "specs" / "b.yaml").write_text(WITH_ACCOUNT.replace("10.2.0.0/16", "10.9.0.0/16"))
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 1 and "specs/b.yaml:2:7: NS250 name 'ds-team' is also used by specs/a.yaml" in result.stdout


def test_overlap_across_accounts_stays_a_warning_and_says_so(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(WITH_ACCOUNT)
    (tmp_path / "specs" / "b.yaml").write_text(BASE_SPEC.replace("ds-team", "other").replace(
        "region: us-east-1\n", 'region: us-east-1\naccount: "444455556666"\n'))
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 0
    assert (f"specs/a.yaml:5:7: NS251 warning: 10.2.0.0/16 overlaps 10.2.0.0/16 of other (specs/b.yaml) in us-east-1 "
            f"(accounts {ACCOUNT} and 444455556666)") in result.stdout


# --- state backends -------------------------------------------------------------------------


def test_s3_backend_fills_the_key_template_and_requires_terraform_with_s3_locking():
    files = module(compile_text(WITH_ACCOUNT, "ds-team.yaml", context=SpecContext(backend=S3)))
    assert files["backend.tf.json"]["terraform"] == {
        "required_version": ">= 1.11.0",
        "backend": {"s3": {"bucket": "acme-state", "key": f"netspec/{ACCOUNT}/us-east-1/ds-team.tfstate",
                           "region": "eu-west-1", "encrypt": True, "use_lockfile": True}}}
    assert "backend.tf.json" not in compile_text(WITH_ACCOUNT, "d.yaml", context=SpecContext(backend=S3),
                                                 options=RenderOptions(module=True)).files


def test_cloud_backend_names_one_workspace_per_module():
    files = module(compile_text(BASE_SPEC, "ds-team.yaml", context=SpecContext(backend=CLOUD)))
    assert files["backend.tf.json"]["terraform"] == {"cloud": {"organization": "acme",
                                                               "workspaces": {"name": "netspec-ds-team"}}}


def test_a_backend_that_names_the_account_needs_one():
    result = compile_text(BASE_SPEC, "ds-team.yaml", context=SpecContext(backend=S3))
    (finding,) = result.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("NS270", 2, 1)
    assert finding.hint and not result.files


@pytest.mark.terraform
@pytest.mark.parametrize("template", [S3, CLOUD], ids=["s3", "cloud"])
def test_backends_validate_in_both_formats(template, tmp_path, tf_env):
    files = compile_text(WITH_ACCOUNT, "ds-team.yaml", context=SpecContext(backend=template)).files
    for form, texts in (("json", files), ("hcl", to_hcl(files))):
        folder = tmp_path / form
        folder.mkdir()
        for name, text in texts.items():
            (folder / name).write_text(text)
        init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], folder, tf_env)
        assert init.returncode == 0, init.stderr
        validate = terraform.run(["validate", "-no-color"], folder, tf_env)
        assert validate.returncode == 0, validate.stderr + validate.stdout
    fmt = terraform.run(["fmt", "-check", "-no-color", str(tmp_path / "hcl")], tmp_path, tf_env)
    assert fmt.returncode == 0, fmt.stdout
