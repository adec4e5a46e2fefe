"""Which spec a module is audited against, and what the spec decides: flow logs, services."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- reading a spec's YAML: libyaml where it reads as PyYAML does ----------------------------

def _outcome(read, text: str):
    try:
        return "value", read(text)
    except RecursionError:
        return "too deep", None
    except (yaml.YAMLError, ValueError) as exc:
        return "refused", None


_YAML_CASES = [
    "", "# x\n", "---\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n", "a: \ufeff1\n", "a:\n\tb: 1\n", "a:\t1\n",
    "a: [1,\t2]\n", "a: b\tc\n", "a: 1\t# c\n", "-\ta\n", "a: |\n\tx\n", 'a: "\\ud800"\n', "a: 1\na: 2\n",
    "b: &x {c: 1}\na:\n  <<: *x\n", "a: 0o17\n", "a: 017\n", "a: 1:20\n", "a: yes\n", "a: 2001-12-14\n",
    "a: 2001-13-45\n", "a: .inf\n", "a: !!binary aGVsbG8=\n", "a: !!python/object:os.system x\n", "a: !foo x\n",
    "a: [\n", "a: 1\n b: 2\n", "a: *x\n", "a: &x [*x]\n", "? [1,2]\n: 3\n", "{[1]: 2}\n", "%YAML 1.1\n---\na: 1\n",
    "%YAML 2.0\n---\na: 1\n", "a" * 1100 + ": 1\n", "hello\n", "a: 1\r\nb: 2\r\n", "a: 1\rb: 2\r", "a: 1\n\ufeffb: 2\n",
    'a: "\\q"\n', "&k a: 1\n*k : 2\n", "~: 1\n", "a: \x7f\n", "buckets: [a ?b]\n",
    "name: ds-team\nregion: us-east-1\nservices: [s3, sts]\nbuckets:\n  - team-data\n  - \"logs-*\"\nflow_logs:\n  retention_days: 90\n",
]


@pytest.mark.parametrize("text", _YAML_CASES)
def test_a_spec_reads_as_yaml_safe_load_reads_it(text):
    """The audit reads a spec through libyaml only where libyaml reads it as PyYAML does: the same
    value, or refused as PyYAML refuses it (tabs, a byte-order mark past the start and every text
    libyaml refuses go to PyYAML itself)."""
    from netspec.audit.spec import _load_yaml
    ours, theirs = _outcome(_load_yaml, text), _outcome(yaml.safe_load, text)
    assert repr(ours) == repr(theirs)  # repr: a recursive value (`&x [*x]`) compares by its printed form


@pytest.mark.parametrize("text", ["a: " + "[" * 101 + "]" * 101 + "\n", "#\t\na: " + "[" * 101 + "]" * 101 + "\n",
                                  "a: " + "{b: " * 101 + "1" + "}" * 101 + "\n", "a: " + "[" * 120_000])
def test_a_spec_nested_past_the_limit_is_refused_on_either_path(text):
    """Deeper than the audit's MAX_DEPTH is refused before anything is composed: libyaml's composer recurses in
    C (120,000 levels would overflow its stack); the tab sends the second case to PyYAML's."""
    from netspec.audit.spec import MAX_DEPTH, _load_yaml
    assert MAX_DEPTH == 100
    with pytest.raises(RecursionError):
        _load_yaml(text)
    assert _load_yaml("a: " + "[" * 99 + "]" * 99 + "\n")["a"] is not None


_YAML_PIECES = ["a", "b", ":", " ", "\t", "\n", "- ", "[", "]", "{", "}", ",", "'", '"', "\\", "#", "&x ", "*x", "? ",
                "!!str ", "|", ">", "  ", "1", "0x1", "yes", "~", "---\n", "...\n", "%", "\r\n", "\u00e9", "\ufeff",
                "<<: ", "2001-01-01", "-", "e"]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=14).map("".join))
def test_what_pyyaml_reads_the_audit_reads_the_same(text):
    from netspec.audit.spec import _load_yaml
    theirs = _outcome(yaml.safe_load, text)
    if theirs[0] == "value":
        assert _outcome(_load_yaml, text) == theirs


@pytest.mark.parametrize("field", ["buckets: 5", "buckets: team-data", "services: 7", "services: {s3: 1}",
                                   "perimeter: {accounts: 5}", "perimeter: 5", "workloads: 3", "flow_logs: [1]"])
def test_a_spec_of_the_wrong_shape_allows_nothing_it_does_not_list(field):
    """A value of the wrong type (a spec the compiler refuses) is read as listing nothing: never a crash,
    never more allowed (a bucket named as a bare string is not taken letter by letter)."""
    from netspec.audit.spec import parse_expectation
    expectation = parse_expectation(f"name: x\nregion: us-east-1\n{field}\n".encode(), "x.yaml")
    assert not expectation.buckets and not expectation.services and not expectation.perimeter_accounts
    assert not expectation.workloads
