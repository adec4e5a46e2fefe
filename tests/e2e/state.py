"""What is deployed in the emulator, read back with boto3, and the checks on it.

The snapshot is taken right after `apply` (the suite destroys afterwards), from the
emulator's API only: the compiled JSON is never read here. Each check returns a list of
problems so a test can show all of them at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .emulator import ACCOUNT_ID, Emulator

LOCAL_TARGET = "local"


@dataclass
class Deployed:
    vpc_id: str
    vpc: dict
    dns_support: bool
    dns_hostnames: bool
    internet_gateways: list[dict]
    nat_gateways: list[dict]
    egress_only_gateways: list[dict]
    subnets: list[dict]
    route_tables: list[dict]
    security_groups: list[dict]
    rules: dict[str, list[dict]]  # group id -> describe_security_group_rules
    endpoints: list[dict]
    prefix_lists: dict[str, str]  # prefix list name (a service name) -> id
    flow_logs: list[dict]
    log_groups: list[dict]
    network_acls: list[dict] = field(default_factory=list)
    keys: dict[str, dict] = field(default_factory=dict)  # KMS key ARN of a log group -> its metadata and rotation


def _by_vpc(vpc_id: str) -> list[dict]:
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


def collect(emulator: Emulator, region: str, vpc_id: str, log_group: str) -> Deployed:
    ec2 = emulator.client("ec2", region)
    logs = emulator.client("logs", region)
    groups = ec2.describe_security_groups(Filters=_by_vpc(vpc_id))["SecurityGroups"]
    # Egress-only gateways cannot be filtered by VPC everywhere: filter the attachments here.
    eigws = [g for g in ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]
             if any(a.get("VpcId") == vpc_id for a in g.get("Attachments", []))]
    return Deployed(
        vpc_id=vpc_id,
        vpc=ec2.describe_vpcs(Filters=_by_vpc(vpc_id))["Vpcs"][0],
        dns_support=ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"],
        dns_hostnames=ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"],
        internet_gateways=ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"],
        nat_gateways=ec2.describe_nat_gateways(Filters=_by_vpc(vpc_id))["NatGateways"],
        egress_only_gateways=eigws,
        subnets=ec2.describe_subnets(Filters=_by_vpc(vpc_id))["Subnets"],
        route_tables=ec2.describe_route_tables(Filters=_by_vpc(vpc_id))["RouteTables"],
        security_groups=groups,
        rules={g["GroupId"]: ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [g["GroupId"]]}])["SecurityGroupRules"] for g in groups},
        endpoints=ec2.describe_vpc_endpoints(Filters=_by_vpc(vpc_id))["VpcEndpoints"],
        prefix_lists={p["PrefixListName"]: p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"]},
        flow_logs=ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"],
        log_groups=[g for g in logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"]
                    if g["logGroupName"] == log_group],
        network_acls=ec2.describe_network_acls(Filters=_by_vpc(vpc_id))["NetworkAcls"],
        keys=_keys(emulator, region, logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"]),
    )


def _keys(emulator: Emulator, region: str, groups: list[dict]) -> dict[str, dict]:
    kms = emulator.client("kms", region)
    found = {}
    for group in groups:
        arn = group.get("kmsKeyId")
        if arn and arn not in found:
            found[arn] = {**kms.describe_key(KeyId=arn)["KeyMetadata"],
                          "rotation": kms.get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"],
                          "policy": json.loads(kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])}
    return found


def leftovers(emulator: Emulator, region: str, vpc_id: str, log_group: str, role: str) -> list[str]:
    """What a destroy left behind of one deployment."""
    found = []
    ec2 = emulator.client("ec2", region)
    if ec2.describe_vpcs(Filters=_by_vpc(vpc_id))["Vpcs"]:
        found.append(f"VPC {vpc_id}")
    found += [f"endpoint {e['VpcEndpointId']}" for e in ec2.describe_vpc_endpoints(Filters=_by_vpc(vpc_id))["VpcEndpoints"]
              if e.get("State") != "deleted"]
    logs = emulator.client("logs", region)
    found += [f"log group {g['logGroupName']}" for g in logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"]]
    iam = emulator.client("iam", region)
    found += [f"IAM role {r['RoleName']}" for r in iam.list_roles()["Roles"] if r["RoleName"] == role]
    return found


# --- checks ---------------------------------------------------------------------------------


def check_no_internet_path(d: Deployed) -> list[str]:
    problems = [f"internet gateway {g['InternetGatewayId']} attached" for g in d.internet_gateways]
    problems += [f"NAT gateway {g['NatGatewayId']} ({g.get('State')})" for g in d.nat_gateways if g.get("State") != "deleted"]
    problems += [f"egress-only gateway {g['EgressOnlyInternetGatewayId']}" for g in d.egress_only_gateways]
    cidr = d.vpc["CidrBlock"]
    for table in d.route_tables:
        for route in table["Routes"]:
            if route.get("DestinationCidrBlock") == cidr and route.get("GatewayId") == LOCAL_TARGET:
                continue  # the VPC's own range
            targets = {k for k in route if k.endswith("Id") and not k.startswith("Destination")}
            if (route.get("DestinationPrefixListId", "").startswith("pl-") and targets == {"GatewayId"}
                    and route["GatewayId"].startswith("vpce-")):
                continue  # a gateway endpoint: AWS-service prefix list -> vpce-
            problems.append(f"route table {table['RouteTableId']} has route {route}")
    return problems


def check_subnets(d: Deployed, cidr_by_zone: dict[str, str]) -> list[str]:
    problems = [f"subnet {s['SubnetId']} maps public IPs" for s in d.subnets if s.get("MapPublicIpOnLaunch")]
    problems += [f"subnet {s['SubnetId']} assigns IPv6 addresses" for s in d.subnets if s.get("AssignIpv6AddressOnCreation")]
    if len(d.subnets) != len(cidr_by_zone):
        problems.append(f"{len(d.subnets)} subnets in the VPC, spec has {len(cidr_by_zone)} zones")
    for zone, cidr in cidr_by_zone.items():
        # A spec zone is a zone name or a zone ID; the subnet carries both.
        matching = [s for s in d.subnets if zone in (s.get("AvailabilityZone"), s.get("AvailabilityZoneId"))]
        if [s["CidrBlock"] for s in matching] != [cidr]:
            problems.append(f"zone {zone}: expected one subnet {cidr}, found {[s['CidrBlock'] for s in matching]}")
    return problems


def default_group(d: Deployed) -> dict:
    return next(g for g in d.security_groups if g["GroupName"] == "default")


Rule = tuple[str, str, int, int, str]  # direction, protocol, from, to, peer ("sg:<id>" / "pl:<id>" / "cidr:<range>")


def normalized_rules(rules: list[dict]) -> list[Rule]:
    found = []
    for rule in rules:
        if "ReferencedGroupInfo" in rule:
            peer = f"sg:{rule['ReferencedGroupInfo']['GroupId']}"
        elif rule.get("PrefixListId"):
            peer = f"pl:{rule['PrefixListId']}"
        else:
            peer = f"cidr:{rule.get('CidrIpv4') or rule.get('CidrIpv6')}"
        protocol = rule["IpProtocol"]
        ports = (-1, -1) if protocol == "-1" else (rule["FromPort"], rule["ToPort"])
        found.append(("egress" if rule["IsEgress"] else "ingress", protocol, *ports, peer))
    return sorted(found)


def check_security_groups(d: Deployed, workload: str, endpoints: str, gateway_services: list[str],
                          has_interface_endpoints: bool, group_traffic: list[tuple[str, int, int]]) -> list[str]:
    problems = []
    for group_id, rules in d.rules.items():
        problems += [f"{group_id} has a CIDR rule {r}" for r in normalized_rules(rules) if r[4].startswith("cidr:")]
    default = default_group(d)
    if d.rules[default["GroupId"]]:
        problems.append(f"default group {default['GroupId']} has rules {normalized_rules(d.rules[default['GroupId']])}")
    expected_workload: list[Rule] = [(direction, protocol, low, high, f"sg:{workload}")
                                     for protocol, low, high in group_traffic for direction in ("ingress", "egress")]
    if has_interface_endpoints:
        expected_workload.append(("egress", "tcp", 443, 443, f"sg:{endpoints}"))
    for service_name in gateway_services:
        prefix_list = d.prefix_lists.get(service_name)
        if prefix_list is None:
            problems.append(f"the emulator lists no prefix list named {service_name}")
        expected_workload.append(("egress", "tcp", 443, 443, f"pl:{prefix_list}"))
    expected_endpoints: list[Rule] = [("ingress", "tcp", 443, 443, f"sg:{workload}")] if has_interface_endpoints else []
    for group_id, expected in ((workload, expected_workload), (endpoints, expected_endpoints)):
        actual = normalized_rules(d.rules.get(group_id, []))
        if actual != sorted(expected):
            problems.append(f"group {group_id}: rules {actual}, expected {sorted(expected)}")
    others = {g["GroupId"] for g in d.security_groups} - {default["GroupId"], workload, endpoints}
    problems += [f"unexpected security group {g}" for g in sorted(others)]
    return problems


def policy_document(endpoint: dict) -> dict | None:
    raw = endpoint.get("PolicyDocument")
    if raw is None:
        return None
    return json.loads(raw) if isinstance(raw, str) else raw


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def policy_resources(policy: dict) -> set[str]:
    return {r for statement in _as_list(policy["Statement"]) for r in _as_list(statement.get("Resource", []))}


def principal_accounts(policy: dict, key: str = "aws:PrincipalAccount") -> list[Any]:
    """The account each statement limits `key` to (None: not limited)."""
    return [(statement.get("Condition") or {}).get("StringEquals", {}).get(key)
            for statement in _as_list(policy["Statement"])]


@dataclass(frozen=True)
class ExpectedEndpoint:
    key: str  # the spec's service name, e.g. "sagemaker.api"
    service_name: str
    gateway: bool
    accepts_policy: bool
    zones: tuple[str, ...] = ()  # interface endpoints: the zones whose subnets hold it


@dataclass
class EndpointExpectations:
    endpoints: list[ExpectedEndpoint]
    subnet_ids: dict[str, str]  # zone -> subnet id
    route_table_ids: set[str]
    endpoints_group: str
    s3_resources: set[str] = field(default_factory=set)


def check_endpoints(d: Deployed, want: EndpointExpectations) -> list[str]:
    problems = []
    by_service: dict[str, list[dict]] = {}
    for endpoint in d.endpoints:
        by_service.setdefault(endpoint["ServiceName"], []).append(endpoint)
    expected_names = {e.service_name for e in want.endpoints}
    problems += [f"unexpected endpoint for {name}" for name in sorted(set(by_service) - expected_names)]
    for spec in want.endpoints:
        found = by_service.get(spec.service_name, [])
        if len(found) != 1:
            problems.append(f"{spec.key}: {len(found)} endpoints named {spec.service_name}")
            continue
        endpoint = found[0]
        label = f"{spec.key} ({endpoint['VpcEndpointId']})"
        kind = "Gateway" if spec.gateway else "Interface"
        if endpoint["VpcEndpointType"] != kind:
            problems.append(f"{label}: type {endpoint['VpcEndpointType']}, expected {kind}")
        if spec.gateway:
            if set(endpoint.get("RouteTableIds", [])) != want.route_table_ids:
                problems.append(f"{label}: route tables {endpoint.get('RouteTableIds')}, expected {sorted(want.route_table_ids)}")
            for table in d.route_tables:
                if table["RouteTableId"] in want.route_table_ids and not any(
                        r.get("GatewayId") == endpoint["VpcEndpointId"] for r in table["Routes"]):
                    problems.append(f"{label}: no route in {table['RouteTableId']}")
        else:
            subnets = {want.subnet_ids[zone] for zone in spec.zones}
            if set(endpoint.get("SubnetIds", [])) != subnets:
                problems.append(f"{label}: subnets {endpoint.get('SubnetIds')}, expected {sorted(subnets)}")
            if endpoint.get("PrivateDnsEnabled") is not True:
                problems.append(f"{label}: private DNS is off")
            groups = [g["GroupId"] for g in endpoint.get("Groups", [])]
            if groups != [want.endpoints_group]:
                problems.append(f"{label}: security groups {groups}, expected [{want.endpoints_group}]")
        if not spec.accepts_policy:
            continue  # AWS attaches its default full-access policy; netspec sets none
        policy = policy_document(endpoint)
        if not policy or not policy.get("Statement"):
            problems.append(f"{label}: no endpoint policy")
            continue
        if spec.key == "s3":
            if policy_resources(policy) != want.s3_resources:
                problems.append(f"{label}: policy resources {sorted(policy_resources(policy))}, "
                                f"expected {sorted(want.s3_resources)}")
        elif principal_accounts(policy) != [ACCOUNT_ID] * len(_as_list(policy["Statement"])):
            problems.append(f"{label}: policy not limited to callers of account {ACCOUNT_ID}: {policy}")
        elif principal_accounts(policy, "aws:ResourceAccount") != [ACCOUNT_ID] * len(_as_list(policy["Statement"])):
            problems.append(f"{label}: policy not limited to resources of account {ACCOUNT_ID}: {policy}")
    return problems


def check_adopted_defaults(d: Deployed, vpc_cidr: str, has_gateway_endpoints: bool) -> list[str]:
    """The main route table has only the local route; the default ACL holds exactly netspec's rules."""
    problems = []
    main = [t for t in d.route_tables if any(a.get("Main") for a in t.get("Associations", []))]
    for table in main:
        extra = [r for r in table["Routes"] if r.get("GatewayId") != LOCAL_TARGET]
        if extra:
            problems.append(f"main route table {table['RouteTableId']} has routes {extra}")
    defaults = [a for a in d.network_acls if a.get("IsDefault")]
    if len(defaults) != 1:
        return problems + [f"{len(defaults)} default network ACLs"]
    def ports(entry: dict) -> tuple[Any, Any]:  # "-1" (every protocol) has no ports, however they are shown
        return (None, None) if entry["Protocol"] == "-1" else (entry["PortRange"]["From"], entry["PortRange"]["To"])

    found = sorted(("egress" if e["Egress"] else "ingress", e["RuleNumber"], e["Protocol"], e["CidrBlock"],
                    *ports(e), e["RuleAction"])
                   for e in defaults[0]["Entries"] if e["RuleNumber"] != 32767)  # 32767: AWS's final deny
    expected = [(way, 100, "-1", vpc_cidr, None, None, "allow") for way in ("egress", "ingress")]
    if has_gateway_endpoints:
        expected += [("egress", 200, "6", "0.0.0.0/0", 443, 443, "allow"),
                     ("ingress", 200, "6", "0.0.0.0/0", 1024, 65535, "allow")]
    if found != sorted(expected):
        problems.append(f"default network ACL entries {found}, expected {sorted(expected)}")
    return problems


FLOW_LOG_FIELDS = {"vpc-id", "subnet-id", "interface-id", "pkt-srcaddr", "pkt-dstaddr", "flow-direction", "traffic-path"}


def check_flow_logs(d: Deployed, log_group: str, retention_days: int) -> list[str]:
    problems = []
    if not d.log_groups:
        return [f"no log group {log_group}"]
    group = d.log_groups[0]
    if group.get("retentionInDays") != retention_days:
        problems.append(f"log group {log_group}: retention {group.get('retentionInDays')}, expected {retention_days}")
    to_group = [f for f in d.flow_logs
                if f.get("LogDestinationType") == "cloud-watch-logs"
                and (f.get("LogGroupName") == log_group
                     or f.get("LogDestination", "").removesuffix(":*").endswith(f":log-group:{log_group}"))]
    if not to_group:
        problems.append(f"no flow log of {d.vpc_id} writes to {log_group}: {d.flow_logs}")
    problems += [f"flow log {f['FlowLogId']} captures {f.get('TrafficType')}, not ALL"
                 for f in to_group if f.get("TrafficType") != "ALL"]
    problems += [f"flow log {f['FlowLogId']} aggregates over {f.get('MaxAggregationInterval')} s, not 60"
                 for f in to_group if f.get("MaxAggregationInterval") != 60]
    for f in to_group:
        fields = {token.removeprefix("${").removesuffix("}") for token in f.get("LogFormat", "").split()}
        if not FLOW_LOG_FIELDS <= fields:
            problems.append(f"flow log {f['FlowLogId']} format lacks {sorted(FLOW_LOG_FIELDS - fields)}")
    key = group.get("kmsKeyId")
    if not key:
        problems.append(f"log group {log_group} is not encrypted with a KMS key")
    elif key in d.keys:
        if d.keys[key]["rotation"] is not True:
            problems.append(f"key {key} of {log_group} does not rotate")
        conditions = [s.get("Condition", {}) for s in d.keys[key]["policy"]["Statement"]]
        if not any(log_group in json.dumps(c) for c in conditions):
            problems.append(f"key {key}'s policy does not scope CloudWatch Logs to {log_group}")
    # DeliverLogsStatus is not checked: moto reports FAILED when the destination is given as an ARN.
    return problems
