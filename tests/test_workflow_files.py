"""The shipped pre-commit hooks and the example CI workflow call commands that exist and pass here."""

from __future__ import annotations

import re
import shlex
import tomllib

import pytest
import yaml

from netspec import DISTRIBUTION, __version__

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
    assert {c for c, _ in calls} >= {"validate", "compile", "audit", "verify", "diff", "graph"}
    for command, flags in calls:
        helptext = run_cli(command, "--help").stdout
        for flag in flags.split():
            assert flag in helptext, f"netspec {command} has no {flag}"


def test_workflow_installs_exactly_this_distribution_at_this_version():
    steps = WORKFLOW["jobs"]["netspec"]["steps"]
    installs = [step["run"] for step in steps if "pip install" in step.get("run", "")]
    assert installs == [f'python -m pip install "{DISTRIBUTION}=={__version__}"']


def test_hooks_install_this_repository_as_this_distribution():
    """pre-commit (language: python) pip-installs the hook repository at `rev`: its pyproject is what runs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION and project["dynamic"] == ["version"]
    assert project["scripts"] == {"netspec": "netspec.cli:main"}
    assert all(hook["language"] == "python" and not hook.get("additional_dependencies") for hook in HOOKS)
    header = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert f"    rev: v{__version__}\n" in header, "the usage example pins the tag of this version"


def test_workflow_keeps_the_findings_cache_under_a_key_from_a_secret():
    from netspec.cli import cache
    job = WORKFLOW["jobs"]["netspec"]
    assert job["env"][cache.KEY_ENV] == "${{ secrets.%s }}" % cache.KEY_ENV
    kept = [step["with"]["path"] for step in job["steps"] if step.get("uses", "").startswith("actions/cache@")]
    assert kept == [".netspec_cache"]  # where the cache is when netspec.toml does not move it
    names = [step.get("name", "") for step in job["steps"]]
    assert names.index("netspec's cache (an unchanged spec is not checked again, an unchanged module not validated again)") < names.index("Validate specs")
