"""Property tests: no input makes netspec raise, and every spec that compiles compiles to a sound network.

Two families, both run through the pure core (`compile_bytes`), which every command uses:
- hostile specs: the examples mutated textually (bytes and YAML tokens inserted, deleted,
  swapped) and structurally (a node replaced by an odd value, a key dropped or added);
- valid specs: generated across every region, both zone forms, 2 to 8 zones, computed,
  sized and explicit subnets, services of the region's partition, buckets, tags, flow logs.

Each test runs a bounded number of examples (about 4,000 in all) so the suite stays fast;
NETSPEC_FUZZ_EXAMPLES=N runs N examples per test instead (N/20 for the slow HCL one); the
README's reliability figures come from NETSPEC_FUZZ_EXAMPLES=25000, about 100,000 cases.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
from itertools import combinations

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from netspec import catalog, graph, regions, workloads
from netspec import diff as specdiff
from netspec.codes import CODES
from netspec.findings import MAX_MESSAGE_CHARS
from netspec.pipeline import Result, compile_bytes
from netspec.render.hcl import to_hcl
from netspec.requirements import gather
from netspec.report import REPORTS, Summary, cap_per_file
from netspec.rules.buckets import MIN_WILDCARD_PREFIX, bucket_name_problem
from netspec.rules.tags import RESERVED_KEYS

from conftest import BASE_SPEC, EXAMPLES

FUZZ_EXAMPLES = int(os.environ.get("NETSPEC_FUZZ_EXAMPLES", "0"))


def budget(default: int, share: float = 1.0) -> settings:
    """`default` examples, or `share` of NETSPEC_FUZZ_EXAMPLES when it is set."""
    examples = max(1, int(FUZZ_EXAMPLES * share)) if FUZZ_EXAMPLES else default
    return settings(max_examples=examples, deadline=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


SEEDS = [BASE_SPEC] + [p.read_text(encoding="utf-8") for p in EXAMPLES]
NAME = re.compile(r"[a-z][a-z0-9-]{0,38}[a-z0-9]")

# Text that has broken, or could break, a YAML reader or a rule.
TOKENS = [
    "\n", " ", "  ", "\t", "\r", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "'", '"', "#", "|\n", ">\n",
    "&a ", "*a", "&a [x, *a]", "!!int ", "!!float ", "!!bool ", "!!str ", "!!null ", "!!map ", "!!seq ",
    "!!binary ", "!!timestamp ", "!!set ", "!custom ", "!!python/object:os.system ", "<<: ", "? ", "---\n", "...\n",
    "%YAML 1.1\n", "0x13", "0o17", "010", "0b101", ".nan", ".inf", "-.inf", "yes", "no", "on", "off", "~", "null",
    "24:00", "1:30:00", "1_000", "1e400", "1.0e+400", "-0", "+1", "24.0", "9" * 5000, "\\n", "\\ud800", "\\x00",
    "\\t", "\x00", "\x85", "\u2028", "\ufeff", "\x1b[31m", "é", "💥", "${x}", "%{x}", "$${x}", "a" * 1100,
    "[" * 40, "{a: " * 30, "- " * 30, "0.0.0.0/0", "10.2.0.0/16\\n", "use1-az1", "use1-az99", "us-east-1z",
    "aws:x", "Name", "s3", "ecr.dkr", "read-write", "*", "ab*", "retention_days: 7", "subnet_prefix: 28",
    "subnets: {us-east-1a: 10.2.0.0/28, us-east-1b: 10.2.0.0/28}", "flow_logs: false", "tags: {a: b}",
]


@st.composite
def mutated_text(draw) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line", "swap-lines", "truncate"]))
        at = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=8)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "replace":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at + draw(st.integers(1, 12)):]
        elif op == "truncate":
            text = text[:at]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == "duplicate-line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # and sometimes a byte that is not UTF-8, or a cut multi-byte character
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe9", b"\xef\xbb\xbf", b"\x00"])) + raw[at:]
    return raw


STRINGS = ["", " ", "\n", "ds-team\n", "10.2.0.0/16\n", "10.2.0.0/16", "10.2.3.0/16", "0.0.0.0/28",
           "255.255.255.240/28", "10.2.0.0/29", "us-east-1a", "us-east-1z", "use1-az1", "use1-az7",
           "use1-az0", "usw2-az1", "cn-north-1", "us-gov-west-1", "us-east-9", "s3", "dynamodb", "ecr.dkr",
           "sagemaker.notebook", "codecommit", "read", "write", "read-write", "ab*", "abc*", "a..b",
           "192.168.1.1", "xn--abc", "aws:team", "Name", "${aws_vpc.main.id}", "%{ if true }x%{ endif }",
           "\ud800", "\x00", "é", "a" * 300]
SCALARS = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70) | st.integers(0, 40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(STRINGS) | st.text(max_size=12))
KEYS = st.sampled_from(["netspec", "name", "region", "cidr", "azs", "subnets", "subnet_prefix", "services",
                        "buckets", "tags", "flow_logs", "retention_days", "access", "us-east-1a", "x"]) | st.text(max_size=6)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=8)


def _mutate(draw, node, depth: int = 0):
    """`node` with one descendant (perhaps itself) replaced, removed, duplicated or given company."""
    if depth < 4 and isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        copy = dict(node) if isinstance(node, dict) else list(node)
        op = draw(st.sampled_from(["descend", "descend", "remove", "duplicate", "add"]))
        if op == "descend":
            copy[key] = _mutate(draw, node[key], depth + 1)
        elif op == "remove":
            del copy[key]
        elif op == "duplicate" and isinstance(copy, list):
            copy.append(copy[key])
        else:
            new = draw(KEYS) if isinstance(copy, dict) else len(copy)
            if isinstance(copy, dict):
                copy[new] = draw(VALUES)
            else:
                copy.append(draw(VALUES))
        return copy
    return draw(VALUES)


@st.composite
def mutated_structure(draw) -> bytes:
    data = yaml.safe_load(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(draw, data)
    if draw(st.booleans()):
        text = json.dumps(data, ensure_ascii=draw(st.booleans()), sort_keys=draw(st.booleans()))
    else:
        text = yaml.safe_dump(data, sort_keys=draw(st.booleans()), default_flow_style=draw(st.sampled_from([False, None])),
                              allow_unicode=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


def _sound(raw: bytes) -> Result:
    """Compile twice and check what must hold for any input whatsoever."""
    result = compile_bytes(raw, "fuzz.yaml")
    again = compile_bytes(raw, "fuzz.yaml")
    assert (result.findings, result.files) == (again.findings, again.files), "deterministic"
    for finding in result.findings:
        assert finding.code in CODES and finding.location.line >= 1 and finding.location.col >= 1
        assert finding.message and finding.hint
        assert len(finding.message) <= MAX_MESSAGE_CHARS + 40, "long values are shortened"
    shown = cap_per_file(list(result.findings))
    for report in REPORTS.values():
        report.render(shown, Summary(1)).encode("utf-8")  # strict: nothing unprintable reaches a stream
    if not result.ok:
        assert result.files == {}
        return result
    network = result.network
    assert network is not None and NAME.fullmatch(network.name)
    cidrs = [s.cidr for s in network.subnets]
    assert all(c.subnet_of(network.cidr) for c in cidrs), "subnets inside the VPC"
    assert not any(a.overlaps(b) for a, b in combinations(cidrs, 2)), "subnets disjoint"
    digest = hashlib.sha256(raw.removeprefix(b"\xef\xbb\xbf")).hexdigest()
    for name, text in result.files.items():
        document = json.loads(text)
        assert digest in document["//"], f"{name} names the spec's hash"
        assert not any("\n" in s for s in _strings(document)), "no value of the module holds a newline"
    # What the other commands make of a compiled spec: the graph, a diff (HCL: below, it is slower).
    assert graph.mermaid(network).startswith("flowchart")
    for fmt in specdiff.DiffFormat:
        specdiff.render(specdiff.DiffReport("base", (specdiff.diff_networks(None, network, "fuzz.yaml"),), ()), fmt)
    return result


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@budget(2000)
@given(mutated_text())
def test_mutated_text_never_crashes(raw):
    _sound(raw)


@budget(1200)
@given(mutated_structure())
def test_mutated_structure_never_crashes(raw):
    _sound(raw)


# --- valid specs ------------------------------------------------------------------

REGIONS = sorted(regions.REGIONS.values(), key=lambda r: r.name)
LOWER, DIGITS = "abcdefghijklmnopqrstuvwxyz", "0123456789"
TAG_CHARS = LOWER + LOWER.upper() + DIGITS + " _.:/=+@-"


def _word(first: str, middle: str, last: str, most: int, least: int = 0) -> st.SearchStrategy[str]:
    """first char, `least` to `most` middle chars, last char: cheaper for hypothesis than from_regex."""
    return st.builds(lambda a, b, c: a + b + c, st.sampled_from(first), st.text(middle, min_size=least, max_size=most),
                     st.sampled_from(last))


NAME_STRATEGY = _word(LOWER, LOWER + DIGITS + "-", LOWER + DIGITS, 38)
MODERN_BUCKET = _word(LOWER + DIGITS, LOWER + DIGITS + ".-", LOWER + DIGITS, 30, least=1)
LEGACY_BUCKET = _word(LOWER + LOWER.upper() + DIGITS, LOWER + LOWER.upper() + DIGITS + "._-", LOWER + DIGITS, 30, least=1)
TAG_KEY = st.builds(lambda a, b: a + b, st.sampled_from(LOWER + LOWER.upper()), st.text(TAG_CHARS, max_size=20)).filter(
    lambda k: not k.lower().startswith("aws:") and k not in RESERVED_KEYS)
TAG_VALUE = st.text(TAG_CHARS, max_size=30)
RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
ACCOUNT = st.text(DIGITS, min_size=12, max_size=12)
DOMAIN = st.builds(lambda wild, labels: wild + ".".join(labels), st.sampled_from(["", "*."]),
                   st.lists(_word(LOWER + DIGITS, LOWER + DIGITS + "-", LOWER + DIGITS, 10), min_size=2, max_size=4))


def _bucket(draw, region: regions.Region) -> dict:
    """A valid bucket entry: modern names anywhere, legacy ones (a warning) in us-east-1."""
    legacy = region.name == "us-east-1" and draw(st.booleans())
    name = draw(LEGACY_BUCKET if legacy else MODERN_BUCKET)
    wildcard = len(name) >= MIN_WILDCARD_PREFIX and draw(st.booleans())
    assume(bucket_name_problem(name, legacy=legacy) is None)
    entry = {"name": name + ("*" if wildcard else ""), "access": draw(st.sampled_from(["read", "write", "read-write"]))}
    if (wildcard and entry["access"] != "read") or draw(st.booleans()):  # NS236: a writable wildcard names its owner
        entry["account"] = draw(ACCOUNT)
    return entry


def _services(draw, region: regions.Region, zones: list[str], *, needed: bool) -> list:
    """Catalog services of the region's partition, some placed in fewer zones, and an own service or two."""
    available = sorted(s.key for s in catalog.SERVICES.values() if catalog.available_in(s, region))
    keys = draw(st.lists(st.sampled_from(available), min_size=1 if needed else 0, max_size=12, unique=True))
    if "ecr.dkr" in keys and "s3" not in keys:
        keys.append("s3")
    entries: list = []
    for key in keys:
        interface = catalog.SERVICES[key].endpoint_type is catalog.EndpointType.INTERFACE
        if interface and draw(st.integers(0, 4)) == 0:
            entries.append({"name": key, "zones": draw(st.lists(st.sampled_from(zones), min_size=1, unique=True))})
        else:
            entries.append(key)
    for i in range(draw(st.integers(0, 2))):
        own = {"name": f"own-{i}", "service_name": f"com.amazonaws.vpce.{region.name}.vpce-svc-"
               + draw(st.text("0123456789abcdef", min_size=17, max_size=17))}
        for option in ("private_dns", "accepts_policy"):
            if draw(st.booleans()):
                own[option] = draw(st.booleans())
        if draw(st.booleans()):
            own["zones"] = draw(st.lists(st.sampled_from(zones), min_size=1, unique=True))
        entries.append(own)
    return entries


@st.composite
def valid_spec(draw, least_zones: int = 2, modes: tuple[str, ...] = ("computed", "prefix", "explicit")) -> dict:
    """A spec that must compile: every key of the language, within what the rules accept."""
    region = draw(st.sampled_from(REGIONS))
    if draw(st.booleans()):
        pool = [f"{region.zone_id_prefix}-az{n}" for n in range(1, region.zone_id_count + 1)]
    else:
        pool = [f"{region.name}{letter}" for letter in region.zone_letters]
    zones = draw(st.lists(st.sampled_from(pool), min_size=least_zones, max_size=min(8, len(pool)), unique=True))
    vpc = ipaddress.IPv4Network((draw(st.integers(0, 2 ** 32 - 1)), draw(st.integers(16, 20))), strict=False)
    spec: dict = {"netspec": 1, "name": draw(NAME_STRATEGY), "region": region.name, "cidr": str(vpc), "azs": zones}
    chosen = draw(st.lists(st.sampled_from(sorted(workloads.PROFILES)), max_size=4, unique=True))
    if chosen:
        spec["workloads"] = chosen
    services = _services(draw, region, zones, needed=not chosen)
    if services or not chosen:
        spec["services"] = services
    if "s3" in gather(spec, region).keys():
        spec["buckets"] = [_bucket(draw, region) for _ in range(draw(st.integers(1, 4)))]
        assume(len({b["name"] for b in spec["buckets"]}) == len(spec["buckets"]))
    slots = [regions.zone_slot(region, z) for z in zones]
    mode = draw(st.sampled_from(modes))
    if mode == "prefix":
        least = vpc.prefixlen + max(1, max(slots).bit_length())
        spec["subnet_prefix"] = draw(st.integers(least, max(least, 24)))
    elif mode == "explicit":
        size = draw(st.integers(vpc.prefixlen + max(1, (len(zones) - 1).bit_length()), 24))
        blocks = list(vpc.subnets(new_prefix=size))
        picks = draw(st.lists(st.integers(0, len(blocks) - 1), min_size=len(zones), max_size=len(zones), unique=True))
        spec["subnets"] = {z: str(blocks[i]) for z, i in zip(zones, picks)}
    partition = region.partition
    if draw(st.booleans()):
        perimeter: dict = {}
        if draw(st.booleans()):
            perimeter["org_id"] = "o-" + draw(st.text(LOWER + DIGITS, min_size=10, max_size=32))
        if not perimeter or draw(st.booleans()):
            perimeter["accounts"] = draw(st.lists(ACCOUNT, min_size=1, max_size=3, unique=True))
        spec["perimeter"] = perimeter
    if "buckets" in spec and draw(st.booleans()):
        spec["bucket_policy"] = {"exceptions": [f"arn:{partition}:iam::{draw(ACCOUNT)}:role/{draw(NAME_STRATEGY)}"]}
    if draw(st.booleans()):
        spec["tags"] = draw(st.dictionaries(TAG_KEY, TAG_VALUE, max_size=5))
    flow = draw(st.sampled_from(["absent", True, False, "options"]))
    if flow == "options":
        options: dict = {"retention_days": draw(st.sampled_from(RETENTION))}
        if draw(st.booleans()):
            options["kms_key"] = (f"arn:{partition}:kms:{region.name}:{draw(ACCOUNT)}:key/"
                                  "1234abcd-12ab-34cd-56ef-1234567890ab")
        spec["flow_logs"] = options
    elif flow != "absent":
        spec["flow_logs"] = flow
    dns = draw(st.sampled_from(["absent", "logs", "firewall"]))
    if dns == "logs":
        spec["dns"] = {"query_logs": draw(st.booleans())}
    elif dns == "firewall":
        spec["dns"] = {"firewall": draw(st.booleans() | st.builds(
            lambda allow, mode: {"allow": allow, "mode": mode},
            st.lists(DOMAIN, min_size=1, max_size=3, unique=True), st.sampled_from(["block", "alert"])))}
    return spec


def _text(spec: dict, style: int) -> bytes:
    if style == 0:
        return json.dumps(spec).encode()
    return yaml.safe_dump(spec, sort_keys=False, default_flow_style=None if style == 1 else False).encode()


@budget(600)
@given(valid_spec(), st.integers(0, 2))
def test_generated_valid_specs_compile(spec, style):
    result = _sound(_text(spec, style))
    assert result.ok, [(f.code, f.message) for f in result.findings]
    assert all(not f.is_error for f in result.findings)
    network = result.network
    assert network is not None and [s.zone for s in network.subnets] == spec["azs"]
    if "subnets" in spec:
        assert {s.zone: str(s.cidr) for s in network.subnets} == spec["subnets"]
    assert {"versions.tf.json", "vpc.tf.json", "endpoints.tf.json"} <= set(result.files)


def _without_zone(spec: dict, gone: str) -> dict:
    """The spec with one zone removed, from `azs` and from every service placed in it."""
    services = []
    for entry in spec.get("services", []):
        if isinstance(entry, dict) and "zones" in entry:
            entry = {**entry, "zones": [z for z in entry["zones"] if z != gone]}
            if not entry["zones"]:
                entry.pop("zones")
        services.append(entry)
    return {**spec, "azs": [z for z in spec["azs"] if z != gone], **({"services": services} if "services" in spec else {})}


@budget(150)
@given(valid_spec(least_zones=3, modes=("computed", "prefix")), st.data())
def test_removing_a_zone_moves_no_other_subnet(spec, data):
    before = _sound(_text(spec, 1)).network
    gone = data.draw(st.sampled_from(spec["azs"]))
    after = _sound(_text(_without_zone(spec, gone), 1)).network
    assert before is not None and after is not None
    kept = {s.zone: s.cidr for s in before.subnets if s.zone != gone}
    assert {s.zone: s.cidr for s in after.subnets} == kept


@budget(30, share=0.05)  # python-hcl2 parses each file back: about 0.1 s per module
@given(valid_spec(), st.integers(0, 2))
def test_generated_valid_specs_convert_to_hcl(spec, style):
    result = _sound(_text(spec, style))
    assert set(to_hcl(result.files)) == {name.removesuffix(".json") for name in result.files}
