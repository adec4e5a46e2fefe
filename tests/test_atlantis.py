"""`netspec atlantis`: one Atlantis project per module, valid by Atlantis's documented rules,
planned when its spec or its module changes, written only over netspec's own file."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from netspec import terraform
from netspec.runners import atlantis

from atlantis_rules import planned_projects, problems
from conftest import BASE_SPEC, run_cli

CONFIG = """\
[[accounts]]
id = "111122223333"
specs = ["specs/research/**"]

[atlantis]
apply_requirements = ["approved", "mergeable"]
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "netspec.toml").write_text(CONFIG)
    (tmp_path / "specs" / "research").mkdir(parents=True)
    (tmp_path / "specs" / "research" / "alpha.yaml").write_text(BASE_SPEC.replace("ds-team", "alpha"))
    (tmp_path / "specs" / "beta.yaml").write_text(BASE_SPEC.replace("ds-team", "beta").replace("10.2.", "10.3."))
    assert run_cli("compile", cwd=tmp_path).returncode == 0
    return tmp_path


def generated(repo: Path) -> dict:
    result = run_cli("atlantis", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(atlantis.MARK)
    return yaml.safe_load(result.stdout)


def test_one_valid_project_per_module(repo):
    config = generated(repo)
    assert problems(config) == []
    assert [(p["name"], p["dir"]) for p in config["projects"]] == [("alpha", "out/alpha"), ("beta", "out/beta")]
    alpha = config["projects"][0]
    assert alpha["apply_requirements"] == ["approved", "mergeable"] and alpha["workflow"] == "netspec"
    assert "../../specs/research/alpha.yaml" in alpha["autoplan"]["when_modified"]
    steps = config["workflows"]["netspec"]["plan"]["steps"]
    assert steps[-2:] == ["init", "plan"], "the checks run before terraform plans"
    assert [s["run"].split()[1] for s in steps[:-2]] == ["validate", "audit", "verify"]


def test_the_checker_knows_atlantis_rules():
    """The rules the generated file is held to do reject what Atlantis rejects."""
    good = {"version": 3, "projects": [{"name": "a", "dir": "out/a", "workflow": "w"}],
            "workflows": {"w": {"plan": {"steps": ["init", "plan"]}}}}
    assert problems(good) == []
    bad = {
        "must be 3": {**good, "version": 1},
        "dir": {**good, "projects": [{"name": "a", "workflow": "w"}]},
        "'..'": {**good, "projects": [{"name": "a", "dir": "../a"}]},
        "unique": {**good, "projects": [{"name": "a", "dir": "x"}, {"name": "a", "dir": "y"}]},
        "glob": {**good, "projects": [{"name": "a*", "dir": "x"}]},
        "not all named": {**good, "projects": [{"dir": "x"}, {"dir": "x"}]},
        "not defined": {**good, "workflows": {}},
        "relative": {**good, "projects": [{"name": "a", "dir": "x", "autoplan": {"when_modified": ["/abs"]}}]},
        "supported": {**good, "projects": [{"name": "a", "dir": "x", "apply_requirements": ["reviewed"]}]},
        "unknown step": {**good, "workflows": {"w": {"plan": {"steps": ["terraform plan"]}}}},
        "unknown top-level": {**good, "project": []},
    }
    for word, config in bad.items():
        assert any(word in p for p in problems(config)), (word, problems(config))


def test_a_spec_or_module_change_plans_its_project_only(repo):
    config = generated(repo)
    assert planned_projects(config, ["specs/research/alpha.yaml"]) == {"alpha"}
    assert planned_projects(config, ["out/beta/vpc.tf.json", "README.md"]) == {"beta"}
    assert planned_projects(config, ["out/alpha/backend_override.tf.json"]) == {"alpha"}, "overrides are module files"
    assert planned_projects(config, ["specs/beta.yaml.orig", "docs/x.md"]) == set()


def _steps(repo):
    for step in generated(repo)["workflows"]["netspec"]["plan"]["steps"][:-2]:
        words = shlex.split(step["run"])
        assert words[0] == "netspec"
        yield step, words


def test_the_workflow_commands_pass_in_a_project_dir(repo):
    """Each `run` step but verify, as Atlantis runs it (in the project's dir), is a netspec command that
    passes on a current module (verify runs terraform: the next test)."""
    steps = [(step, words) for step, words in _steps(repo) if words[1] != "verify"]
    assert [words[1] for _, words in steps] == ["validate", "audit"]
    for step, words in steps:
        result = run_cli(*words[1:], cwd=repo / "out" / "alpha")
        assert result.returncode == 0, (step, result.stdout, result.stderr)


@pytest.mark.terraform
def test_the_workflow_verify_step_passes_in_a_project_dir(repo, tf_env):
    """`netspec verify .` in the project's dir verifies that one module, offline against the mirror."""
    (step, words), = [(step, words) for step, words in _steps(repo) if words[1] == "verify"]
    result = run_cli(*words[1:], cwd=repo / "out" / "alpha", env={"NETSPEC_TF_PLUGIN_DIR": str(terraform.plugin_dir())})
    assert result.returncode == 0, (step, result.stdout, result.stderr)
    assert "1 module(s) verified: 0 error(s), 0 warning(s)" in result.stderr


def test_write_only_over_netspecs_own_file_and_check(repo):
    check = run_cli("atlantis", "--check", cwd=repo)
    assert check.returncode == 1 and "atlantis.yaml:1:1: NS314" in check.stdout
    assert run_cli("atlantis", "--write", cwd=repo).returncode == 0
    assert run_cli("atlantis", "--check", cwd=repo).returncode == 0
    (repo / "specs" / "gamma.yaml").write_text(BASE_SPEC.replace("ds-team", "gamma").replace("10.2.", "10.4."))
    assert run_cli("atlantis", "--check", cwd=repo).returncode == 1
    assert run_cli("atlantis", "--write", cwd=repo).returncode == 0
    assert "name: gamma" in (repo / "atlantis.yaml").read_text()
    (repo / "atlantis.yaml").write_text("version: 3\nprojects: []\n")
    refused = run_cli("atlantis", "--write", cwd=repo)
    assert refused.returncode == 1 and "atlantis.yaml:1:1: NS303 atlantis.yaml was not written by netspec" in refused.stdout
    assert (repo / "atlantis.yaml").read_text() == "version: 3\nprojects: []\n"


def test_a_server_side_workflow(repo):
    (repo / "netspec.toml").write_text('[atlantis]\nworkflow = "platform"\ndefine_workflow = false\n')
    config = generated(repo)
    assert "workflows" not in config and {p["workflow"] for p in config["projects"]} == {"platform"}
    assert all("defined server-side" in p for p in problems(config)), "the server's repos.yaml must define it"


def test_a_spec_that_does_not_compile_stops_it(repo):
    (repo / "specs" / "broken.yaml").write_text("netspec: 1\nname: broken\n")
    result = run_cli("atlantis", cwd=repo)
    assert result.returncode == 1 and result.stdout == "" and "specs/broken.yaml" in result.stderr
