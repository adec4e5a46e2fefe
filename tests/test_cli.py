"""The command line: exit codes, what gets written, and what is never touched."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from netspec import compile_text

from conftest import BASE_SPEC, ROOT, run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    return tmp_path


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_compile_writes_out_and_is_idempotent(project):
    first = run_cli("compile", cwd=project)
    assert first.returncode == 0, first.stderr
    out = project / "out" / "ds-team"
    assert (out / "vpc.tf.json").is_file() and "9 file(s) updated" in first.stderr
    before = snapshot(out)
    again = run_cli("compile", cwd=project)
    assert again.returncode == 0 and "updated" not in again.stderr
    assert snapshot(out) == before
    assert not list(out.glob(".*tmp")), "no temporary files are left behind"


def test_check_mode_reports_missing_stale_edited_and_obsolete(project):
    result = run_cli("compile", "--check", cwd=project)
    assert result.returncode == 1 and result.stdout.count("NS302") == 1, "one finding per module, not per file"
    assert ("out/ds-team/dns.tf.json:1:1: NS302 out/ds-team/ is not what specs/ds-team.yaml compiles to: "
            "dns.tf.json missing, encryption.tf.json missing, endpoints.tf.json missing, flow_logs.tf.json missing,"
            ) in result.stdout
    assert not (project / "out").exists(), "--check writes nothing"
    assert run_cli("compile", cwd=project).returncode == 0
    assert run_cli("compile", "--check", cwd=project).returncode == 0
    out = project / "out" / "ds-team"
    vpc = out / "vpc.tf.json"
    vpc.write_text(vpc.read_text().replace("10.2.0.0/16", "10.9.0.0/16"))
    edited = run_cli("compile", "--check", cwd=project)
    assert edited.returncode == 1
    assert "out/ds-team/vpc.tf.json:1:1: NS302 out/ds-team/ is not what specs/ds-team.yaml compiles to: " \
           "vpc.tf.json hand-edited\n" in edited.stdout
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC + "flow_logs: false\n")
    stale = run_cli("compile", "--check", cwd=project)
    assert stale.stdout.count("NS302") == 1
    assert "endpoints.tf.json stale, outputs.tf.json stale," in stale.stdout
    assert "vpc.tf.json stale, flow_logs.tf.json obsolete\n" in stale.stdout
    assert run_cli("compile", cwd=project).returncode == 0
    assert not (out / "flow_logs.tf.json").exists(), "a file dropped from the output is removed"


def test_check_diff_prints_a_unified_diff_of_what_would_change(project):
    assert run_cli("compile", cwd=project).returncode == 0
    before = snapshot(project / "out")
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC.replace("access: read", "access: read-write"))
    result = run_cli("compile", "--check", "--diff", cwd=project)
    assert result.returncode == 1 and snapshot(project / "out") == before, "--diff writes nothing"
    assert "--- a/out/ds-team/endpoints.tf.json\n+++ b/out/ds-team/endpoints.tf.json\n@@ " in result.stdout
    added = [line for line in result.stdout.splitlines() if line.startswith("+ ")]
    removed = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert any('"policy"' in line and "ReadWriteBucketsInAccountPerimeter" in line for line in added)
    assert any('"policy"' in line and "ReadBucketsInAccountPerimeter" in line for line in removed)
    assert result.stdout.count("NS302") == 1
    assert run_cli("compile", "--diff", "--format", "json", cwd=project).returncode == 2, "a diff would break JSON"
    assert run_cli("compile", cwd=project).returncode == 0
    clean = run_cli("compile", "--check", "--diff", cwd=project)
    assert clean.returncode == 0 and clean.stdout == ""


def test_failed_spec_leaves_out_untouched(project):
    assert run_cli("compile", cwd=project).returncode == 0
    out = project / "out"
    before = snapshot(out)
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33") + "colour: red\n")
    result = run_cli("compile", cwd=project)
    assert result.returncode == 1
    assert "specs/ds-team.yaml:4:7: NS104" in result.stdout and "specs/ds-team.yaml:12:1: NS101" in result.stdout
    assert "hint:" in result.stdout and "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_files_netspec_did_not_write_survive(project):
    assert run_cli("compile", cwd=project).returncode == 0
    out = project / "out" / "ds-team"
    (out / ".terraform").mkdir()
    (out / ".terraform" / "x").write_text("provider cache")
    (out / "terraform.tfstate").write_text('{"version": 4}')
    (out / "emulator_override.tf.json").write_text('{"provider": {"aws": {}}}')
    (out / "extra.tf.json").write_text('{"locals": {}}')
    user_files = {k: v for k, v in snapshot(out).items() if not k.endswith(".tf.json") or "override" in k or "extra" in k}
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC + "flow_logs: false\n")
    assert run_cli("compile", cwd=project).returncode == 0
    after = snapshot(out)
    assert all(after[k] == v for k, v in user_files.items())


def test_user_file_where_netspec_would_write_is_refused(project):
    out = project / "out" / "ds-team"
    out.mkdir(parents=True)
    (out / "vpc.tf.json").write_text('{"resource": {}}\n')
    result = run_cli("compile", cwd=project)
    assert result.returncode == 1 and "NS303" in result.stdout
    assert (out / "vpc.tf.json").read_text() == '{"resource": {}}\n'
    assert not (out / "versions.tf.json").exists(), "nothing of that spec is written"


def test_several_specs_one_bad_one_good(project):
    (project / "specs" / "broken.yaml").write_text("netspec: 1\nname: broken\n")
    result = run_cli("compile", "--format", "json", cwd=project)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    # The schema's missing region, cidr and azs, and (rules run despite schema errors) NS226: nothing to reach.
    assert sorted(f["code"] for f in report["findings"]) == ["NS102", "NS102", "NS102", "NS226"]
    assert all(f["path"] == "specs/broken.yaml" for f in report["findings"])
    assert report["summary"] == {"specs": 2, "errors": 4, "warnings": 0, "suppressed": 0}
    assert (project / "out" / "ds-team" / "vpc.tf.json").exists(), "the good spec is still compiled"
    assert not (project / "out" / "broken").exists()


def test_duplicate_names_across_specs(project):
    shutil.copy(project / "specs" / "ds-team.yaml", project / "specs" / "copy.yaml")
    result = run_cli("compile", cwd=project)
    assert result.returncode == 1
    assert "specs/copy.yaml:2:7: NS250 name 'ds-team' is also used by specs/ds-team.yaml" in result.stdout
    assert "specs/ds-team.yaml:2:7: NS250" in result.stdout
    assert not (project / "out").exists(), "neither spec is written"


def test_overlapping_blocks_across_specs_in_one_region(project):
    other = BASE_SPEC.replace("name: ds-team", "name: other-team").replace("cidr: 10.2.0.0/16", "cidr: 10.2.128.0/17")
    (project / "specs" / "other.yaml").write_text(other)
    (project / "specs" / "elsewhere.yaml").write_text(
        other.replace("name: other-team", "name: far-team").replace("us-east-1", "us-east-2"))
    result = run_cli("validate", cwd=project)
    assert result.returncode == 0, "a warning: both networks still compile"
    assert ("specs/ds-team.yaml:4:7: NS251 warning: 10.2.0.0/16 overlaps 10.2.128.0/17 of other-team "
            "(specs/other.yaml) in us-east-1") in result.stdout
    assert "see also specs/other.yaml:4:7" in result.stdout
    assert "specs/other.yaml:4:7: NS251" in result.stdout and "far-team" not in result.stdout
    assert run_cli("validate", "--strict", cwd=project).returncode == 1


def test_exit_codes_for_usage_errors(project):
    missing = run_cli("compile", "nope.yaml", cwd=project)
    assert missing.returncode == 2 and "nope.yaml: no such file or folder" in missing.stderr
    assert run_cli("compile", "--bogus", cwd=project).returncode == 2
    assert "Traceback" not in missing.stderr


def test_validate_writes_nothing_and_warnings_pass_unless_strict(project):
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC + "subnets:\n  us-east-1a: 10.2.1.0/27\n  us-east-1b: 10.2.2.0/24\n")
    result = run_cli("validate", cwd=project)
    assert result.returncode == 0 and "NS215 warning:" in result.stdout
    assert run_cli("validate", "--strict", cwd=project).returncode == 1
    assert not (project / "out").exists()


def test_module_flag_leaves_out_provider(project):
    assert run_cli("compile", "--module", "--out", "mod", cwd=project).returncode == 0
    assert not (project / "mod" / "ds-team" / "provider.tf.json").exists()
    assert (project / "mod" / "ds-team" / "versions.tf.json").exists()


def test_schema_command_prints_the_schema():
    result = run_cli("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "schemas" / "netspec.schema.json").read_text())


@pytest.mark.parametrize("command", ["compile", "validate", "schema", "services", "rules", "audit", "init"])
def test_help_with_examples(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "Example" in result.stdout


def test_rules_reference_is_current():
    assert run_cli("rules", "--markdown").stdout == (ROOT / "docs" / "rules.md").read_text()


def test_out_is_current_for_the_repository_specs():
    result = run_cli("compile", "--check")
    assert result.returncode == 0, result.stderr


def test_init_refers_to_a_schema_copy_that_works_on_every_clone(tmp_path):
    """No absolute or site-packages path: a relative one to a copy committed with the specs."""
    created = run_cli("init", "ds-beijing", "--region", "cn-north-1", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    spec = tmp_path / "specs" / "ds-beijing.yaml"
    assert spec.read_text().splitlines()[0] == "# yaml-language-server: $schema=netspec.schema.json"
    copy = tmp_path / "specs" / "netspec.schema.json"
    assert json.loads(copy.read_text()) == json.loads((ROOT / "schemas" / "netspec.schema.json").read_text())
    assert "wrote specs/netspec.schema.json" in created.stderr
    checked = run_cli("validate", "--strict", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "1 spec(s) checked" in checked.stderr, "the schema copy is not mistaken for a spec"
    copy.write_text("{}")
    refreshed = run_cli("schema", "--write", cwd=tmp_path)
    assert refreshed.returncode == 0 and "specs/netspec.schema.json: written" in refreshed.stderr
    assert json.loads(copy.read_text()) == json.loads((ROOT / "schemas" / "netspec.schema.json").read_text())
    assert "already current" in run_cli("schema", "--write", cwd=tmp_path).stderr


def test_scaffold_validates_in_every_region():
    """`init --region R` for every region netspec knows: the spec validates with no finding at all."""
    from netspec import regions
    from netspec.scaffold import scaffold
    for name, region in regions.REGIONS.items():
        result = compile_text(scaffold("ds-team", name, "netspec.schema.json"), f"{name}.yaml")
        assert result.findings == () and result.files, (name, [(f.code, f.message) for f in result.findings])
        if region.partition == "aws-cn":
            assert "logs (CloudWatch Logs) is left out" in scaffold("ds-team", name, "x")


def test_init_scaffolds_a_spec_that_compiles(tmp_path):
    (tmp_path / "schemas").mkdir()
    shutil.copy(ROOT / "schemas" / "netspec.schema.json", tmp_path / "schemas")
    created = run_cli("init", "ds-vision", "--region", "eu-west-1", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    text = (tmp_path / "specs" / "ds-vision.yaml").read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/netspec.schema.json"
    assert "azs: [eu-west-1a, eu-west-1b]" in text
    compiled = run_cli("compile", "--strict", cwd=tmp_path)
    assert compiled.returncode == 0, compiled.stderr
    assert (tmp_path / "out" / "ds-vision" / "vpc.tf.json").is_file()
    again = run_cli("init", "ds-vision", cwd=tmp_path)
    assert again.returncode == 2 and "not overwritten" in again.stderr
    assert (tmp_path / "specs" / "ds-vision.yaml").read_text() == text


@pytest.mark.parametrize("args", [["init", "Bad_Name"], ["init", "ok-name", "--region", "mars-1"]])
def test_init_refuses_bad_input(tmp_path, args):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and "netspec:" in result.stderr and not (tmp_path / "specs").exists()


def test_spec_reference_is_current():
    assert run_cli("schema", "--markdown").stdout == (ROOT / "docs" / "spec.md").read_text()


def test_unreadable_spec_and_unwritable_out_are_io_errors(project):
    if os.geteuid() == 0:
        # root reads and writes regardless of modes; use a folder where a file is expected instead
        (project / "out").write_text("not a folder")
        result = run_cli("compile", cwd=project)
        assert result.returncode == 2 and "NS305 cannot write the module" in result.stdout
        assert (project / "out").read_text() == "not a folder"
    else:
        (project / "specs" / "ds-team.yaml").chmod(0)
        result = run_cli("compile", cwd=project)
        assert result.returncode == 2 and "NS304" in result.stdout
    assert "Traceback" not in result.stderr


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    """A failure between writing the temporary file and the rename leaves the old file whole."""
    from netspec import writer
    target = tmp_path / "vpc.tf.json"
    old = '{\n  "//": "Generated by netspec from x.yaml"\n}\n'
    target.write_text(old)
    changes = writer.plan_changes(tmp_path, {"vpc.tf.json": '{\n  "//": "Generated by netspec from y.yaml"\n}\n'})
    assert [c.change for c in changes] == [writer.Change.STALE]

    def crash(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(writer.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.apply_changes(tmp_path, {"vpc.tf.json": "new"}, changes)
    assert target.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["vpc.tf.json"], "the temporary file is cleaned up"


# --- module lifecycle: modules whose spec is gone --------------------------------------------

def test_check_reports_and_prune_removes_a_module_whose_spec_is_gone(project):
    other = BASE_SPEC.replace("name: ds-team", "name: old-team").replace("10.2.0.0/16", "10.7.0.0/16")
    (project / "specs" / "old.yaml").write_text(other)
    assert run_cli("compile", cwd=project).returncode == 0
    old = project / "out" / "old-team"
    (old / "terraform.tfstate").write_text('{"version": 4}')
    (old / ".terraform").mkdir()
    (old / "backend_override.tf.json").write_text('{"terraform": {}}')
    (project / "specs" / "old.yaml").unlink()

    check = run_cli("compile", "--check", cwd=project)
    assert check.returncode == 1
    (finding,) = [line for line in check.stdout.splitlines() if "NS306" in line]
    assert finding == ("out/old-team/dns.tf.json:1:1: NS306 out/old-team/ was generated from old.yaml, but no "
                       "spec compiles to it now; `netspec compile --prune` removes its 9 generated file(s); keeps "
                       ".terraform/, backend_override.tf.json, terraform.tfstate (not written by netspec)")
    assert "ds-team" not in check.stdout, "the module of a spec that is still there is current"

    plain = run_cli("compile", cwd=project)
    assert plain.returncode == 0 and "out/old-team: generated from old.yaml" in plain.stderr
    assert (old / "vpc.tf.json").exists(), "without --prune nothing is removed"

    assert run_cli("compile", "--prune", "specs/ds-team.yaml", cwd=project).returncode == 2, \
        "a run over some spec files cannot tell which modules are orphans"
    pruned = run_cli("compile", "--prune", cwd=project)
    assert pruned.returncode == 0, pruned.stdout
    assert ("out/old-team: removed 9 generated file(s) of old.yaml; kept .terraform/, backend_override.tf.json, "
            "terraform.tfstate (not written by netspec)") in pruned.stderr
    assert sorted(p.name for p in old.iterdir()) == [".terraform", "backend_override.tf.json", "terraform.tfstate"]
    assert (project / "out" / "ds-team" / "vpc.tf.json").exists()
    assert run_cli("compile", "--check", cwd=project).returncode == 0, "user files alone are no module"


def test_prune_removes_an_emptied_folder_and_keeps_a_spec_that_does_not_load(project):
    renamed = BASE_SPEC.replace("name: ds-team", "name: ds-renamed")
    assert run_cli("compile", cwd=project).returncode == 0
    (project / "specs" / "broken.yaml").write_text("netspec: [\n")
    (project / "out" / "broken-net").mkdir()
    (project / "out" / "broken-net" / "vpc.tf.json").write_text(
        '{\n  "//": "Generated by netspec from broken.yaml (sha256 0). Do not edit."\n}\n')
    (project / "specs" / "ds-team.yaml").write_text(renamed)
    result = run_cli("compile", "--prune", cwd=project)
    assert result.returncode == 1, "broken.yaml has errors"
    assert "out/ds-team: removed 9 generated file(s) of ds-team.yaml; folder removed" in result.stderr
    assert not (project / "out" / "ds-team").exists()
    assert (project / "out" / "ds-renamed" / "vpc.tf.json").exists()
    assert (project / "out" / "broken-net" / "vpc.tf.json").exists(), "it may still be broken.yaml's module"


# --- command-line conventions ----------------------------------------------------------------

def test_findings_on_stdout_summary_on_stderr_and_quiet_verbose(project):
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC + "colour: red\n")
    result = run_cli("validate", cwd=project)
    assert result.returncode == 1
    assert result.stdout.startswith("specs/ds-team.yaml:12:1: NS101 unknown key 'colour'\n")
    assert result.stderr == "1 spec(s) checked: 1 error(s), 0 warning(s)\n"
    quiet = run_cli("validate", "-q", cwd=project)
    assert quiet.stdout == result.stdout and quiet.stderr == ""
    (project / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    assert run_cli("compile", "-q", cwd=project).stderr == ""
    assert "out/ds-team: up to date" in run_cli("compile", "-v", cwd=project).stderr
    assert "out/ds-team" not in run_cli("compile", cwd=project).stderr
    assert run_cli("validate", "-q", "-v", cwd=project).returncode == 2


def test_no_color_and_version_and_short_help():
    from netspec import __version__
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout == f"netspec {__version__} (netspec-aws on PyPI)\n"
    assert run_cli("-h").stdout == run_cli("--help").stdout and "compile" in run_cli("-h").stdout
    assert run_cli("compile", "-h").stdout == run_cli("compile", "--help").stdout
    assert "--no-color" in run_cli("validate", "-h").stdout


def test_a_spec_on_standard_input(project):
    import subprocess
    import sys

    def piped(*args: str, text: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "netspec", *args], input=text, cwd=project, text=True,
                              capture_output=True, timeout=120)
    bad = BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33")
    named = piped("validate", "-", "--stdin-filename", "specs/ds-team.yaml", text=bad)
    assert named.returncode == 1 and named.stdout.startswith("specs/ds-team.yaml:4:7: NS104")
    anonymous = piped("validate", "-", text=bad)
    assert anonymous.stdout.startswith("<stdin>:4:7: NS104")
    assert piped("validate", "-", text=BASE_SPEC).returncode == 0
    compiled = piped("compile", "-", "--out", "built", text=BASE_SPEC)
    assert compiled.returncode == 0 and (project / "built" / "ds-team" / "vpc.tf.json").is_file()
    assert piped("validate", "specs", "--stdin-filename", "x.yaml", text="").returncode == 2


def test_emit_hcl_and_the_deprecated_format_hcl(project):
    result = run_cli("compile", "--emit", "hcl", "--format", "sarif", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == "2.1.0", "HCL modules and SARIF findings from one run"
    assert (project / "out" / "ds-team" / "vpc.tf").is_file()
    old = run_cli("compile", "--format", "hcl", "--check", cwd=project)
    assert old.returncode == 0 and "`--format hcl` is deprecated; use `--emit hcl`" in old.stderr
    assert run_cli("compile", "--format", "hcl", "--emit", "json", cwd=project).returncode == 2


def test_cross_spec_findings_stay_one_per_spec(project):
    """30 networks on one block: one NS251 per spec that counts the others, not 870 pairwise findings."""
    for i in range(29):
        (project / "specs" / f"team-{i:02}.yaml").write_text(BASE_SPEC.replace("name: ds-team", f"name: team-{i:02}"))
    report = json.loads(run_cli("validate", "--format", "json", cwd=project).stdout)
    overlaps = [f for f in report["findings"] if f["code"] == "NS251"]
    assert len(overlaps) == len({f["path"] for f in overlaps}) == 30
    first = next(f for f in overlaps if f["path"] == "specs/ds-team.yaml")
    assert first["message"] == ("10.2.0.0/16 overlaps 10.2.0.0/16 of team-00 (specs/team-00.yaml) "
                                "and 28 other network(s) in us-east-1")
    assert len(first["related"]) == 5
    (project / "specs" / "team-00.yaml").write_text(BASE_SPEC)
    (project / "specs" / "team-01.yaml").write_text(BASE_SPEC)
    names = [f for f in json.loads(run_cli("validate", "--format", "json", cwd=project).stdout)["findings"]
             if f["code"] == "NS250"]
    assert [f["message"] for f in names if f["path"] == "specs/ds-team.yaml"] == [
        "name 'ds-team' is also used by specs/team-00.yaml and 1 other spec(s)"]
