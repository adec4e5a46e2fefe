"""The shipped pre-commit hooks and the example CI workflow call commands that exist and pass here."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from conftest import ROOT, SPECS, run_cli

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
WORKFLOW = yaml.safe_load((ROOT / "docs" / "ci" / "netspec-pull-request.yml").read_text())


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_hook_entry_passes_on_this_repository(hook):
    assert hook["language"] == "python" and hook["entry"].startswith("netspec ")
    args = shlex.split(hook["entry"])[1:]
    if hook["pass_filenames"]:
        files = [str(p.relative_to(ROOT)) for p in SPECS.glob("*.yaml")]
        assert all(re.search(hook["files"], f) for f in files)
        args += files
    result = run_cli(*args, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_workflow_uses_only_real_commands_and_flags():
    steps = WORKFLOW["jobs"]["netspec"]["steps"]
    script = "\n".join(step.get("run", "") for step in steps)
    calls = re.findall(r"netspec ([a-z]+)((?: --?[a-z-]+)*)", script)
    assert {c for c, _ in calls} >= {"validate", "compile", "audit", "diff", "graph"}
    for command, flags in calls:
        helptext = run_cli(command, "--help").stdout
        for flag in flags.split():
            assert flag in helptext, f"netspec {command} has no {flag}"
