"""Which spec a module is audited against, and what the spec decides: flow logs, services."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from audit_support import OUT, SPECS, codes, copy_of, edit, make_repo, run_audit, run_cli
from netspec.audit import audit
from netspec.audit.inputs import load_paths

__all__ = ["copy_of"]  # a fixture, used by name


# --- which spec a module is audited against ------------------------------------------


def test_header_pattern_matches_the_renderer():
    from netspec import compile_text
    from netspec.audit.config import HEADER
    from netspec.render import header

    result = compile_text((SPECS / "ds-team.yaml").read_text(), "ds-team.yaml")
    match = HEADER.match(header(result.network))
    assert match and match.group("spec") == "ds-team.yaml" and len(match.group("sha")) == 64


def test_default_retention_is_the_compilers():
    from netspec.audit.spec import DEFAULT_RETENTION_DAYS
    from netspec.build import DEFAULT_RETENTION_DAYS as COMPILER_DEFAULT

    assert DEFAULT_RETENTION_DAYS == COMPILER_DEFAULT


def test_spec_beside_out_comes_before_the_current_directory(tmp_path, monkeypatch):
    text = (SPECS / "ds-team.yaml").read_text()
    module = make_repo(tmp_path / "repo", text, "ds-team")
    # The current directory holds a different ds-team.yaml: the one beside out/ decides.
    (tmp_path / "cwd" / "specs" / "nested").mkdir(parents=True)
    (tmp_path / "cwd" / "specs" / "nested" / "ds-team.yaml").write_text(text + "# changed\n")
    monkeypatch.chdir(tmp_path / "cwd")
    assert audit(load_paths([module])) == []
    # Without specs/ beside out/, the current directory's specs/ (searched recursively) is used.
    shutil.rmtree(tmp_path / "repo" / "specs")
    (finding,) = audit(load_paths([module]))
    assert finding.code == "NS518" and "specs/nested/ds-team.yaml" in finding.message
    (tmp_path / "cwd" / "specs" / "nested" / "ds-team.yaml").write_text(text)
    assert audit(load_paths([module])) == []
    shutil.rmtree(tmp_path / "cwd" / "specs")
    (finding,) = audit(load_paths([module]))
    assert finding.code == "NS517" and "ds-team.yaml" in finding.message
    assert finding.location.line == 2 and finding.location.path.endswith(".tf.json")


def test_flow_logs_off_by_the_spec_is_one_warning_with_or_without_spec(tmp_path):
    text = (SPECS / "ds-team.yaml").read_text() + "flow_logs: false\n"
    module = make_repo(tmp_path, text)
    assert not (module / "flow_logs.tf.json").exists()
    for args in (["out/team"], ["out/team", "--spec", "specs/team.yaml"]):
        result = run_cli("audit", *args, "--format", "json", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert [(f["code"], f["severity"]) for f in report["findings"]] == [("NS519", "warning")]
    # The same module audited against a spec that keeps flow logs on: NS510.
    assert codes(run_audit(module, spec=SPECS / "ds-team.yaml")) == {"NS510"}


def test_retention_follows_the_spec(tmp_path):
    text = (SPECS / "ds-team.yaml").read_text() + "flow_logs:\n  retention_days: 30\n"
    module = make_repo(tmp_path, text)
    assert audit(load_paths([module])) == []
    # The same module against the default (365 days): too short.
    (finding,) = run_audit(module, spec=SPECS / "ds-team.yaml")
    assert finding.code == "NS516" and "30 day(s)" in finding.message
    edit(module / "flow_logs.tf.json", lambda d: d["resource"]["aws_cloudwatch_log_group"]["flow_logs"].pop(
        "retention_in_days"))
    assert run_audit(module, spec=SPECS / "ds-team.yaml") == []  # never expires


# --- endpoint services and the spec --------------------------------------------------

MIRROR = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def add_endpoint(module: Path, name: str, service: str, policy: bool) -> None:
    body = {"vpc_id": "${aws_vpc.main.id}", "service_name": service, "vpc_endpoint_type": "Interface",
            "subnet_ids": ["${aws_subnet.private_us_east_1a.id}"]}
    if policy:
        body["policy"] = json.loads((OUT / "ds-team" / "endpoints.tf.json").read_text())[
            "resource"]["aws_vpc_endpoint"]["sts"]["policy"]
    edit(module / "endpoints.tf.json", lambda d: d["resource"]["aws_vpc_endpoint"].update({name: body}))


def test_custom_services_of_the_spec_are_inside(copy_of, tmp_path):
    # The spec form of custom PrivateLink services (issue 7), which the audit reads already.
    module = copy_of("ds-team")
    add_endpoint(module, "mirror", MIRROR, policy=False)
    document = yaml.safe_load((SPECS / "ds-team.yaml").read_text())
    document["services"].append({"name": "mirror", "service_name": MIRROR})
    spec = tmp_path / "custom.yaml"
    spec.write_text(yaml.safe_dump(document))
    assert run_audit(module, spec=spec) == []  # listed, and takes no policy by the spec
    assert codes(run_audit(module, spec=SPECS / "ds-team.yaml")) == {"NS506", "NS513"}
    document["services"][-1]["accepts_policy"] = True
    spec.write_text(yaml.safe_dump(document))
    assert codes(run_audit(module, spec=spec)) == {"NS506"}


def test_workloads_admit_any_catalog_service_but_no_foreign_one(copy_of, tmp_path):
    module = copy_of("ds-team")
    add_endpoint(module, "ssm", "com.amazonaws.us-east-1.ssm", policy=True)
    spec = tmp_path / "workloads.yaml"
    spec.write_text((SPECS / "ds-team.yaml").read_text() + "workloads: [training]\n")
    assert run_audit(module, spec=spec) == []
    assert codes(run_audit(module, spec=SPECS / "ds-team.yaml")) == {"NS513"}
    add_endpoint(module, "ssm", "com.amazonaws.eu-west-1.ssm", policy=True)  # the right service, wrong region
    assert codes(run_audit(module, spec=spec)) == {"NS513"}
    add_endpoint(module, "ssm", MIRROR, policy=True)
    assert codes(run_audit(module, spec=spec)) == {"NS513"}
