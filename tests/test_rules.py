"""Each schema and semantic code fires on its bad case, at the right line, with a hint."""

from __future__ import annotations

import pytest

from netspec import compile_text
from netspec.codes import CODES
from netspec.findings import Severity

from conftest import BASE_SPEC


def spec(**replace: str) -> str:
    """BASE_SPEC with top-level entries replaced: key -> new text for `key:` and its indented lines."""
    lines = BASE_SPEC.splitlines()
    for key, text in replace.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        end = index + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        lines[index:end] = [text] if text else []
    return "\n".join(lines) + "\n"


def add(text: str) -> str:
    return BASE_SPEC + text


# code -> (spec text, line the finding must point at)
BAD_CASES: dict[str, tuple[str, int]] = {
    "NS101": (spec(region="regoin: us-east-1\nregion: us-east-1"), 3),
    "NS102": (spec(region=""), 1),
    "NS103": (spec(services="services: s3"), 6),
    "NS104": (spec(cidr="cidr: 10.2.0.0/8"), 4),
    "NS105": (spec(netspec="netspec: 2"), 1),
    "NS201": (spec(region="region: us-east-9", azs="azs: [us-east-9a, us-east-9b]"), 3),
    "NS202": (spec(azs="azs: [us-east-1a, us-west-2b]"), 5),
    "NS203": (spec(azs="azs: [us-east-1a,\n      us-east-1a]"), 6),
    "NS204": (spec(azs="azs: [us-east-1a, us-east-1b,\n      use1-az3]"), 6),
    "NS205": (spec(services="services:\n  - s3\n  - {name: sts, zones: [us-east-1c]}"), 8),
    "NS210": (spec(cidr="cidr: 10.2.3.0/16"), 4),
    "NS211": (add("subnets:\n  us-east-1a: 10.2.1.0/24\n  us-east-1b: 10.9.2.0/24\n"), 14),
    "NS212": (add("subnets:\n  us-east-1a: 10.2.0.0/23\n  us-east-1b: 10.2.1.0/24\n"), 14),
    "NS213": (add("subnets:\n  us-east-1a: 10.2.1.0/24\n  us-east-1c: 10.2.2.0/24\n"), 12),
    "NS214": (add("subnets:\n  us-east-1a: 10.2.1.0/28\n  us-east-1b: 10.2.2.0/24\n")
              .replace("services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]",
                       "services: [s3, sagemaker.api, sagemaker.runtime, sts, logs, monitoring, kms, ssm, ecr.api, ecr.dkr, secretsmanager, codeartifact.api, sagemaker.notebook]"), 13),
    "NS215": (add("subnets:\n  us-east-1a: 10.2.1.0/27\n  us-east-1b: 10.2.2.0/24\n"), 13),
    "NS216": (spec(azs="azs: [us-east-1a, us-east-1c]") + "subnet_prefix: 17\n", 5),
    "NS217": (add("subnet_prefix: 24\nsubnets:\n  us-east-1a: 10.2.1.0/24\n  us-east-1b: 10.2.2.0/24\n"), 12),
    "NS220": (spec(services="services: [s3, sagemaker.apy]"), 6),
    "NS221": (spec(services="services: [s3, sts,\n  sts]"), 7),
    "NS222": (spec(region="region: us-gov-west-1", azs="azs: [us-gov-west-1a, us-gov-west-1b]",
                   services="services: [s3, sagemaker.notebook]"), 6),
    "NS223": (spec(services="services: [ecr.dkr]", buckets="", ), 6),
    "NS224": (add("workloads: [studoi]\n"), 12),
    "NS225": (add("workloads: [training,\n  training]\n"), 13),
    "NS226": (spec(services="services: []", buckets=""), 6),
    "NS227": (spec(services="services:\n  - s3\n  - {name: mirror, service_name: com.amazonaws.vpce.us-east-1.vpce-svc-1}"), 8),
    "NS228": (spec(services="services:\n  - s3\n  - {name: mirror,\n     service_name: com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0}"), 9),
    "NS229": (spec(services="services:\n  - s3\n  - {name: sts, private_dns: false}"), 8),
    "NS230": (spec(services="services: [sts]"), 7),
    "NS231": (spec(buckets=""), 6),
    "NS232": (spec(buckets="buckets:\n  - {name: 192.168.10.1, access: read}"), 8),
    "NS233": (spec(buckets="buckets:\n  - {name: dup-bucket, access: read}\n  - {name: dup-bucket, access: write}"), 9),
    "NS234": (spec(buckets="buckets:\n  - {name: ab*, access: read}"), 8),
    "NS235": (spec(buckets="buckets:\n  - {name: my_secure_bucket, access: read}"), 8),
    "NS236": (spec(buckets="buckets:\n  - {name: team-*, access: write}"), 8),
    "NS237": (spec(buckets="buckets:\n  - {name: team-*, access: read}"), 8),
    "NS241": (spec(services="services: [s3, sts,\n  events]"), 7),
    "NS240": (spec(tags="tags:\n  aws:team: x"), 11),
}

# NS25x are checks across specs (tests/test_cli.py); NS26x and NS27x are decided with the repository's
# pools, lock and accounts (tests/test_pools.py, tests/test_accounts.py).
SEMANTIC_AND_SCHEMA = {c for c in CODES if c[2] in "12" and not c.startswith(("NS25", "NS26", "NS27"))}


def test_every_spec_code_has_a_bad_case():
    assert set(BAD_CASES) == SEMANTIC_AND_SCHEMA


@pytest.mark.parametrize("code", sorted(BAD_CASES))
def test_code_fires_at_its_line(code):
    text, line = BAD_CASES[code]
    result = compile_text(text, "bad.yaml")
    hits = [f for f in result.findings if f.code == code]
    assert hits, f"{code} not reported; got {[(f.code, f.message) for f in result.findings]}"
    assert hits[0].location.line == line, (hits[0].location, hits[0].message)
    assert hits[0].hint and hits[0].message
    if CODES[code].severity is Severity.ERROR:
        assert not result.ok and result.files == {}
    else:
        assert result.ok and result.files, "a warning alone does not stop compilation"


def test_good_spec_has_no_findings():
    result = compile_text(BASE_SPEC, "good.yaml")
    assert result.findings == () and result.files


def test_all_problems_reported_at_once():
    text = spec(name="name: Bad_Name", cidr="cidr: 10.2.0.0/33", services="services: [s3, stss]") + "colour: blue\n"
    result = compile_text(text, "bad.yaml")
    assert {"NS101", "NS104"} <= {f.code for f in result.findings}
    assert len([f for f in result.findings if f.code == "NS104"]) == 2
    text = spec(azs="azs: [us-east-1a, us-east-1a]", services="services: [s3, stss, sts, sts]")
    found = sorted(f.code for f in compile_text(text, "bad.yaml").findings)
    assert found == ["NS203", "NS220", "NS221"]


def test_rules_run_on_the_valid_part_of_a_spec_with_schema_errors():
    """A schema error in one place no longer hides the rule errors everywhere else."""
    text = spec(azs="azs: [us-east-1a, us-east-1b, us-east-1a]", services="services: [S3, sagemaker.apy, sts, sts, logs]",
                buckets="buckets:\n  - name: my..bucket\n    access: read", tags="tags:\n  aws:team: data-science")
    found = [(f.code, f.location.line, f.location.col) for f in compile_text(text, "bad.yaml").findings]
    assert found == [("NS203", 5, 31), ("NS104", 6, 12), ("NS220", 6, 16), ("NS221", 6, 36),
                     ("NS232", 8, 11), ("NS240", 11, 3)]
    # NS230 ("buckets but no s3") would be a consequence of the invalid `S3`: rules that judge a
    # whole collection are skipped when part of it is unknown.


def test_a_removed_list_item_keeps_the_others_at_their_lines():
    text = spec(services="services: [s3, 7,\n  sts,\n  sts]")
    found = sorted((f.code, f.location.line, f.location.col) for f in compile_text(text, "b.yaml").findings)
    assert found == [("NS103", 6, 16), ("NS221", 8, 3)]
    (dup,) = [f for f in compile_text(text, "b.yaml").findings if f.code == "NS221"]
    assert [(r.line, r.col) for r in dup.related] == [(7, 3)]


BAD_VALUES = ["1", "x", "[]", "{}", "null", "[1, {a: b}]", "{a: [1]}", "true", "[[s3]]"]


@pytest.mark.parametrize("key", ["netspec", "name", "region", "cidr", "azs", "services", "buckets", "tags",
                                 "subnets", "subnet_prefix", "flow_logs", "workloads"])
def test_any_wrong_shape_anywhere_is_reported_never_a_crash(key):
    """Every top-level key with every wrong shape: errors come back, no rule raises."""
    for value in BAD_VALUES:
        text = spec(**{key: f"{key}: {value}"}) if f"\n{key}:" in "\n" + BASE_SPEC else add(f"{key}: {value}\n")
        result = compile_text(text, "b.yaml")  # must not raise
        assert result.ok == bool(result.files) and (result.ok or result.findings), (key, value)
        assert all(f.location.line >= 1 for f in result.findings)


def test_unknown_key_suggests_the_right_one():
    result = compile_text(add("bucket: []\n"), "bad.yaml")
    (finding,) = [f for f in result.findings if f.code == "NS101"]
    assert "buckets" in finding.hint and finding.location.line == 12


def test_unknown_service_suggests_the_right_one():
    (finding,) = compile_text(spec(services="services: [s3, sagemaker.apy]"), "b.yaml").findings
    assert "sagemaker.api" in finding.hint


def test_tight_subnet_warning_gives_the_numbers():
    text, _ = BAD_CASES["NS215"]
    (finding,) = [f for f in compile_text(text, "b.yaml").findings if f.code == "NS215"]
    assert "32 addresses: 5 reserved by AWS, 4 for interface endpoints, 23 left" in finding.message


def test_yaml_surprise_is_not_reported_twice():
    result = compile_text(add("flow_logs: no\n"), "b.yaml")
    assert [f.code for f in result.findings] == ["NS008"]


def test_related_location_for_overlap():
    text, _ = BAD_CASES["NS212"]
    (finding,) = [f for f in compile_text(text, "b.yaml").findings if f.code == "NS212"]
    assert [r.line for r in finding.related] == [13]


@pytest.mark.parametrize("name", ["my-secure-bucket", "a.b.c", "ds-data-bucket-ds-team-*", "abc*", "123"])
def test_good_bucket_names(name):
    result = compile_text(spec(buckets=f"buckets:\n  - {{name: '{name}', access: read}}"), "b.yaml")
    assert result.ok, result.findings


@pytest.mark.parametrize("name", ["a..b", "-abc", "abc-", "xn--abc", "abc-s3alias", "10.0.0.1", "abc.*x"])
def test_bad_bucket_names(name):
    result = compile_text(spec(buckets=f"buckets:\n  - {{name: '{name}', access: read}}"), "b.yaml")
    assert {f.code for f in result.findings} & {"NS232", "NS104"}, name


def _patterns(node):
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_every_schema_pattern_matches_whole_values():
    """JSON Schema `pattern` is a search, and Python's `$` matches before a final newline:
    anchor both ends and refuse the newline (`(?!\\n)` is valid, and harmless, in ECMA regex too)."""
    from netspec.schema import schema
    found = list(_patterns(schema()))
    assert len(found) >= 8
    assert all(p.startswith("^") and p.endswith("(?!\\n)$") for p in found), found


def test_a_zone_key_with_a_trailing_newline_is_refused():
    text = add('subnets:\n  "us-east-1a\\n": 10.2.0.0/24\n  us-east-1b: 10.2.1.0/24\n')
    (finding,) = compile_text(text, "b.yaml").findings
    assert (finding.code, finding.location.line) == ("NS104", 13)


def test_a_schema_valid_float_prefix_is_an_integer_to_the_rules():
    result = compile_text(add("subnet_prefix: 24.0\n"), "b.yaml")
    assert result.ok and str(result.network.subnets[0].cidr) == "10.2.0.0/24"
