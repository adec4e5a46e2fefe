"""The tamper corpus: modified modules `netspec audit` must fail, each with the codes it must report.

Every case starts from a freshly compiled example (`example`, with its spec in `specs/`
beside `out/`, as in a repository) and changes it with data only:

* `add`: files written into the module folder (`.tf`, `.tf.json`, overrides);
* `set` / `delete`: edits of generated `.tf.json` files at a dotted path
  (`resource.aws_flow_log.vpc.traffic_type`);
* `policy`: edits of an endpoint's policy document (`(endpoint, op, path, value)`, op
  `set`, `append` or `delete`), re-serialised into endpoints.tf.json;
* `spec_before`: text replacing the spec before it is compiled (a spec the team wrote);
* `spec_after`: text replacing the spec after compiling (the spec changed since), or
  None to delete it; `strip_headers` removes every netspec header.

`expect` is the exact set of codes the module form reports; `at` is (code, file, text[,
after]): a finding of that code is located in that file, on the first line holding that
text (after the first line holding `after`, when given). `plan`
is the exact set of codes the same modification reports as a `terraform plan` against
the emulator (tests/e2e/test_tamper_plans.py), for the cases planned there; a plan
evaluates what the configuration cannot, so `"0.0.0.0/${0}"` is NS511 in module form
and the route it really is (NS502) in plan form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ENI = "eni-0123456789abcdef0"  # any interface: routes to it stay inside the VPC
ACCOUNT_ONLY = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", '
                '"Resource": "*", "Condition": {"StringEquals": '
                '{"aws:PrincipalAccount": "${data.aws_caller_identity.current.account_id}", '
                '"aws:ResourceAccount": "${data.aws_caller_identity.current.account_id}"}}}]}')
# ds-team for one account: its policies name 111122223333 as a literal, its provider allows only it.
ACCOUNT_SPEC = ("netspec: 1\nname: ds-team\nregion: us-east-1\naccount: \"111122223333\"\ncidr: 10.2.0.0/16\n"
                "azs: [us-east-1a, us-east-1b]\nservices: [s3, sts, logs]\nbuckets:\n  - {name: ds-data, access: read}\n")
OPEN_POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}'


@dataclass(frozen=True)
class Case:
    name: str
    expect: frozenset[str]
    at: tuple[str, ...] | None = None
    add: dict[str, str] = field(default_factory=dict)
    set: tuple[tuple[str, str, Any], ...] = ()
    delete: tuple[tuple[str, str], ...] = ()
    policy: tuple[tuple[str, str, str, Any], ...] = ()
    example: str = "ds-team"
    spec_before: str | None = None
    spec_after: str | None | bool = False  # False: unchanged; None: deleted; str: new text
    strip_headers: bool = False
    plan: frozenset[str] | None = None


def _case(name: str, expect: set[str], *, plan: set[str] | None = None, **kwargs: Any) -> Case:
    return Case(name, frozenset(expect), plan=frozenset(plan) if plan is not None else None, **kwargs)


def _route(name: str, cidr: str, table: str = "private_us_east_1a", target: str = f'network_interface_id = "{ENI}"',
           key: str = "destination_cidr_block") -> str:
    return (f'resource "aws_route" "{name}" {{\n  route_table_id = aws_route_table.{table}.id\n'
            f'  {key} = "{cidr}"\n  {target}\n}}\n')


def _egress(name: str, cidr: str, key: str = "cidr_ipv4", group: str = "workload") -> str:
    return (f'resource "aws_vpc_security_group_egress_rule" "{name}" {{\n'
            f'  security_group_id = aws_security_group.{group}.id\n  {key} = "{cidr}"\n  ip_protocol = "-1"\n}}\n')


_PREFIX_LIST_EVERYTHING = '''resource "aws_ec2_managed_prefix_list" "everything" {
  name           = "everything"
  address_family = "IPv4"
  max_entries    = 1

  entry {
    cidr = "0.0.0.0/0"
  }
}
'''

def _endpoint_json(name: str, service: str, **extra: Any) -> str:
    body = {"vpc_id": "${aws_vpc.main.id}", "service_name": service, "vpc_endpoint_type": "Interface",
            "subnet_ids": ["${aws_subnet.private_us_east_1a.id}", "${aws_subnet.private_us_east_1b.id}"],
            "security_group_ids": ["${aws_security_group.endpoints.id}"], "policy": ACCOUNT_ONLY, **extra}
    return json.dumps({"resource": {"aws_vpc_endpoint": {name: body}}}, indent=2)


FLOW_LOG = "resource.aws_flow_log.vpc"
LOG_GROUP = "resource.aws_cloudwatch_log_group.flow_logs"

CASES: tuple[Case, ...] = (
    # --- internet paths -----------------------------------------------------------------
    _case("igw-and-default-route-in-a-tf-file", {"NS501", "NS502"}, plan={"NS501", "NS502"},
          at=("NS501", "extra.tf", 'resource "aws_internet_gateway" "door"'),
          add={"extra.tf": 'resource "aws_internet_gateway" "door" {\n  vpc_id = aws_vpc.main.id\n}\n\n'
                           + _route("out", "0.0.0.0/0", target="gateway_id = aws_internet_gateway.door.id")}),
    _case("igw-in-an-extra-tf-json", {"NS501"}, at=("NS501", "extra.tf.json", '"door": {'),
          add={"extra.tf.json": '{"resource": {"aws_internet_gateway": {"door": {"vpc_id": "${aws_vpc.main.id}"}}}}'}),
    _case("nat-gateway-with-elastic-ip", {"NS501", "NS503"}, at=("NS501", "nat.tf", 'resource "aws_nat_gateway"'),
          add={"nat.tf": 'resource "aws_eip" "nat" {\n  domain = "vpc"\n}\n\nresource "aws_nat_gateway" "nat" {\n'
                         '  subnet_id     = aws_subnet.private_us_east_1a.id\n  allocation_id = aws_eip.nat.id\n}\n'}),
    _case("egress-only-gateway-and-ipv6-default-route", {"NS501", "NS502"},
          at=("NS502", "extra.tf", 'resource "aws_route" "v6"'),
          add={"extra.tf": 'resource "aws_egress_only_internet_gateway" "v6" {\n  vpc_id = aws_vpc.main.id\n}\n\n'
                           + _route("v6", "::/0", key="destination_ipv6_cidr_block",
                                    target="egress_only_gateway_id = aws_egress_only_internet_gateway.v6.id")}),
    _case("default-route-split-in-two-halves", {"NS502"}, plan={"NS502"},
          at=("NS502", "extra.tf", 'resource "aws_route" "low"'),
          add={"extra.tf": _route("low", "0.0.0.0/1") + "\n" + _route("high", "128.0.0.0/1")}),
    _case("default-route-split-in-quarters-across-files", {"NS502"},
          add={"a.tf": _route("q1", "0.0.0.0/2") + _route("q2", "64.0.0.0/2"),
               "b.tf.json": '{"resource": {"aws_route": {"q3": {"route_table_id": "${aws_route_table.private_us_east_1a.id}", '
                            '"destination_cidr_block": "128.0.0.0/2", "network_interface_id": "' + ENI + '"}, '
                            '"q4": {"route_table_id": "${aws_route_table.private_us_east_1a.id}", '
                            '"destination_cidr_block": "192.0.0.0/2", "network_interface_id": "' + ENI + '"}}}}'}),
    _case("ipv6-default-route-split-in-halves", {"NS502"},
          add={"extra.tf": _route("low", "::/1", key="destination_ipv6_cidr_block")
                           + _route("high", "8000::/1", key="destination_ipv6_cidr_block")}),
    _case("inline-routes-split-in-an-override", {"NS502"}, at=("NS502", "vpc_override.tf.json", '"private_us_east_1b": {'),
          add={"vpc_override.tf.json": '{"resource": {"aws_route_table": {"private_us_east_1b": {"route": ['
                                       '{"cidr_block": "0.0.0.0/1", "network_interface_id": "' + ENI + '"}, '
                                       '{"cidr_block": "128.0.0.0/1", "network_interface_id": "' + ENI + '"}]}}}}'}),
    _case("inline-igw-route-in-an-hcl-override", {"NS502"}, at=("NS502", "vpc_override.tf", 'resource "aws_route_table"'),
          add={"vpc_override.tf": 'resource "aws_route_table" "private_us_east_1a" {\n  route {\n'
                                  '    cidr_block = "0.0.0.0/0"\n    gateway_id = "igw-0123456789abcdef0"\n  }\n}\n'}),
    _case("route-to-a-prefix-list-holding-everything", {"NS502"}, plan={"NS502"},
          at=("NS502", "extra.tf", 'resource "aws_route" "via_list"'),
          add={"extra.tf": _PREFIX_LIST_EVERYTHING + "\n" + _route(
              "via_list", "${aws_ec2_managed_prefix_list.everything.id}", key="destination_prefix_list_id")}),
    # --- security groups ----------------------------------------------------------------
    _case("egress-split-in-two-halves", {"NS504"}, plan={"NS504"},
          at=("NS504", "extra.tf", 'resource "aws_vpc_security_group_egress_rule" "low"'),
          add={"extra.tf": _egress("low", "0.0.0.0/1") + _egress("high", "128.0.0.0/1")}),
    _case("ingress-split-across-security-group-rules", {"NS504"},
          add={"extra.tf": ''.join(
              f'resource "aws_security_group_rule" "{n}" {{\n  type = "ingress"\n'
              f'  security_group_id = aws_security_group.endpoints.id\n  from_port = 443\n  to_port = 443\n'
              f'  protocol = "tcp"\n  cidr_blocks = ["{c}"]\n}}\n' for n, c in (("low", "0.0.0.0/1"), ("high", "128.0.0.0/1")))}),
    _case("ipv6-ingress-from-anywhere", {"NS504"},
          add={"extra.tf": 'resource "aws_vpc_security_group_ingress_rule" "v6" {\n'
                           '  security_group_id = aws_security_group.endpoints.id\n  cidr_ipv6 = "::/0"\n'
                           '  ip_protocol = "tcp"\n  from_port = 443\n  to_port = 443\n}\n'}),
    _case("egress-to-a-prefix-list-holding-everything", {"NS504"}, plan={"NS504"},
          add={"extra.tf": _PREFIX_LIST_EVERYTHING + '\nresource "aws_vpc_security_group_egress_rule" "via_list" {\n'
                           '  security_group_id = aws_security_group.workload.id\n'
                           '  prefix_list_id    = aws_ec2_managed_prefix_list.everything.id\n  ip_protocol = "-1"\n}\n'}),
    _case("prefix-list-entries-split-in-halves", {"NS504"},
          add={"extra.tf": 'resource "aws_ec2_managed_prefix_list" "split" {\n  name = "split"\n'
                           '  address_family = "IPv4"\n  max_entries = 2\n}\n'
                           + ''.join(f'resource "aws_ec2_managed_prefix_list_entry" "{n}" {{\n'
                                     f'  prefix_list_id = aws_ec2_managed_prefix_list.split.id\n  cidr = "{c}"\n}}\n'
                                     for n, c in (("low", "0.0.0.0/1"), ("high", "128.0.0.0/1")))
                           + 'resource "aws_vpc_security_group_egress_rule" "via_split" {\n'
                             '  security_group_id = aws_security_group.workload.id\n'
                             '  prefix_list_id = aws_ec2_managed_prefix_list.split.id\n  ip_protocol = "-1"\n}\n'}),
    _case("default-security-group-gets-ingress", {"NS505"},
          set=(("vpc.tf.json", "resource.aws_default_security_group.default.ingress",
                [{"from_port": 0, "to_port": 0, "protocol": "-1", "self": True}]),)),
    _case("default-security-group-left-unmanaged", {"NS505"}, at=("NS505", "vpc.tf.json", '"main": {', '"aws_vpc": {'),
          delete=(("vpc.tf.json", "resource.aws_default_security_group"),)),
    _case("rule-added-to-the-default-security-group", {"NS505"},
          add={"extra.tf": 'resource "aws_vpc_security_group_ingress_rule" "into_default" {\n'
                           '  security_group_id = aws_default_security_group.default.id\n'
                           '  referenced_security_group_id = aws_security_group.workload.id\n  ip_protocol = "-1"\n}\n'}),
    # --- values the audit cannot evaluate -----------------------------------------------
    _case("cidr-with-an-interpolated-zero", {"NS511"}, plan={"NS502"},
          at=("NS511", "extra.tf.json", '"sneaky": {'),
          add={"extra.tf.json": '{"resource": {"aws_route": {"sneaky": {"route_table_id": '
                                '"${aws_route_table.private_us_east_1a.id}", "destination_cidr_block": "0.0.0.0/${0}", '
                                '"network_interface_id": "' + ENI + '"}}}}'}),
    _case("cidr-from-a-variable", {"NS511"}, plan={"NS504"},
          add={"extra.tf": 'variable "x" {\n  type    = string\n  default = "0.0.0.0/0"\n}\n\n'
                           'resource "aws_vpc_security_group_egress_rule" "wide" {\n'
                           '  security_group_id = aws_security_group.workload.id\n  cidr_ipv4 = var.x\n'
                           '  ip_protocol = "-1"\n}\n'}),
    _case("cidr-from-cidrsubnet", {"NS511"}, plan={"NS502"},
          add={"extra.tf": 'resource "aws_route" "computed" {\n  route_table_id = aws_route_table.private_us_east_1a.id\n'
                           '  destination_cidr_block = cidrsubnet("0.0.0.0/0", 0, 0)\n'
                           f'  network_interface_id = "{ENI}"\n}}\n'}),
    _case("cidr-from-a-local", {"NS511"},
          add={"extra.tf": 'locals {\n  everything = "0.0.0.0/0"\n}\n\n'
                           'resource "aws_route" "local" {\n  route_table_id = aws_route_table.private_us_east_1a.id\n'
                           f'  destination_cidr_block = local.everything\n  network_interface_id = "{ENI}"\n}}\n'}),
    _case("public-ip-switch-interpolated", {"NS511"}, plan={"NS503"},
          at=("NS511", "vpc_override.tf.json", '"private_us_east_1a": {'),
          add={"vpc_override.tf.json": '{"resource": {"aws_subnet": {"private_us_east_1a": '
                                       '{"map_public_ip_on_launch": "${true}"}}}}'}),
    _case("flow-log-count-interpolated-zero", {"NS511"}, plan={"NS510"},
          at=("NS511", "flow_logs_override.tf.json", '"vpc": {'),
          add={"flow_logs_override.tf.json": '{"resource": {"aws_flow_log": {"vpc": {"count": "${0}"}}}}'}),
    _case("flow-log-count-from-a-variable-in-hcl", {"NS511"},
          add={"extra.tf": 'variable "flow_logs_enabled" {\n  default = false\n}\n',
               "flow_logs_override.tf": 'resource "aws_flow_log" "vpc" {\n'
                                        '  count = var.flow_logs_enabled ? 1 : 0\n}\n'}),
    _case("default-security-group-for-each-expression", {"NS511"},
          set=(("vpc.tf.json", "resource.aws_default_security_group.default.for_each", "${toset([])}"),)),
    _case("policy-built-by-jsonencode", {"NS511"}, plan={"NS507"},
          at=("NS511", "endpoints_override.tf", 'resource "aws_vpc_endpoint" "sts"'),
          add={"endpoints_override.tf": 'resource "aws_vpc_endpoint" "sts" {\n  policy = jsonencode({\n'
                                        '    Version   = "2012-10-17"\n'
                                        '    Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }]\n'
                                        '  })\n}\n'}),
    _case("policy-from-a-policy-document-data-source", {"NS511"},
          add={"extra.tf": 'data "aws_iam_policy_document" "open" {\n  statement {\n    actions   = ["*"]\n'
                           '    resources = ["*"]\n    principals {\n      type        = "*"\n'
                           '      identifiers = ["*"]\n    }\n  }\n}\n',
               "endpoints_override.tf": 'resource "aws_vpc_endpoint" "logs" {\n'
                                        '  policy = data.aws_iam_policy_document.open.json\n}\n'}),
    _case("retention-from-a-variable", {"NS511"},
          add={"extra.tf": 'variable "days" {\n  default = 1\n}\n',
               "flow_logs_override.tf": 'resource "aws_cloudwatch_log_group" "flow_logs" {\n'
                                        '  retention_in_days = var.days\n}\n'}),
    _case("traffic-type-from-a-function", {"NS511"}, plan={"NS515"},
          set=(("flow_logs.tf.json", f"{FLOW_LOG}.traffic_type", '${upper("reject")}'),)),
    _case("service-name-from-a-data-source", {"NS511"},
          add={"extra.tf": 'data "aws_region" "current" {}\n'},
          set=(("endpoints.tf.json", "resource.aws_vpc_endpoint.sts.service_name",
                "com.amazonaws.${data.aws_region.current.name}.sts"),)),
    _case("module-call-the-audit-cannot-read", {"NS511"}, at=("NS511", "extra.tf", 'module "door"'),
          add={"extra.tf": 'module "door" {\n  source = "./door"\n}\n'}),
    _case("prefix-list-defined-elsewhere", {"NS511"},
          add={"extra.tf": 'resource "aws_vpc_security_group_egress_rule" "elsewhere" {\n'
                           '  security_group_id = aws_security_group.workload.id\n'
                           '  prefix_list_id = "pl-0123456789abcdef0"\n  ip_protocol = "-1"\n}\n'}),
    # --- side doors -------------------------------------------------------------------------
    _case("vpc-peering-and-its-route", {"NS512"}, plan={"NS512"},
          at=("NS512", "extra.tf", 'resource "aws_vpc_peering_connection" "partner"'),
          add={"extra.tf": 'resource "aws_vpc_peering_connection" "partner" {\n  vpc_id = aws_vpc.main.id\n'
                           '  peer_vpc_id = "vpc-0123456789abcdef0"\n  peer_owner_id = "999999999999"\n}\n\n'
                           + _route("to_partner", "10.99.0.0/16",
                                    target="vpc_peering_connection_id = aws_vpc_peering_connection.partner.id")}),
    _case("transit-gateway-attachment-and-route", {"NS512"}, plan={"NS512"},
          add={"extra.tf": 'resource "aws_ec2_transit_gateway_vpc_attachment" "hub" {\n'
                           '  transit_gateway_id = "tgw-0123456789abcdef0"\n  vpc_id = aws_vpc.main.id\n'
                           '  subnet_ids = [aws_subnet.private_us_east_1a.id]\n}\n\n'
                           + _route("to_hub", "10.0.0.0/8", target='transit_gateway_id = "tgw-0123456789abcdef0"')}),
    _case("vpn-gateway-and-its-route", {"NS512"}, plan={"NS512"},
          add={"extra.tf": 'resource "aws_vpn_gateway" "vpn" {\n  vpc_id = aws_vpc.main.id\n}\n\n'
                           + _route("to_office", "192.168.0.0/16", target="gateway_id = aws_vpn_gateway.vpn.id")}),
    _case("site-to-site-vpn-connection", {"NS512"},
          add={"extra.tf": 'resource "aws_customer_gateway" "office" {\n  bgp_asn = 65000\n'
                           '  ip_address = "198.51.100.1"\n  type = "ipsec.1"\n}\n\n'
                           'resource "aws_vpn_connection" "office" {\n  customer_gateway_id = aws_customer_gateway.office.id\n'
                           '  transit_gateway_id = "tgw-0123456789abcdef0"\n  type = "ipsec.1"\n}\n'}),
    _case("route-to-a-virtual-private-gateway-by-id", {"NS512"},
          add={"extra.tf": _route("to_vgw", "192.168.0.0/16", target='gateway_id = "vgw-0123456789abcdef0"')}),
    _case("route53-resolver-outbound-rule", {"NS512"}, plan={"NS512"},
          add={"extra.tf": 'resource "aws_route53_resolver_endpoint" "out" {\n  direction = "OUTBOUND"\n'
                           '  security_group_ids = [aws_security_group.endpoints.id]\n'
                           '  ip_address {\n    subnet_id = aws_subnet.private_us_east_1a.id\n  }\n'
                           '  ip_address {\n    subnet_id = aws_subnet.private_us_east_1b.id\n  }\n}\n\n'
                           'resource "aws_route53_resolver_rule" "everything" {\n  domain_name = "."\n'
                           '  rule_type = "FORWARD"\n  resolver_endpoint_id = aws_route53_resolver_endpoint.out.id\n'
                           '  target_ip {\n    ip = "198.51.100.53"\n  }\n}\n\n'
                           'resource "aws_route53_resolver_rule_association" "everything" {\n'
                           '  resolver_rule_id = aws_route53_resolver_rule.everything.id\n  vpc_id = aws_vpc.main.id\n}\n'}),
    _case("client-vpn-endpoint", {"NS512"},
          add={"extra.tf": 'resource "aws_ec2_client_vpn_endpoint" "people" {\n  client_cidr_block = "172.16.0.0/22"\n'
                           '  server_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/x"\n'
                           '  vpc_id = aws_vpc.main.id\n}\n'}),
    _case("vpc-lattice-service-network", {"NS512"},
          add={"extra.tf": 'resource "aws_vpclattice_service_network_vpc_association" "shared" {\n'
                           '  vpc_identifier = aws_vpc.main.id\n  service_network_identifier = "sn-0123456789abcdef0"\n}\n'}),
    _case("interface-endpoint-to-a-foreign-privatelink-service", {"NS513"}, plan={"NS513"},
          at=("NS513", "extra.tf.json", '"mirror": {'),
          add={"extra.tf.json": _endpoint_json("mirror", "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")}),
    _case("interface-endpoint-to-a-service-the-spec-does-not-list", {"NS513"},
          add={"extra.tf.json": _endpoint_json("ssm", "com.amazonaws.us-east-1.ssm")}),
    _case("interface-endpoint-in-another-region", {"NS513"},
          add={"extra.tf.json": _endpoint_json("sts_eu", "com.amazonaws.eu-west-1.sts")}),
    _case("cross-region-endpoint-by-service-region", {"NS513"},
          set=(("endpoints.tf.json", "resource.aws_vpc_endpoint.sts.service_region", "eu-west-1"),)),
    _case("gateway-load-balancer-endpoint", {"NS506", "NS513"},
          add={"extra.tf": 'resource "aws_vpc_endpoint" "inspection" {\n  vpc_id = aws_vpc.main.id\n'
                           '  vpc_endpoint_type = "GatewayLoadBalancer"\n'
                           '  service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210"\n'
                           '  subnet_ids = [aws_subnet.private_us_east_1a.id]\n}\n'}),
    _case("elastic-ip-on-a-network-interface", {"NS503"},
          add={"extra.tf": 'resource "aws_network_interface" "nic" {\n  subnet_id = aws_subnet.private_us_east_1a.id\n}\n\n'
                           'resource "aws_eip" "nic" {\n  domain = "vpc"\n  network_interface = aws_network_interface.nic.id\n}\n'}),
    _case("instance-with-a-public-ip", {"NS503"},
          add={"extra.tf": 'resource "aws_instance" "box" {\n  ami = "ami-0123456789abcdef0"\n'
                           '  instance_type = "t3.micro"\n  subnet_id = aws_subnet.private_us_east_1a.id\n'
                           '  associate_public_ip_address = true\n}\n'}),
    _case("internet-facing-load-balancer", {"NS503"},
          add={"extra.tf": 'resource "aws_lb" "front" {\n  load_balancer_type = "network"\n'
                           '  subnets = [aws_subnet.private_us_east_1a.id, aws_subnet.private_us_east_1b.id]\n}\n'}),
    # --- flow logs --------------------------------------------------------------------------
    _case("flow-logs-reject-only", {"NS515"}, plan={"NS515"}, at=("NS515", "flow_logs.tf.json", '"vpc": {'),
          set=(("flow_logs.tf.json", f"{FLOW_LOG}.traffic_type", "REJECT"),)),
    _case("flow-logs-accept-only", {"NS515"}, set=(("flow_logs.tf.json", f"{FLOW_LOG}.traffic_type", "ACCEPT"),)),
    _case("flow-logs-kept-one-day", {"NS516"}, plan={"NS516"}, at=("NS516", "flow_logs.tf.json", '"flow_logs": {'),
          set=(("flow_logs.tf.json", f"{LOG_GROUP}.retention_in_days", 1),)),
    _case("flow-logs-kept-shorter-than-the-spec-says", {"NS516"}, example="ds-forecasting",
          set=(("flow_logs.tf.json", f"{LOG_GROUP}.retention_in_days", 60),)),
    _case("flow-logs-sent-to-s3", {"NS516"},
          set=(("flow_logs.tf.json", f"{FLOW_LOG}.log_destination_type", "s3"),
               ("flow_logs.tf.json", f"{FLOW_LOG}.log_destination", "arn:aws:s3:::somewhere-else"))),
    _case("flow-log-removed", {"NS510"}, at=("NS510", "vpc.tf.json", '"main": {', '"aws_vpc": {'),
          delete=(("flow_logs.tf.json", "resource.aws_flow_log"),)),
    _case("flow-log-records-another-vpc", {"NS510"},
          set=(("flow_logs.tf.json", f"{FLOW_LOG}.vpc_id", "vpc-0123456789abcdef0"),)),
    # --- endpoint policies ------------------------------------------------------------------
    _case("s3-statement-without-the-account-condition", {"NS514", "NS521"}, plan={"NS514", "NS521"},
          at=("NS514", "endpoints.tf.json", '"s3": {'), policy=(("s3", "delete", "Statement.0.Condition", None),)),
    _case("sts-statement-without-the-account-condition", {"NS507"},
          policy=(("sts", "delete", "Statement.0.Condition", None),)),
    _case("account-condition-set-to-another-account", {"NS514"}, plan={"NS514"},
          policy=(("sts", "set", "Statement.0.Condition.StringEquals.aws:PrincipalAccount", "999999999999"),)),
    _case("account-condition-negated", {"NS507"},
          policy=(("logs", "set", "Statement.0.Condition", {"StringNotEquals": {
              "aws:PrincipalAccount": "${data.aws_caller_identity.current.account_id}"}}),)),
    _case("foreign-organization-instead-of-the-account", {"NS514", "NS521"},
          policy=(("sagemaker_api", "set", "Statement.0.Condition",
                   {"StringEquals": {"aws:PrincipalOrgID": "o-foreign0000"}}),)),
    _case("foreign-principal-named-outright", {"NS514", "NS521"},
          policy=(("s3", "delete", "Statement.0.Condition", None),
                  ("s3", "set", "Statement.0.Principal", {"AWS": "arn:aws:iam::999999999999:root"}))),
    _case("resource-condition-removed", {"NS521"}, plan={"NS521"}, at=("NS521", "endpoints.tf.json", '"sts": {', '"resource"'),
          policy=(("sts", "delete", "Statement.0.Condition.StringEquals.aws:ResourceAccount", None),)),
    _case("resource-condition-set-to-another-account", {"NS521"},
          policy=(("kms", "set", "Statement.0.Condition.StringEquals.aws:ResourceAccount", "999999999999"),),
          example="ml-containers"),
    _case("bucket-statement-reaches-another-owner", {"NS521"},
          policy=(("s3", "set", "Statement.0.Condition.StringEquals.aws:ResourceAccount", "999999999999"),)),
    _case("resource-condition-negated", {"NS521"},
          policy=(("logs", "set", "Statement.0.Condition", {
              "StringEquals": {"aws:PrincipalAccount": "${data.aws_caller_identity.current.account_id}"},
              "StringNotEquals": {"aws:ResourceAccount": "${data.aws_caller_identity.current.account_id}"}}),)),
    _case("foreign-bucket-without-spec-argument", {"NS509"}, plan={"NS509"},
          at=("NS509", "endpoints.tf.json", '"s3": {'),
          policy=(("s3", "append", "Statement.0.Resource", "arn:aws:s3:::someone-elses-bucket/*"),)),
    _case("wildcard-bucket-without-spec-argument", {"NS509"},
          policy=(("s3", "append", "Statement.0.Resource", "arn:aws:s3:::my-*"),)),
    _case("every-bucket", {"NS508", "NS509"}, policy=(("s3", "append", "Statement.0.Resource", "arn:aws:s3:::*"),)),
    _case("every-s3-action", {"NS508"}, policy=(("s3", "set", "Statement.0.Action", "s3:*"),)),
    _case("aws-owned-bucket-statement-widened", {"NS514", "NS521"}, example="ml-containers",
          policy=(("s3", "append", "Statement.2.Action", "s3:PutObject"),)),
    _case("aws-owned-bucket-statement-pointed-elsewhere", {"NS509", "NS514", "NS521"}, example="ml-containers",
          policy=(("s3", "set", "Statement.2.Resource", "arn:aws:s3:::prod-us-west-2-starport-layer-bucket-copy/*"),)),
    _case("workloads-do-not-admit-a-foreign-privatelink-service", {"NS513"},
          spec_before="netspec: 1\nname: ds-team\nregion: us-east-1\ncidr: 10.2.0.0/16\n"
                      "azs: [us-east-1a, us-east-1b]\nworkloads: [training, jumpstart]\n",
          add={"extra.tf.json": _endpoint_json("mirror", "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")}),
    _case("endpoint-policy-removed", {"NS506"}, delete=(("endpoints.tf.json", "resource.aws_vpc_endpoint.sts.policy"),)),
    _case("endpoint-policy-unreadable", {"NS506"},
          set=(("endpoints.tf.json", "resource.aws_vpc_endpoint.sts.policy", "{not json"),)),
    _case("separate-open-endpoint-policy", {"NS507"},
          add={"extra.tf.json": '{"resource": {"aws_vpc_endpoint_policy": {"sts": {"vpc_endpoint_id": '
                                '"${aws_vpc_endpoint.sts.id}", "policy": ' + json.dumps(OPEN_POLICY) + '}}}}'}),
    # --- the spec behind the module ---------------------------------------------------------
    _case("spec-changed-since-compile", {"NS518"}, at=("NS518", "dns.tf.json", "Generated by netspec"),
          spec_after="netspec: 1\nname: ds-team\n# edited after compiling\n"),
    _case("spec-missing", {"NS517"}, spec_after=None),
    _case("headers-stripped", {"NS520"}, strip_headers=True),
    # --- a spec that names its account: the provider runs there only, policies name it -------------
    _case("provider-not-limited-to-the-spec-account", {"NS522"}, at=("NS522", "provider.tf.json", '"aws": {'),
          spec_before=ACCOUNT_SPEC, delete=(("provider.tf.json", "provider.aws.allowed_account_ids"),)),
    _case("provider-allows-another-account", {"NS522"}, spec_before=ACCOUNT_SPEC,
          add={"provider_override.tf.json": '{"provider": {"aws": {"allowed_account_ids": ["999999999999"]}}}'}),
    _case("policy-names-another-literal-account", {"NS514"}, spec_before=ACCOUNT_SPEC,
          policy=(("sts", "set", "Statement.0.Condition.StringEquals.aws:PrincipalAccount", "999999999999"),)),
    _case("flow-logs-off-by-the-spec", {"NS519"}, at=("NS519", "vpc.tf.json", '"main": {', '"aws_vpc": {'),
          spec_before="netspec: 1\nname: ds-team\nregion: us-east-1\ncidr: 10.2.0.0/16\n"
                      "azs: [us-east-1a, us-east-1b]\nservices: [sts]\nflow_logs: false\n"),
)
