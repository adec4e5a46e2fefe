"""The tamper corpus in plan form: `terraform plan` against the emulator, then `netspec audit` on the plan.

Every case with a `plan` expectation becomes one child module of a single root module
(one `terraform init`, one `plan`, one `show -json` for all of them), beside an untouched
copy that must plan clean. The audit reads the one plan against the example's spec;
each finding belongs to the case whose module address it names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netspec.audit import audit
from netspec.audit.inputs import plan_module
from netspec.audit.spec import read_expectation
from tamper.build import SPECS, build
from tamper.cases import CASES, Case

from .deploy import Workdir
from .emulator import write_override

pytestmark = pytest.mark.e2e

PLANNED = [c for c in CASES if c.plan is not None]
CLEAN = Case("untouched", frozenset(), plan=frozenset())
REGION = "us-east-1"  # every planned case is a ds-team module


def module_name(index: int) -> str:
    return f"case_{index}"


@pytest.fixture(scope="module")
def tamper_plan(emulator, e2e_env, tmp_path_factory) -> tuple[dict | None, str]:
    """The plan of every planned case (None when planning failed) and terraform's output."""
    assert {c.example for c in PLANNED} == {"ds-team"}
    root: Path = tmp_path_factory.mktemp("tamper-plans")
    calls = {}
    for index, case in enumerate([CLEAN, *PLANNED]):
        folder = build(case, root / "cases" / str(index), module=True)
        calls[module_name(index)] = {"source": "./" + folder.relative_to(root).as_posix()}
    (root / "main.tf.json").write_text(json.dumps({"module": calls}, indent=2))
    (root / "provider.tf.json").write_text(json.dumps({"provider": {"aws": {"region": REGION}}}))
    write_override(root, emulator.url, REGION)
    work = Workdir(root, e2e_env)
    init = work.init()
    if init.returncode != 0:
        return None, init.describe()
    step, document = work.plan_json("tamper.tfplan")
    return document, step.describe()


def test_every_planned_case_fails_with_its_codes(tamper_plan):
    document, output = tamper_plan
    assert document is not None, output
    findings = audit([plan_module(document, "tamper.json")], read_expectation(SPECS / "ds-team.yaml"))
    by_case: dict[str, set[str]] = {}
    for finding in findings:
        match = re.search(r"\bmodule\.(case_[0-9]+)\.", finding.message)
        assert match, f"finding names no case: {finding.code} {finding.message}"
        by_case.setdefault(match.group(1), set()).add(finding.code)
    got = {case.name: by_case.get(module_name(i), set()) for i, case in enumerate([CLEAN, *PLANNED])}
    expected = {case.name: set(case.plan or ()) for case in [CLEAN, *PLANNED]}
    assert got == expected


def test_enough_cases_are_planned():
    # Representative of each family: internet paths, unions, security groups, values a
    # plan evaluates, side doors, foreign services, flow logs, policies.
    assert len(PLANNED) >= 12


@pytest.mark.parametrize("name", [spec.stem for spec in sorted(SPECS.glob("*.yaml"))])
def test_replan_of_a_deployed_example_audits_clean(deployments, name):
    # After apply every id is known: prefix lists, log groups and endpoints are matched by id.
    record = deployments[name]
    reason = record.replan.describe() if record.replan else (record.error or (record.apply.describe() if record.apply else ""))
    assert record.replan_json is not None, f"no re-plan to audit (the deployment failed, see test_deploy): {reason}"
    findings = audit([plan_module(record.replan_json, f"{name}.json")], read_expectation(SPECS / f"{name}.yaml"))
    assert findings == []
