"""verify's pure part: the root module it writes, terraform's reports read, diagnostics mapped back.

terraform itself runs in tests/test_terraform.py; here are the cases it will not produce on demand
(a report cut short, invalid modules with no error named), fed as the documents terraform writes.
"""

from __future__ import annotations

import json

import pytest

from netspec import verify
from netspec.verify import Child

EAST = {"region": "us-east-1"}
WEST = {"region": "eu-west-1"}


def children() -> list[Child]:
    return [Child("child", "out/child", ("vpc.tf.json",)),  # compiled with --module: no provider of its own
            Child("ds-team", "out/ds-team", ("vpc.tf.json",), EAST, "ds-team.yaml", "ab" * 32, "specs/ds-team.yaml"),
            Child("east-2", "out/east-2", ("vpc.tf.json",), EAST),
            Child("tagged", "out/tagged", ("vpc.tf.json",), {**EAST, "default_tags": {"tags": {"team": "x"}}}),
            Child("west", "out/west", ("vpc.tf.json",), WEST, "west.yaml")]


def report(valid: bool, *diagnostics: dict) -> str:
    errors = sum(d["severity"] == "error" for d in diagnostics)
    return json.dumps({"format_version": "1.0", "valid": valid, "error_count": errors,
                       "warning_count": len(diagnostics) - errors, "diagnostics": list(diagnostics)})


def diagnostic(severity: str = "error", filename: str | None = "modules/ds-team/vpc.tf.json", **extra) -> dict:
    found = {"severity": severity, "summary": "Extraneous JSON object property",
             "detail": 'No argument or block type is named "bogus".', **extra}
    if filename:
        found["range"] = {"filename": filename, "start": {"line": 141, "column": 9, "byte": 4000},
                          "end": {"line": 141, "column": 25, "byte": 4016}}
    return found


def test_the_root_gives_each_distinct_provider_configuration_its_own_alias():
    root = verify.root_module(children())
    assert root["terraform"] == {"required_providers": {"aws": {"source": "hashicorp/aws"}}}
    assert root["provider"]["aws"] == [{**EAST, "alias": "us_east_1"},
                                       {**EAST, "default_tags": {"tags": {"team": "x"}}, "alias": "us_east_1_2"},
                                       {**WEST, "alias": "eu_west_1"}]
    calls = root["module"]
    assert calls["child"] == {"source": "./modules/child"}  # the root's default provider, as in a user's root
    assert calls["ds-team"]["providers"] == calls["east-2"]["providers"] == {"aws": "aws.us_east_1"}
    assert calls["tagged"]["providers"] == {"aws": "aws.us_east_1_2"}
    assert calls["west"] == {"source": "./modules/west", "providers": {"aws": "aws.eu_west_1"}}


def test_a_whole_report_is_read_with_every_diagnostic():
    found, whole = verify.read_report(report(False, diagnostic(), diagnostic("warning")), 1)
    assert whole and [d["severity"] for d in found] == ["error", "warning"]
    assert verify.read_report(report(True), 0) == ([], True)


@pytest.mark.parametrize("stdout", ["", "Error: Failed to parse command-line flags\n", '{"format_version": "1.0", "va',
                                    '{"format_version": "1.0"}', "[]", '{"valid": false, "diagnostics": 5}',
                                    '{"valid": true, "diagnostics": {"severity": "error"}}'])
def test_a_report_cut_short_missing_or_misshapen_is_never_whole(stdout):
    assert verify.read_report(stdout, 1)[1] is False
    assert verify.read_report(stdout, 0)[1] is False


@pytest.mark.parametrize("valid, returncode", [(False, 1), (True, 1), (False, 0)])
def test_invalid_modules_with_no_error_named_cannot_pass(valid, returncode):
    """terraform says invalid (or fails) but names only a warning: an error stands in, about no module."""
    found, whole = verify.read_report(report(valid, diagnostic("warning")), returncode)
    assert whole and found[-1] == verify.INVALID_UNNAMED
    assert verify.troubled(found, children()) is None  # so no module is kept as found clean
    findings = verify.findings_for(found, children(), "out")
    assert [(f.code, f.location.path) for f in findings] == [("NS309", "out/ds-team/vpc.tf.json"), ("NS308", "out")]
    assert findings[-1].message == "terraform validate: the modules: terraform validate found the modules invalid " \
                                   "without naming a problem"


def test_a_diagnostic_is_located_on_its_module_file_with_its_spec():
    (finding,) = verify.findings_for([diagnostic()], children(), "out")
    assert (finding.code, finding.location.path, finding.location.line, finding.location.col) == (
        "NS308", "out/ds-team/vpc.tf.json", 141, 9)
    assert finding.message == ('terraform validate: module ds-team (from ds-team.yaml): Extraneous JSON object '
                               'property: No argument or block type is named "bogus".')
    assert [r.path for r in finding.related] == ["specs/ds-team.yaml"]


def test_a_diagnostic_without_a_file_is_placed_by_its_address_else_on_out():
    by_address, nowhere = verify.findings_for(
        [diagnostic("warning", None, address="module.west.aws_vpc.this"), diagnostic("error", None)], children(),
        "out")
    assert (by_address.code, by_address.location.path, by_address.related) == ("NS309", "out/west", ())
    assert by_address.message.startswith("terraform validate: module west (from west.yaml): ")
    assert (nowhere.code, nowhere.location.path) == ("NS308", "out")
    assert verify.troubled([diagnostic("warning", None, address="module.west.x")], children()) == {"west"}


def test_a_file_of_another_folder_is_not_taken_for_a_module():
    (finding,) = verify.findings_for([diagnostic(filename="modules/nobody/vpc.tf.json")], children(), "out")
    assert finding.location.path == "out"
    assert verify.troubled([diagnostic(filename="main.tf.json")], children()) is None


@pytest.mark.parametrize("stderr, expected", [
    ("\nError: Failed to parse command-line flags\n\nflag provided but not defined: -x\n\nFor more help on using "
     "this command, run:\n  terraform validate -help\n",
     "Error: Failed to parse command-line flags: flag provided but not defined: -x"),
    ("╷\n│ Error: Module not installed\n│ \n│   on main.tf.json line 3:\n╵\n",
     "Error: Module not installed: on main.tf.json line 3:"),
    ("panic: runtime error: index out of range\n\ngoroutine 1 [running]:\n", "goroutine 1 [running]:"),
    ("", ""),
])
def test_terraforms_error_is_told_in_one_line(stderr, expected):
    assert verify.error_text(stderr) == expected


def test_modules_are_validated_in_runs_of_the_batch_size_in_order():
    names = [c.name for c in children()]
    assert [[c.name for c in part] for part in verify.batches(children(), 2)] == [names[:2], names[2:4], names[4:]]
    assert verify.batches(children(), 0) == [children()] == verify.batches(children(), 99)
    assert verify.batches([], 2) == verify.batches([], 0) == []


def test_a_module_digest_changes_with_each_thing_validate_depends_on():
    child = children()[1]
    files = {"vpc.tf.json": b"{}"}
    base = verify.module_digest(child, files, "terraform 1.11.4\nlock")
    assert base == verify.module_digest(child, dict(files), "terraform 1.11.4\nlock")
    assert len({base, verify.module_digest(child, {"vpc.tf.json": b"{ }"}, "terraform 1.11.4\nlock"),
                verify.module_digest(child, {**files, "x.tf.json": b"{}"}, "terraform 1.11.4\nlock"),
                verify.module_digest(child, files, "terraform 1.11.5\nlock"),
                verify.module_digest(children()[3], files, "terraform 1.11.4\nlock")}) == 5
