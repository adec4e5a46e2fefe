"""`netspec inventory`: every network on one page, with account, addresses, reach, cost and open warnings."""

from __future__ import annotations

import json
import shutil

from conftest import SPECS, run_cli

CONFIG = """\
[pools.research-use1]
region = "us-east-1"
blocks = ["10.0.0.0/14"]  # holds workshop's 10.0.0.0/16 and ds-team's 10.2.0.0/16

[[accounts]]
id = "111122223333"
name = "research"
specs = ["specs/ds-*.yaml"]

[[suppress]]
code = "NS237"
paths = ["specs/ds-forecasting.yaml"]
reason = "the forecasting buckets are ours by naming convention"
"""


def test_inventory_of_a_repository(tmp_path):
    (tmp_path / ".git").mkdir()
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "netspec.toml").write_text(CONFIG)
    forecasting = tmp_path / "specs" / "ds-forecasting.yaml"  # a wildcard bucket without an owner: NS237, accepted
    forecasting.write_text(forecasting.read_text().replace('    account: "123456789012"', ""))
    studio = tmp_path / "specs" / "studio-team.yaml"
    studio.write_text(studio.read_text().replace("cidr: 10.4.0.0/16", "cidr: {pool: research-use1, size: 20}"))
    result = run_cli("inventory", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    by_name = {n["name"]: n for n in data["networks"]}
    assert set(by_name) == {p.stem for p in SPECS.glob("*.yaml")}
    ds = by_name["ds-team"]
    assert (ds["account"], ds["account_name"], ds["region"], ds["cidr"], ds["zones"]) == (
        "111122223333", "research", "us-east-1", "10.2.0.0/16", ["us-east-1a", "us-east-1b"])
    assert ds["pool"] == "research-use1", "a literal block inside a pool belongs to it"
    assert ds["cost"] == {"monthly": 58.4, "currency": "USD", "note": ""}
    assert {"bucket": "my-secure-bucket", "access": "read", "owner": "perimeter"} in ds["buckets"]
    assert (by_name["studio-team"]["cidr"], by_name["studio-team"]["pool"]) == ("10.1.0.0/20", "research-use1")
    assert by_name["ds-forecasting"]["cost"]["note"] == "no confirmed price for eu-west-1"
    assert by_name["ds-forecasting"]["suppressed"] == 1 and not by_name["ds-forecasting"]["warnings"]
    assert [w["code"] for w in by_name["workshop"]["warnings"]] == ["NS235"]
    totals = {(t["account"], t["region"]): t for t in data["totals"]}
    assert totals[(None, "us-east-1")]["monthly"] == 131.4  # workshop $58.40 + studio-team $73.00
    assert totals[(None, "us-west-2")]["monthly"] == 204.4  # genai-team and ml-containers, $102.20 each
    assert totals[("111122223333", "eu-west-1")]["unpriced_networks"] == 1
    markdown = run_cli("inventory", cwd=tmp_path).stdout
    assert "| `ds-team` | 111122223333 (research) | us-east-1 | 10.2.0.0/16 (research-use1) | 2 | - | s3 (gateway), sagemaker.api, " \
           "sagemaker.runtime, sts, logs | my-secure-bucket (read) | $58.40 | none |" in markdown
    assert "| `studio-team` | any (the deploying account) | us-east-1 | 10.1.0.0/20 (research-use1) |" in markdown
    assert "| 111122223333 (research) | eu-west-1 | 1 | $0.00 + 1 without a confirmed price |" in markdown
    assert "- `workshop` specs/workshop.yaml:" in markdown and "NS235" in markdown


def test_a_spec_that_does_not_compile_is_listed_and_fails_the_run(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "specs").mkdir()
    shutil.copy(SPECS / "ds-team.yaml", tmp_path / "specs")
    (tmp_path / "specs" / "broken.yaml").write_text("netspec: 1\nname: broken\n")
    result = run_cli("inventory", cwd=tmp_path)
    assert result.returncode == 1
    assert "## Not compiled (findings on stderr)\n\n- `specs/broken.yaml`" in result.stdout
    assert "specs/broken.yaml:1:1: NS102" in result.stderr and "`ds-team`" in result.stdout
