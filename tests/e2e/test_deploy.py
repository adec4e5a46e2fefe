"""End to end: every example deploys to the emulator, reads back secure, has no drift, and destroys.

The deployments run once per session (see conftest.py); these tests assert on what they
recorded. Deployed state is read with boto3 from the emulator, never from our JSON.
"""

from __future__ import annotations

import json

import pytest
import yaml

from netspec import catalog, regions, workloads
from netspec.build import DEFAULT_RETENTION_DAYS

from .deploy import compile_spec, prepare
from .emulator import EMULATED_SERVICES, write_override
from .plans import drift, summarize
from .runs import EVOLUTION_NEW_SERVICE, EVOLUTION_NEW_ZONE, EXAMPLES, Deployment, Evolution, log_group_name
from .state import (EndpointExpectations, ExpectedEndpoint, check_adopted_defaults, check_endpoints, check_flow_logs,
                    check_no_internet_path, check_security_groups, check_subnets)

pytestmark = pytest.mark.e2e

NAMES = [spec.stem for spec in EXAMPLES]


def applied(deployments: dict[str, Deployment], name: str) -> Deployment:
    """The deployment, failing with terraform's own message when it did not apply."""
    record = deployments[name]
    assert record.error is None, record.error
    assert record.apply is not None and record.apply.name == "apply" and record.apply.returncode == 0, \
        record.apply.describe() if record.apply else "never applied"
    assert record.state is not None and record.outputs is not None
    return record


def _profiles(spec: dict) -> list[workloads.Profile]:
    """The spec's workload profiles and those they include (from the profile table, not the compiler)."""
    found: dict[str, workloads.Profile] = {}
    pending = list(spec.get("workloads", []))
    while pending:
        key = pending.pop(0)
        if key not in found:
            found[key] = workloads.PROFILES[key]
            pending += list(found[key].includes)
    return list(found.values())


def _listed_services(spec: dict) -> dict[str, list[str] | None]:
    """Service names the spec lists, with the zones a mapping gives (None: every zone)."""
    listed: dict[str, list[str] | None] = {}
    for entry in spec.get("services", []):
        name, zones = (entry, None) if isinstance(entry, str) else (entry["name"], entry.get("zones"))
        listed[name] = zones
    return listed


def expected_endpoints(spec: dict) -> list[ExpectedEndpoint]:
    region = regions.region(spec["region"])
    assert region is not None
    keys = dict(_listed_services(spec))
    for profile in _profiles(spec):
        for key, _ in profile.services:
            keys.setdefault(key, None)
    found = []
    for key, zones in keys.items():
        service = catalog.SERVICES[key]
        found.append(ExpectedEndpoint(key, catalog.endpoint_service_name(service, region),
                                      service.endpoint_type is catalog.EndpointType.GATEWAY,
                                      service.accepts_policy, tuple(zones or spec["azs"])))
    return found


def expected_s3_resources(spec: dict) -> set[str]:
    """Written out from the spec, independently of the compiler: each bucket and its objects."""
    resources = set()
    for bucket in spec.get("buckets", []):
        resources |= {f"arn:aws:s3:::{bucket['name']}", f"arn:aws:s3:::{bucket['name']}/*"}
    if any(e.key == "ecr.dkr" for e in expected_endpoints(spec)):
        # Image layers are served from an AWS-owned bucket through the S3 gateway.
        resources.add(f"arn:aws:s3:::prod-{spec['region']}-starport-layer-bucket/*")
    if any(p.key == "jumpstart" for p in _profiles(spec)):
        # JumpStart's models come from an AWS-owned bucket (SageMaker guide, JumpStart in a VPC).
        bucket = f"arn:aws:s3:::jumpstart-cache-prod-{spec['region']}"
        resources |= {bucket, f"{bucket}/*"}
    return resources


def expected_group_traffic(spec: dict) -> list[tuple[str, int, int]]:
    """(protocol, from, to) allowed between members of the workload group, in both directions."""
    profiles = _profiles(spec)
    if not profiles or any(key == "all" for p in profiles for key, _ in p.traffic):
        return [("-1", -1, -1)]  # no workloads: netspec 1.0's rule; training/processing: all traffic
    kinds = {key for p in profiles for key, _ in p.traffic}
    return sorted(("tcp", *workloads.TRAFFIC[k].ports) for k in kinds)


# --- the emulator wiring itself -----------------------------------------------------------------


def test_missing_endpoint_fails_instead_of_reaching_aws(emulator, e2e_env, tmp_path):
    """With sts left out of the override, the provider tries the real STS URL and the dead proxy stops it."""
    spec = EXAMPLES[0]
    text = spec.read_text()
    region = str(yaml.safe_load(text)["region"])
    work = prepare(tmp_path, compile_spec(text, spec.name), e2e_env, emulator.url, region)
    write_override(tmp_path, emulator.url, region, tuple(s for s in EMULATED_SERVICES if s != "sts"))
    assert work.init().returncode == 0, work.steps[-1].describe()
    plan = work.tf("plan", "-input=false", timeout=120)
    output = plan.stdout + plan.stderr
    assert plan.returncode != 0, "planning without an sts endpoint succeeded: a call went somewhere"
    assert f"sts.{region}.amazonaws.com" in output, output[-2000:]  # it named the real endpoint ...
    assert "127.0.0.1:9" in output and "refused" in output, output[-2000:]  # ... and the proxy refused it
    assert plan.seconds < 60, f"took {plan.seconds:.0f}s: max_retries is not limiting the retries"


# --- lifecycle per example ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_apply_succeeds(deployments, name):
    applied(deployments, name)


@pytest.mark.parametrize("name", NAMES)
def test_replan_shows_no_drift(deployments, name):
    record = applied(deployments, name)
    assert record.replan is not None and record.replan_json is not None, \
        record.replan.describe() if record.replan else "no re-plan"
    # Exit code 2 is expected on stock moto: the tolerated description quirk is a planned update.
    assert record.replan.returncode in (0, 2), record.replan.describe()
    problems = drift(record.replan_json)
    assert not problems, "drift right after apply:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_destroy_succeeds_and_leaves_nothing(deployments, name):
    record = applied(deployments, name)
    assert record.destroy is not None and record.destroy.returncode == 0, \
        record.destroy.describe() if record.destroy else "never destroyed"
    assert not record.leftovers, record.leftovers


# --- deployed state, read back with boto3 ---------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_vpc_resolves_private_dns(deployments, name):
    state = applied(deployments, name).state
    assert state.dns_support is True and state.dns_hostnames is True
    assert state.vpc["CidrBlock"] == deployments[name].spec["cidr"]


@pytest.mark.parametrize("name", NAMES)
def test_no_path_to_the_internet(deployments, name):
    problems = check_no_internet_path(applied(deployments, name).state)
    assert not problems, problems


@pytest.mark.parametrize("name", NAMES)
def test_main_route_table_and_default_acl_are_locked(deployments, name):
    record = applied(deployments, name)
    gateways = any(e.gateway for e in expected_endpoints(record.spec))
    problems = check_adopted_defaults(record.state, record.spec["cidr"], gateways)
    assert not problems, problems


@pytest.mark.parametrize("name", NAMES)
def test_one_private_subnet_per_zone(deployments, name):
    record = applied(deployments, name)
    cidrs = record.outputs["subnet_cidrs"]
    assert sorted(cidrs) == sorted(record.spec["azs"])
    problems = check_subnets(record.state, cidrs)
    assert not problems, problems


@pytest.mark.parametrize("name", NAMES)
def test_security_groups_hold_exactly_the_intended_rules(deployments, name):
    record = applied(deployments, name)
    wanted = expected_endpoints(record.spec)
    problems = check_security_groups(
        record.state, str(record.outputs["workload_security_group_id"]),
        str(record.outputs["endpoints_security_group_id"]),
        [e.service_name for e in wanted if e.gateway], any(not e.gateway for e in wanted),
        expected_group_traffic(record.spec))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_endpoints_match_the_spec(deployments, name):
    record = applied(deployments, name)
    want = EndpointExpectations(
        endpoints=expected_endpoints(record.spec),
        subnet_ids=dict(record.outputs["subnet_ids"]),
        route_table_ids=set(record.outputs["route_table_ids"].values()),
        endpoints_group=str(record.outputs["endpoints_security_group_id"]),
        s3_resources=expected_s3_resources(record.spec))
    # Every subnet's own route table is one the gateway endpoints must serve.
    associated = {a["RouteTableId"] for t in record.state.route_tables for a in t["Associations"] if a.get("SubnetId")}
    assert associated == want.route_table_ids
    problems = check_endpoints(record.state, want)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_flow_logs_reach_their_log_group(deployments, name):
    record = applied(deployments, name)
    retention = (record.spec.get("flow_logs") or {}).get("retention_days", DEFAULT_RETENTION_DAYS)
    problems = check_flow_logs(record.state, log_group_name(record.spec), retention)
    assert not problems, problems


@pytest.mark.parametrize("name", NAMES)
def test_lookup_outputs_match_what_was_deployed(deployments, name):
    """subnet_id_list, vpc_cidr_block, endpoint_dns_entries and flow_log_group_arn, read back from the emulator."""
    record = applied(deployments, name)
    outputs, state = record.outputs, record.state
    assert outputs["subnet_id_list"] == [outputs["subnet_ids"][zone] for zone in record.spec["azs"]]
    assert outputs["vpc_cidr_block"] == record.spec["cidr"] == state.vpc["CidrBlock"]
    interface = {e.key: e.service_name for e in expected_endpoints(record.spec) if not e.gateway}
    entries = outputs["endpoint_dns_entries"]
    assert set(entries) == set(interface)
    deployed = {e["ServiceName"]: e for e in state.endpoints}
    for key, service_name in interface.items():
        names = sorted(d["dns_name"] for d in entries[key])
        assert names == sorted(d["DnsName"] for d in deployed[service_name].get("DnsEntries", [])), key
    (group,) = [g for g in state.log_groups if g["logGroupName"] == log_group_name(record.spec)]
    assert outputs["flow_log_group_arn"] in (group["arn"], group["arn"].removesuffix(":*"),
                                             group.get("logGroupArn"))


# --- evolution ----------------------------------------------------------------------------------


def evolution_applied(evolution: Evolution) -> Evolution:
    assert evolution.error is None, evolution.error
    assert evolution.apply is not None and evolution.apply.name == "apply" and evolution.apply.returncode == 0, \
        evolution.apply.describe() if evolution.apply else "never applied"
    return evolution


def test_adding_a_zone_and_a_service_only_adds(evolution):
    record = evolution_applied(evolution)
    assert record.grow_json is not None, record.grow_plan.describe() if record.grow_plan else "no plan"
    plan = summarize(record.grow_json)
    assert not plan.deletes and not plan.replaces and not plan.other, (plan.deletes, plan.replaces, plan.other)
    zone = EVOLUTION_NEW_ZONE.replace("-", "_")
    service = EVOLUTION_NEW_SERVICE.replace(".", "_")
    assert sorted(plan.creates) == sorted([f"aws_subnet.private_{zone}", f"aws_route_table.private_{zone}",
                                           f"aws_route_table_association.private_{zone}",
                                           f"aws_vpc_endpoint.{service}"])
    # Existing endpoints grow in place: interface ones get the new subnet, gateways the new table.
    updates = {address: sorted(item.attribute for item in items) for address, items in plan.updates.items()}
    assert updates == {"aws_vpc_endpoint.s3": ["route_table_ids"],
                       "aws_vpc_endpoint.sts": ["subnet_ids"],
                       "aws_vpc_endpoint.logs": ["subnet_ids"],
                       "aws_default_network_acl.default": ["subnet_ids"]}, updates  # the new subnet joins it


def test_narrowing_bucket_access_updates_only_the_s3_policy(evolution):
    record = evolution_applied(evolution)
    assert record.narrow_json is not None, record.narrow_plan.describe() if record.narrow_plan else "no plan"
    plan = summarize(record.narrow_json)
    assert not (plan.creates or plan.deletes or plan.replaces or plan.other), plan
    updates = {address: [item.attribute for item in items] for address, items in plan.updates.items()}
    assert updates == {"aws_vpc_endpoint.s3": ["policy"]}, updates
    (change,) = plan.updates["aws_vpc_endpoint.s3"]
    before, after = json.loads(change.before), json.loads(change.after)
    assert "s3:PutObject" in json.dumps(before) and "s3:PutObject" not in json.dumps(after)


def test_base_of_the_evolution_destroys_after_planning(evolution):
    """The evolved plans were never applied (stock moto cannot destroy after them), so this destroys v1."""
    record = evolution_applied(evolution)
    assert record.destroy is not None and record.destroy.returncode == 0, \
        record.destroy.describe() if record.destroy else "never destroyed"
    assert not record.leftovers, record.leftovers


# --- the drift gate itself (no emulator needed) -------------------------------------------------


def _update(rtype: str, name: str, before: dict, after: dict, unknown: dict | None = None) -> dict:
    return {"address": f"{rtype}.{name}", "type": rtype,
            "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": unknown or {}}}


@pytest.mark.parametrize("change, expected", [
    # tolerated: the emulator dropped the description of a rule that references a group
    (_update("aws_vpc_security_group_ingress_rule", "a", {"description": None}, {"description": "HTTPS"}), []),
    (_update("aws_vpc_security_group_egress_rule", "b", {"referenced_security_group_id": "123456789012/sg-1"},
             {"referenced_security_group_id": "sg-1"}), []),
    # real drift: a changed description, another group, another attribute, another resource type
    (_update("aws_vpc_security_group_ingress_rule", "a", {"description": "old"}, {"description": "new"}),
     ["update aws_vpc_security_group_ingress_rule.a.description: 'old' -> 'new'"]),
    (_update("aws_vpc_security_group_egress_rule", "b", {"referenced_security_group_id": "123456789012/sg-1"},
             {"referenced_security_group_id": "sg-2"}),
     ["update aws_vpc_security_group_egress_rule.b.referenced_security_group_id: '123456789012/sg-1' -> 'sg-2'"]),
    (_update("aws_vpc_security_group_ingress_rule", "a", {"from_port": 443}, {"from_port": 22}),
     ["update aws_vpc_security_group_ingress_rule.a.from_port: 443 -> 22"]),
    (_update("aws_security_group", "w", {"description": None}, {"description": "x"}),
     ["update aws_security_group.w.description: None -> 'x'"]),
    (_update("aws_vpc_endpoint", "s3", {"route_table_ids": ["rtb-1"]}, {"route_table_ids": None},
             {"route_table_ids": True}),
     ["update aws_vpc_endpoint.s3.route_table_ids: ['rtb-1'] -> (known after apply)"]),
    ({"address": "aws_vpc.main", "type": "aws_vpc", "change": {"actions": ["delete", "create"]}},
     ["replace aws_vpc.main"]),
])
def test_drift_gate_tolerates_only_the_listed_emulator_quirks(change, expected):
    assert drift({"resource_changes": [change]}) == expected
