"""Endpoint and IAM policy documents, as plain data.

Policies are built here as Python dicts and serialised once, compactly and with
sorted keys, so their length (AWS caps endpoint policies at 20,480 characters)
is known at compile time. The deploying account appears as a placeholder that
the renderer turns into a Terraform reference.
"""

from __future__ import annotations

import json
from typing import Any

from . import catalog
from .model import Access, Bucket, ImpliedBucket, Network

ACCOUNT = "${data.aws_caller_identity.current.account_id}"
ACCOUNT_ID_LENGTH = 12  # what ACCOUNT becomes once Terraform resolves it
MAX_ENDPOINT_POLICY_CHARS = 20_480

# What each access level allows through the S3 endpoint. Deliberately absent from
# every level: deleting objects or versions, and any bucket configuration change.
READ_ACTIONS = ("s3:GetBucketLocation", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket")
WRITE_ACTIONS = ("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads",
                 "s3:ListMultipartUploadParts", "s3:PutObject")
S3_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: READ_ACTIONS,
    Access.WRITE: WRITE_ACTIONS,
    Access.READ_WRITE: tuple(sorted(set(READ_ACTIONS) | set(WRITE_ACTIONS))),
}
_SIDS = {Access.READ: "ReadListedBuckets", Access.WRITE: "WriteListedBuckets",
         Access.READ_WRITE: "ReadWriteListedBuckets"}

_ACCOUNT_ONLY = {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}


def document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def to_json(policy: dict[str, Any]) -> str:
    return json.dumps(policy, sort_keys=True, separators=(",", ":"))


def deployed_length(policy_json: str) -> int:
    """Length of the policy once Terraform substitutes the account ID."""
    return len(policy_json) - policy_json.count(ACCOUNT) * (len(ACCOUNT) - ACCOUNT_ID_LENGTH)


def bucket_arns(arn_prefix: str, bucket: Bucket) -> list[str]:
    return [f"{arn_prefix}:s3:::{bucket.name}", f"{arn_prefix}:s3:::{bucket.name}/*"]


def s3_endpoint_policy(network: Network) -> dict[str, Any]:
    arn_prefix = catalog.partition_arn_prefix(network.region)
    statements = []
    for access in Access:
        arns = sorted(arn for b in network.buckets if b.access is access for arn in bucket_arns(arn_prefix, b))
        if arns:
            statements.append({"Sid": _SIDS[access], "Effect": "Allow", "Principal": "*",
                               "Action": list(S3_ACTIONS[access]), "Resource": arns,
                               "Condition": _ACCOUNT_ONLY})
    for implied in network.implied_buckets:
        statements.append(implied_bucket_statement(arn_prefix, implied))
    return document(statements)


def implied_bucket_statement(arn_prefix: str, implied: ImpliedBucket) -> dict[str, Any]:
    """One exact statement for a bucket a workload or service needs (ECR layers, JumpStart models, ...)."""
    bucket = implied.bucket
    arns = [f"{arn_prefix}:s3:::{implied.name}/*"]
    if not bucket.objects_only:
        arns.insert(0, f"{arn_prefix}:s3:::{implied.name}")
    statement: dict[str, Any] = {"Sid": bucket.sid, "Effect": "Allow", "Principal": "*",
                                 "Action": list(bucket.actions), "Resource": arns}
    if bucket.owner == "account":
        statement["Condition"] = _ACCOUNT_ONLY
    # AWS-owned buckets carry no condition on the caller: ECR's layers, for one, are fetched with
    # URLs that an ECR account signs, so the caller is not a principal of this account.
    return statement


def account_only_policy() -> dict[str, Any]:
    """Any action through the endpoint, but only by principals of the deploying account."""
    return document([{"Sid": "DeployingAccountOnly", "Effect": "Allow", "Principal": "*",
                      "Action": "*", "Resource": "*", "Condition": _ACCOUNT_ONLY}])


def endpoint_policy(network: Network, service_key: str) -> dict[str, Any]:
    return s3_endpoint_policy(network) if service_key == "s3" else account_only_policy()


def deny_outside_endpoint(arn_prefix: str, bucket: Bucket, vpce_ref: str) -> dict[str, Any]:
    """Bucket policy that refuses any S3 request not arriving through the VPC endpoint."""
    return document([{"Sid": "DenyAccessOutsideVpcEndpoint", "Effect": "Deny", "Principal": "*",
                      "Action": "s3:*", "Resource": bucket_arns(arn_prefix, bucket),
                      "Condition": {"StringNotEquals": {"aws:SourceVpce": vpce_ref}}}])


def flow_logs_trust_policy(arn_prefix: str, region: str) -> dict[str, Any]:
    # Conditions stop another account's flow logs from assuming this role (confused deputy).
    return document([{"Sid": "VpcFlowLogsOfThisAccount", "Effect": "Allow",
                      "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                      "Action": "sts:AssumeRole",
                      "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                                    "ArnLike": {"aws:SourceArn": f"{arn_prefix}:ec2:{region}:{ACCOUNT}:vpc-flow-log/*"}}}])


def flow_logs_write_policy(log_group_arn_ref: str) -> dict[str, Any]:
    return document([{"Sid": "WriteFlowLogsToItsLogGroup", "Effect": "Allow",
                      "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                      "Resource": [log_group_arn_ref, f"{log_group_arn_ref}:*"]}])
