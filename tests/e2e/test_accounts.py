"""`allowed_account_ids`, proven against the emulator: a module compiled for another account is refused.

moto answers every STS GetCallerIdentity with its one account, 123456789012 (emulator.ACCOUNT_ID).
A spec for that account plans; the same spec for any other account stops at the provider,
before Terraform reads or changes anything, with the provider's own error. Plan only: the
refusal happens when the provider is configured, so an apply would stop at the same place
(the apply of a module for the emulator's account is proven by test_deploy.py's examples, whose
policies the same literal-account module differs from only in the account's spelling).
"""

from __future__ import annotations

import pytest

from .deploy import Workdir, compile_spec, write_module
from .emulator import ACCOUNT_ID, write_override
from .runs import SPECS

pytestmark = pytest.mark.e2e

OTHER_ACCOUNT = "210987654321"


def _module(tmp_path, account: str, e2e_env, emulator) -> Workdir:
    text = (SPECS / "ds-team.yaml").read_text().replace("region: us-east-1\n", f'region: us-east-1\naccount: "{account}"\n')
    files = compile_spec(text, "ds-team.yaml")
    assert f'"allowed_account_ids": [\n        "{account}"' in files["provider.tf.json"]
    directory = tmp_path / account
    write_module(directory, files)
    # The override points the provider at moto; overrides merge argument by argument, so the
    # module's allowed_account_ids stays in force.
    write_override(directory, emulator.url, "us-east-1", module_text="".join(files.values()))
    work = Workdir(directory, e2e_env)
    assert work.init().returncode == 0, work.steps[-1].describe()
    return work


def test_a_module_plans_only_in_its_own_account(emulator, e2e_env, tmp_path):
    mine = _module(tmp_path, ACCOUNT_ID, e2e_env, emulator)
    step, plan = mine.plan_json("mine.tfplan")
    assert plan is not None, step.describe()
    policies = [c["change"]["after"].get("policy") or "" for c in plan["resource_changes"]
                if c["type"] == "aws_vpc_endpoint"]
    assert policies and all(ACCOUNT_ID in p for p in policies), "the account is written into the policies"

    other = _module(tmp_path, OTHER_ACCOUNT, e2e_env, emulator)
    refused = other.tf("plan", "-input=false")
    assert refused.returncode == 1
    said = " ".join((refused.stderr + refused.stdout).split())
    assert f"AWS account ID not allowed: {ACCOUNT_ID}" in said, said[-2000:]
    assert "aws_vpc" not in refused.stdout, "nothing was planned"
