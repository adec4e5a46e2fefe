"""checkov as a second opinion: every example module passes its Terraform checks.

checkov lives in its own virtual environment (it pins a fork of the hcl2 module that breaks
python-hcl2); `.ci/run` creates it and points NETSPEC_CHECKOV at its executable. Without it the
test is skipped, except in CI, which must prove the modules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import OUT

pytestmark = pytest.mark.terraform

# Checks that do not apply to a network module, each with its reason. Nothing else is skipped:
# in particular CKV_AWS_158 (log groups encrypted with KMS) passes, as do CKV_AWS_338 (retention of
# a year), CKV2_AWS_11 (flow logs), CKV2_AWS_12 (a default group with no rules) and CKV_AWS_7 (rotation).
SKIPPED = {
    "CKV2_AWS_5": "the workload group is attached by the team's own notebooks, jobs and endpoints, outside this module",
}
# checkov's Terraform JSON reader rejects a `terraform` block ("this method receives only dicts"),
# which versions.tf.json is; nothing else may fail to parse.
UNPARSEABLE = {"versions.tf.json"}


def checkov() -> str:
    found = os.environ.get("NETSPEC_CHECKOV") or shutil.which("checkov")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("checkov is not installed (NETSPEC_CHECKOV); CI must run it")
        pytest.skip("checkov is not installed; set NETSPEC_CHECKOV to its executable")
    return found


def test_every_example_passes_checkov(tmp_path):
    modules = tmp_path / "out"
    shutil.copytree(OUT, modules)
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    done = subprocess.run([checkov(), "-d", str(modules), "--framework", "terraform_json", "--skip-download",
                           "--skip-check", ",".join(SKIPPED), "-o", "json"],
                          capture_output=True, text=True, env=env, timeout=900, check=False)
    reports = json.loads(done.stdout)
    (report,) = reports if isinstance(reports, list) else [reports]
    results = report["results"]
    failed = [(f["check_id"], f["file_path"], f["resource"], f["check_name"]) for f in results["failed_checks"]]
    assert not failed, "\n".join(map(str, failed))
    assert {Path(p).name for p in results["parsing_errors"]} <= UNPARSEABLE, results["parsing_errors"]
    passed = {f["check_id"] for f in results["passed_checks"]}
    assert {"CKV_AWS_158", "CKV_AWS_338", "CKV2_AWS_11", "CKV2_AWS_12", "CKV_AWS_7"} <= passed
    assert len(results["passed_checks"]) > 300
