"""Endpoint, bucket, key and IAM policy documents, as plain data.

Policies are built here as Python dicts and serialised once, compactly and with sorted keys,
so their length (AWS caps endpoint policies at 20,480 characters) is known at compile time.
The deploying account appears as a placeholder that the renderer turns into a Terraform
reference.

Endpoint policies follow AWS's data-perimeter pattern (aws-samples/data-perimeter-policy-examples,
vpc_endpoint_policies/): Allow statements only, each requiring the caller to be inside the
perimeter (aws:PrincipalOrgID / aws:PrincipalAccount) *and* the resource to be inside it
(aws:ResourceOrgID / aws:ResourceAccount; s3:ResourceAccount for a bucket whose owner the spec
names). The only statements without those conditions are exact statements for AWS-owned buckets
a workload needs ("AllowRequestsToAWSOwnedResources" in the same repository), and services whose
actions lack the resource keys get the principal condition alone (rules warn, NS241).
Sources: IAM User Guide, "AWS global condition context keys" (aws:PrincipalOrgID, aws:ResourceOrgID,
aws:PrincipalAccount, aws:ResourceAccount); S3 User Guide, "Amazon S3 condition key examples",
example 7 (s3:ResourceAccount); read 2026-11-29.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from itertools import product
from typing import Any

from . import catalog
from .model import Access, Bucket, ImpliedBucket, Network, Perimeter
from .regions import Region

ACCOUNT = "${data.aws_caller_identity.current.account_id}"
ACCOUNT_ID_LENGTH = 12  # what ACCOUNT becomes once Terraform resolves it


def deploying(network: Network) -> str:
    """The deploying account in a policy: the network's account when it names one (the provider's
    allowed_account_ids makes Terraform refuse any other), else the caller's, read at plan time."""
    return network.account or ACCOUNT
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
_ACCESS_SID = {Access.READ: "Read", Access.WRITE: "Write", Access.READ_WRITE: "ReadWrite"}

# The perimeter's condition keys: (Sid word, principal key, resource key), per kind of member.
ORG_KEYS = ("Org", "aws:PrincipalOrgID", "aws:ResourceOrgID")
ACCOUNT_KEYS = ("Account", "aws:PrincipalAccount", "aws:ResourceAccount")
S3_OWNER_KEY = "s3:ResourceAccount"


def document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def to_json(policy: dict[str, Any]) -> str:
    return json.dumps(policy, sort_keys=True, separators=(",", ":"))


def deployed_length(policy_json: str) -> int:
    """Length of the policy once Terraform substitutes the account ID."""
    return len(policy_json) - policy_json.count(ACCOUNT) * (len(ACCOUNT) - ACCOUNT_ID_LENGTH)


def _one_or_many(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def _members(perimeter: Perimeter) -> list[tuple[tuple[str, str, str], str | list[str]]]:
    """(keys, value) for each kind of member the perimeter has: the organization, the accounts."""
    members: list[tuple[tuple[str, str, str], str | list[str]]] = []
    if perimeter.org_id:
        members.append((ORG_KEYS, perimeter.org_id))
    if perimeter.accounts:
        members.append((ACCOUNT_KEYS, _one_or_many(perimeter.accounts)))
    return members


def principal_conditions(perimeter: Perimeter) -> list[tuple[str, dict[str, Any]]]:
    """(Sid word, StringEquals tests) requiring the caller inside the perimeter, one per kind of member."""
    return [(keys[0], {keys[1]: value}) for keys, value in _members(perimeter)]


def resource_conditions(perimeter: Perimeter) -> list[tuple[str, dict[str, Any]]]:
    return [(keys[0], {keys[2]: value}) for keys, value in _members(perimeter)]


def _allow(sid: str, actions: str | list[str], resources: str | list[str], tests: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": actions,
                                 "Resource": resources}
    if tests:
        statement["Condition"] = {"StringEquals": tests}
    return statement


def perimeter_policy(perimeter: Perimeter, resource_keys: bool) -> dict[str, Any]:
    """Any action through the endpoint, by identities inside the perimeter, on resources inside it.

    An organization and accounts are alternatives (either may match), and a Condition's keys must all
    hold: so one statement per pair of (who calls, whose resource).
    """
    if not resource_keys:  # the service's actions lack aws:ResourceOrgID / aws:ResourceAccount
        return document([_allow(f"{who}IdentitiesOnly", "*", "*", tests)
                         for who, tests in principal_conditions(perimeter)])
    return document([_allow(f"{who}IdentitiesTo{whose}Resources", "*", "*", {**caller, **owner})
                     for (who, caller), (whose, owner) in product(principal_conditions(perimeter),
                                                                  resource_conditions(perimeter))])


def bucket_arns(arn_prefix: str, bucket: Bucket) -> list[str]:
    return [f"{arn_prefix}:s3:::{bucket.name}", f"{arn_prefix}:s3:::{bucket.name}/*"]


def _bucket_owners(perimeter: Perimeter, account: str | None) -> list[tuple[str, dict[str, Any]]]:
    """Whose buckets a statement reaches: the named owner, else the perimeter."""
    if account is not None:
        return [(f"Owned{account}", {S3_OWNER_KEY: account})]
    return [(f"In{whose}Perimeter", tests) for whose, tests in resource_conditions(perimeter)]


def s3_endpoint_policy(region: Region, buckets: tuple[Bucket, ...], implied_buckets: tuple[ImpliedBucket, ...],
                       perimeter: Perimeter, account: str) -> dict[str, Any]:
    """The S3 gateway endpoint's policy: each listed bucket at its access level, and the buckets
    workloads and services need; `account` is the deploying account (`deploying`)."""
    arn_prefix = catalog.partition_arn_prefix(region)
    groups: dict[tuple[Access, str | None], list[Bucket]] = {}
    for bucket in buckets:
        groups.setdefault((bucket.access, bucket.account), []).append(bucket)
    statements = []
    callers = principal_conditions(perimeter)
    for access in Access:
        for (level, owner_account), grouped in sorted(groups.items(), key=lambda g: g[0][1] or ""):
            if level is not access:
                continue
            arns = sorted(arn for b in grouped for arn in bucket_arns(arn_prefix, b))
            for (who, caller), (whose, owner) in product(callers, _bucket_owners(perimeter, owner_account)):
                sid = f"{_ACCESS_SID[access]}Buckets{whose}" + (f"By{who}Identities" if len(callers) > 1 else "")
                statements.append(_allow(sid, list(S3_ACTIONS[access]), arns, {**caller, **owner}))
    for implied in implied_buckets:
        statements += implied_bucket_statements(arn_prefix, implied, perimeter, account)
    return document(statements)


def implied_bucket_statements(arn_prefix: str, implied: ImpliedBucket, perimeter: Perimeter,
                              account: str = ACCOUNT) -> list[dict[str, Any]]:
    """Exact statements for a bucket a workload or service needs (ECR layers, JumpStart models, ...).

    AWS-owned buckets carry no condition: ECR's layers, for one, are fetched with URLs that an ECR
    account signs, so the caller is not a principal of this account, and the owner is AWS (the
    data-perimeter examples' "AllowRequestsToAWSOwnedResources"). The account's own buckets are
    inside the perimeter like any listed bucket.
    """
    bucket = implied.bucket
    arns = [f"{arn_prefix}:s3:::{implied.name}/*"]
    if not bucket.objects_only:
        arns.insert(0, f"{arn_prefix}:s3:::{implied.name}")
    if bucket.owner == "aws":
        return [_allow(bucket.sid, list(bucket.actions), arns, {})]
    callers = principal_conditions(perimeter)
    return [_allow(bucket.sid + (f"By{who}Identities" if len(callers) > 1 else ""), list(bucket.actions), arns,
                   {**caller, S3_OWNER_KEY: account}) for who, caller in callers]


def endpoint_policy_json(service: catalog.Service, perimeter: Perimeter, s3: Callable[[], dict[str, Any]]
                         ) -> str | None:
    """The policy an endpoint of `service` gets, serialised (`to_json`); None when its service takes
    none. `s3`: the S3 gateway endpoint's policy, made only for that endpoint."""
    if not service.accepts_policy:
        return None
    if service.key == "s3" and not service.custom:
        return to_json(s3())
    return _perimeter_policy_json(perimeter, bool(service.resource_keys))


@functools.lru_cache(maxsize=256)
def _perimeter_policy_json(perimeter: Perimeter, resource_keys: bool) -> str:
    """`perimeter_policy` depends on the perimeter and on whether the service has resource keys
    alone: every interface endpoint of a network (and most networks) share its text, made once."""
    return to_json(perimeter_policy(perimeter, resource_keys))


def deny_outside_endpoint(arn_prefix: str, bucket: Bucket, vpce_ref: str, exceptions: tuple[str, ...]) -> dict[str, Any]:
    """Bucket policy that refuses any S3 request not arriving through the VPC endpoint.

    AWS services keep working on the bucket: their own service principals
    (aws:PrincipalIsAWSService) and requests they make with a caller's credentials
    (aws:ViaAWSService, e.g. SageMaker or Athena reading on a role's behalf) are not denied,
    as in AWS's network-perimeter examples. `exceptions` are principals (a break-glass role)
    that keep access from anywhere. Source: IAM User Guide, aws:PrincipalIsAWSService and
    aws:ViaAWSService; data-perimeter-policy-examples, network perimeter policies.
    """
    condition: dict[str, Any] = {"StringNotEqualsIfExists": {"aws:SourceVpce": vpce_ref},
                                 "BoolIfExists": {"aws:PrincipalIsAWSService": "false", "aws:ViaAWSService": "false"}}
    if exceptions:
        condition["ArnNotLikeIfExists"] = {"aws:PrincipalArn": list(exceptions)}
    return document([{"Sid": "DenyAccessOutsideVpcEndpoint", "Effect": "Deny", "Principal": "*",
                      "Action": "s3:*", "Resource": bucket_arns(arn_prefix, bucket), "Condition": condition}])


def flow_logs_trust_policy(arn_prefix: str, region: str, account: str = ACCOUNT) -> dict[str, Any]:
    # Conditions stop another account's flow logs from assuming this role (confused deputy).
    return document([{"Sid": "VpcFlowLogsOfThisAccount", "Effect": "Allow",
                      "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                      "Action": "sts:AssumeRole",
                      "Condition": {"StringEquals": {"aws:SourceAccount": account},
                                    "ArnLike": {"aws:SourceArn": f"{arn_prefix}:ec2:{region}:{account}:vpc-flow-log/*"}}}])


def flow_logs_write_policy(log_group_arn_ref: str) -> dict[str, Any]:
    return document([{"Sid": "WriteFlowLogsToItsLogGroup", "Effect": "Allow",
                      "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                      "Resource": [log_group_arn_ref, f"{log_group_arn_ref}:*"]}])


def log_group_arn(arn_prefix: str, region: str, name: str, account: str = ACCOUNT) -> str:
    """A log group's ARN built from its name (the key policy must name it before the group exists)."""
    return f"{arn_prefix}:logs:{region}:{account}:log-group:{name}"


def logs_key_policy(arn_prefix: str, logs_principal: str, log_group_arns: list[str],
                    account: str = ACCOUNT) -> dict[str, Any]:
    """Key policy: the account administers the key; CloudWatch Logs uses it for these log groups only.

    Source: CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management
    Service": the logs.<region> service principal, the kms:Encrypt*/Decrypt*/ReEncrypt*/
    GenerateDataKey*/Describe* actions, and kms:EncryptionContext:aws:logs:arn = the log group ARN;
    the account root statement is KMS's default key policy, without which the key is unmanageable.
    """
    return document([
        {"Sid": "AccountAdministersTheKey", "Effect": "Allow",
         "Principal": {"AWS": f"{arn_prefix}:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchLogsEncryptsTheseLogGroups", "Effect": "Allow",
         "Principal": {"Service": logs_principal},
         "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
         "Resource": "*",
         "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": sorted(log_group_arns)}}},
    ])
