"""outputs.tf.json: what downstream stacks and bucket owners need from this network."""

from __future__ import annotations

from .. import catalog, policies
from ..model import Network
from . import names
from .tf import Body, literal, ref


def _output(description: str, value: object) -> Body:
    return {"description": description, "value": value}


def _sagemaker(network: Network) -> Body:
    """Ready-made arguments for SageMaker resources placed in this network."""
    subnets = [ref(names.subnet(s), "id") for s in network.subnets]
    groups = [ref(names.WORKLOAD_SG, "id")]
    return {
        "sagemaker_domain_network": _output(
            "For aws_sagemaker_domain in VPC-only mode: vpc_id, subnet_ids, app_network_access_type, and "
            "security_group_ids for default_user_settings.security_groups",
            {"vpc_id": ref(names.VPC, "id"), "subnet_ids": subnets, "security_group_ids": groups,
             "app_network_access_type": "VpcOnly"}),
        "sagemaker_vpc_config": _output(
            "The vpc_config of SageMaker training, processing and model resources: subnets and security_group_ids",
            {"subnets": subnets, "security_group_ids": groups}),
    }


def outputs(network: Network) -> Body:
    result: Body = {
        "vpc_id": _output("ID of the private VPC", ref(names.VPC, "id")),
        "subnet_ids": _output("Private subnet ID by Availability Zone",
                              {literal(s.zone): ref(names.subnet(s), "id") for s in network.subnets}),
        "subnet_cidrs": _output("Private subnet CIDR by Availability Zone",
                                {literal(s.zone): ref(names.subnet(s), "cidr_block") if s.relative else str(s.cidr)
                                 for s in network.subnets}),
        "route_table_ids": _output("Route table ID by Availability Zone",
                                   {literal(s.zone): ref(names.route_table(s), "id") for s in network.subnets}),
        "workload_security_group_id": _output(
            "Security group for notebooks, training jobs and hosted models", ref(names.WORKLOAD_SG, "id")),
        "endpoints_security_group_id": _output(
            "Security group of the interface VPC endpoints", ref(names.ENDPOINTS_SG, "id")),
        "endpoint_ids": _output("VPC endpoint ID by service",
                                {e.service.key: ref(names.endpoint(e), "id") for e in network.endpoints}),
        **_sagemaker(network),
    }
    s3 = network.endpoint("s3")
    if s3 is not None:
        s3_id = ref(names.endpoint(s3), "id")
        arn_prefix = catalog.partition_arn_prefix(network.region)
        result["s3_endpoint_id"] = _output("ID of the S3 gateway endpoint", s3_id)
        result["s3_prefix_list_id"] = _output("Managed prefix list of the S3 gateway endpoint",
                                              ref(names.endpoint(s3), "prefix_list_id"))
        result["s3_bucket_policies"] = _output(
            "Bucket policy per listed bucket that denies any S3 access not arriving through this VPC's S3 endpoint "
            "(aws:SourceVpce), except requests AWS services make themselves or on a caller's behalf "
            "(aws:PrincipalIsAWSService, aws:ViaAWSService) and the spec's bucket_policy.exceptions. It also shuts "
            "out administrators and the console outside the VPC: attach it only after checking no other access path "
            "is needed, or name a break-glass role under bucket_policy.exceptions. "
            "Wildcard entries are left out: apply the policy to each concrete bucket they match.",
            {literal(b.name): policies.to_json(policies.deny_outside_endpoint(
                arn_prefix, b, s3_id, network.bucket_policy_exceptions))
             for b in network.buckets if not b.is_wildcard})
    if network.flow_logs is not None:
        result["flow_log_group_name"] = _output("CloudWatch log group receiving the VPC flow logs",
                                                ref(names.FLOW_LOG_GROUP, "name"))
    if network.logging.dns_query_logs:
        result["dns_query_log_group_name"] = _output("CloudWatch log group receiving the VPC's DNS queries",
                                                     ref(names.DNS_LOG_GROUP, "name"))
    if network.encrypts_logs_itself:
        result["logs_kms_key_arn"] = _output("KMS key encrypting the flow-log and DNS query-log groups",
                                             ref(names.LOGS_KEY, "arn"))
    result.update(_lookup_outputs(network))
    return {"output": result}


def _lookup_outputs(network: Network) -> Body:
    """The forms other stacks usually look for: a list of subnet IDs, the VPC block, the
    interface endpoints' DNS names, and the flow-log group's ARN (for a subscription or an alarm)."""
    result: Body = {
        "subnet_id_list": _output("Private subnet IDs as a list, in the order of the spec's azs",
                                  [ref(names.subnet(s), "id") for s in network.subnets]),
        "vpc_cidr_block": _output("IPv4 block of the VPC", ref(names.VPC, "cidr_block")),
        "endpoint_dns_entries": _output(
            "DNS entries (dns_name, hosted_zone_id) of each interface endpoint, by service",
            {e.service.key: ref(names.endpoint(e), "dns_entry") for e in network.interface_endpoints}),
    }
    if network.flow_logs is not None:
        result["flow_log_group_arn"] = _output("ARN of the CloudWatch log group receiving the VPC flow logs",
                                               ref(names.FLOW_LOG_GROUP, "arn"))
    return result
