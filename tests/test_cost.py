"""The fixed monthly cost of a network's endpoints, against figures computed by hand, in explain,
diff and the price table."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from netspec import compile_text, cost
from netspec import diff as specdiff

from conftest import BASE_SPEC, SPECS, run_cli

# Interface endpoints x zones x 730 hours x the region's hourly price; gateway endpoints (s3,
# dynamodb) are free. Computed by hand from each example spec (and its workloads' endpoints,
# README "Workloads"):
HAND = {
    # sagemaker.api, sagemaker.runtime, sts, logs: 4 x 2 zones x 730 h x $0.01 (us-east-1)
    "ds-team": Decimal("58.40"),
    "workshop": Decimal("58.40"),
    # studio's sagemaker.api, sagemaker.runtime, sagemaker.studio, sts, logs (training, processing,
    # hosting and jumpstart add only s3 and sagemaker.runtime): 5 x 2 x 730 x $0.01
    "studio-team": Decimal("73.00"),
    # bedrock's 4 + notebook-instances' sagemaker.notebook and sagemaker.api + kms: 7 x 2 x 730 x $0.01 (us-west-2)
    "genai-team": Decimal("102.20"),
    # ecr.api, ecr.dkr, kms, sagemaker.api, sagemaker.runtime, sts, logs: 7 x 2 x 730 x $0.01 (us-west-2)
    "ml-containers": Decimal("102.20"),
    # eu-west-1 has no confirmed price
    "ds-forecasting": None,
}


def network(text: str):
    result = compile_text(text, "s.yaml")
    assert result.ok, result.findings
    return result.network


@pytest.mark.parametrize("name", sorted(HAND))
def test_examples_cost_what_was_computed_by_hand(name):
    assert cost.monthly_cost(network((SPECS / f"{name}.yaml").read_text())).monthly == HAND[name]


def test_ten_services_in_three_zones_cost_219_dollars_at_us_east_1():
    services = "sagemaker.api, sagemaker.runtime, sts, logs, monitoring, kms, ssm, ecr.api, ecr.dkr, secretsmanager"
    text = BASE_SPEC.replace("azs: [us-east-1a, us-east-1b]", "azs: [us-east-1a, us-east-1b, us-east-1c]").replace(
        "services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]", f"services: [s3, {services}]")
    bill = cost.monthly_cost(network(text))
    assert bill.monthly == Decimal("219.00") and bill.endpoint_zone_hours == 10 * 3 * 730


def test_a_service_in_fewer_zones_is_billed_for_those_only():
    text = BASE_SPEC.replace("services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]",
                             "services: [s3, {name: sts, zones: [us-east-1a]}]")
    bill = cost.monthly_cost(network(text))
    assert bill.monthly == Decimal("7.30") and [(e.service, e.zones) for e in bill.endpoints] == [("s3", 0), ("sts", 1)]


def test_every_price_names_its_source_and_date():
    for region, price in cost.PRICES.items():
        assert price.hourly > 0 and price.source and price.as_of and price.usage_type.endswith("VpcEndpoint-Hours")


def test_explain_shows_the_cost_and_says_when_no_price_is_confirmed():
    text = run_cli("explain", "specs/ds-team.yaml").stdout
    assert "Monthly endpoint cost, fixed (before any traffic): $58.40" in text
    assert "  sts: 2 zone(s) x 730 h = $14.60" in text and "  s3: gateway endpoint, free" in text
    assert "not estimated: data processed by interface endpoints" in text
    data = json.loads(run_cli("explain", "specs/ds-forecasting.yaml", "--format", "json").stdout)["cost"]
    assert data["monthly"] is None and data["note"] == "no confirmed price for eu-west-1"
    assert data["endpoint_zone_hours"] == 6 * 3 * 730
    assert "no confirmed price for eu-west-1" in run_cli("explain", "specs/ds-forecasting.yaml").stdout


def test_diff_shows_the_change_a_pull_request_makes(tmp_path):
    new = tmp_path / "ds-team.yaml"
    new.write_text((SPECS / "ds-team.yaml").read_text().replace("azs: [us-east-1a, us-east-1b]",
                                                                "azs: [us-east-1a, us-east-1b, us-east-1c]"))
    markdown = run_cli("diff", "specs/ds-team.yaml", str(new)).stdout
    assert "Monthly endpoint cost of these networks, fixed (before traffic): $58.40 → $87.60 (+$29.20)" in markdown
    assert "Monthly endpoint cost: $58.40 → $87.60 (+$29.20)" in markdown
    document = json.loads(run_cli("diff", "specs/ds-team.yaml", str(new), "--format", "json").stdout)
    assert document["cost"] == {"currency": "USD", "before": 58.4, "after": 87.6, "delta": 29.2, "not_counted": []}
    assert document["specs"][0]["cost"] == {
        "currency": "USD", "before": 58.4, "after": 87.6, "delta": 29.2, "notes": [],
        "endpoint_zone_hours_before": 4 * 2 * 730, "endpoint_zone_hours_after": 4 * 3 * 730}


def test_diff_of_added_removed_and_unpriced_networks():
    ds = network((SPECS / "ds-team.yaml").read_text())
    forecasting = network((SPECS / "ds-forecasting.yaml").read_text())
    gone = specdiff.diff_networks(ds, None)
    assert (gone.cost.before, gone.cost.after, gone.cost.delta) == (Decimal("58.40"), Decimal("0"), Decimal("-58.40"))
    assert gone.cost.line() == "$58.40 → $0.00 (-$58.40)"
    added = specdiff.diff_networks(None, forecasting)
    assert added.cost.after is None and added.cost.delta is None
    assert added.cost.line() == ("unknown (no confirmed price for eu-west-1); 0 → 13,140 interface "
                                 "endpoint-zone-hours a month")
    same = specdiff.diff_networks(forecasting, forecasting)
    assert same.cost.delta == 0, "nothing billed changed, whatever the price"
    report = specdiff.DiffReport("main", (gone, added, same))
    assert specdiff.total_cost(report).line() == ("$58.40 → $0.00 (-$58.40); not counted: `ds-forecasting` "
                                                  "(no confirmed price for eu-west-1)")
