"""VPC endpoint services netspec can create, and how their endpoint service names are formed.

Each service says, per partition, which service-name template it uses there; a partition
that is missing from a service's table is one netspec refuses for that service, rather than
guessing a name that `aws ec2 describe-vpc-endpoint-services` might not list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Mapping

from .regions import Region

_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


class EndpointType(str, Enum):
    GATEWAY = "Gateway"
    INTERFACE = "Interface"


class UnsupportedService(Exception):
    """The service is not offered by netspec in the requested partition or region."""


@dataclass(frozen=True)
class Naming:
    """How one partition names a service's endpoint service."""

    template: str  # with a "{region}" placeholder, e.g. "com.amazonaws.{region}.s3"
    regions: frozenset[str] | None = None  # None: every region of the partition


@dataclass(frozen=True)
class Service:
    key: str  # the spec's name: "s3", "sagemaker.api", ...
    endpoint_type: EndpointType
    accepts_policy: bool  # the endpoint accepts an endpoint policy document
    private_dns: bool  # interface endpoint supports private DNS (gateway: False)
    summary: str  # one short line for docs
    naming: tuple[tuple[str, Naming], ...]  # (partition, naming); absent partition = refused

    def naming_for(self, partition: str) -> Naming | None:
        for name, naming in self.naming:
            if name == partition:
                return naming
        return None


def _com(suffix: str, regions: frozenset[str] | None = None) -> Naming:
    return Naming("com.amazonaws.{region}." + suffix, regions)


def _cn(suffix: str) -> Naming:
    return Naming("cn.com.amazonaws.{region}." + suffix)


def _sagemaker(suffix: str) -> Naming:
    return Naming("aws.sagemaker.{region}." + suffix)


# Commercial Regions where CodeCommit exists.
# Source: CodeCommit User Guide, "Regions and Git connection endpoints"
# (docs.aws.amazon.com/codecommit/latest/userguide/regions.html), matching the CodeCommit
# rows of the AWS General Reference endpoint table; checked 2026-11-28.
_CODECOMMIT_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
        "af-south-1", "il-central-1", "me-central-1", "me-south-1",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
        "ap-southeast-2", "ap-southeast-3", "ap-south-1", "ap-south-2", "ap-east-1",
    }
)  # fmt: skip

# Regions where CodeArtifact exists (all commercial).
# Source: CodeArtifact User Guide, "Create the Amazon S3 gateway endpoint" (per-Region asset
# bucket table, docs.aws.amazon.com/codeartifact/latest/ug/create-s3-gateway-endpoint.html),
# matching the CodeArtifact rows of the AWS General Reference; checked 2026-11-28.
_CODEARTIFACT_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-2",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "eu-central-1",
        "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    }
)  # fmt: skip

# The services, in documentation order.
# Sources (checked 2026-11-28):
#   - PrivateLink Guide, "AWS services that integrate with AWS PrivateLink"
#     (docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html) and
#     its China edition (docs.amazonaws.cn/en_us/vpc/latest/privatelink/...): service names.
#   - SageMaker Developer Guide, "Connect to a Notebook Instance Through a VPC Interface
#     Endpoint": aws.sagemaker.<region>.notebook, private DNS, every Region with SageMaker.
#   - CodeArtifact User Guide, "Create VPC endpoints for CodeArtifact": codeartifact.api and
#     codeartifact.repositories, both created with private DNS.
#   - ECR User Guide, "Amazon ECR interface VPC endpoints": ecr.api, ecr.dkr and the S3
#     gateway; China cross-Region PrivateLink page: cn.com.amazonaws.<region>.ecr.api/.dkr and
#     com.amazonaws.<region>.kms.
#   - aws ec2 describe-vpc-endpoint-services output for cn-north-1 and cn-northwest-1 as
#     published in aws/aws-cdk PRs #16139 and #25333: aws.sagemaker.<region>.notebook/.studio
#     and cn.com.amazonaws.<region>.{sagemaker.api, sagemaker.runtime, monitoring, sts,
#     ecr.api, ecr.dkr}; S3 and DynamoDB gateways keep com.amazonaws.<region>.
#   - EC2 CLI example of describe-vpc-endpoint-services: gateway services report
#     VpcEndpointPolicySupported true.
# Refused (no name confirmed): aws-cn logs, ssm, secretsmanager, codecommit, git-codecommit,
# codeartifact.*; aws-us-gov sagemaker.notebook, sagemaker.studio, codecommit,
# git-codecommit, codeartifact.* (CodeArtifact exists in neither partition).
# accepts_policy is False where no page confirmed that the endpoint takes a policy document
# (sagemaker.notebook, sagemaker.studio, codecommit, git-codecommit).
# columns: key, endpoint type, accepts_policy, private_dns, summary, naming per partition
_G, _I = EndpointType.GATEWAY, EndpointType.INTERFACE
_SERVICE_TABLE: tuple[tuple[str, EndpointType, bool, bool, str, dict[str, Naming]], ...] = (
    ("s3", _G, True, False, "Amazon S3 (gateway)",
     {"aws": _com("s3"), "aws-us-gov": _com("s3"), "aws-cn": _com("s3")}),
    ("dynamodb", _G, True, False, "Amazon DynamoDB (gateway)",
     {"aws": _com("dynamodb"), "aws-us-gov": _com("dynamodb"), "aws-cn": _com("dynamodb")}),
    ("sagemaker.api", _I, True, True, "SageMaker API",
     {"aws": _com("sagemaker.api"), "aws-us-gov": _com("sagemaker.api"),
      "aws-cn": _cn("sagemaker.api")}),
    ("sagemaker.runtime", _I, True, True, "SageMaker Runtime (model invocation)",
     {"aws": _com("sagemaker.runtime"), "aws-us-gov": _com("sagemaker.runtime"),
      "aws-cn": _cn("sagemaker.runtime")}),
    ("sagemaker.notebook", _I, False, True, "SageMaker notebook instances",
     {"aws": _sagemaker("notebook"), "aws-cn": _sagemaker("notebook")}),
    ("sagemaker.studio", _I, False, True, "SageMaker Studio",
     {"aws": _sagemaker("studio"), "aws-cn": _sagemaker("studio")}),
    ("sts", _I, True, True, "AWS STS",
     {"aws": _com("sts"), "aws-us-gov": _com("sts"), "aws-cn": _cn("sts")}),
    ("logs", _I, True, True, "CloudWatch Logs",
     {"aws": _com("logs"), "aws-us-gov": _com("logs")}),
    ("monitoring", _I, True, True, "CloudWatch metrics",
     {"aws": _com("monitoring"), "aws-us-gov": _com("monitoring"),
      "aws-cn": _cn("monitoring")}),
    ("ecr.api", _I, True, True, "Amazon ECR API",
     {"aws": _com("ecr.api"), "aws-us-gov": _com("ecr.api"), "aws-cn": _cn("ecr.api")}),
    ("ecr.dkr", _I, True, True, "Amazon ECR Docker registry",
     {"aws": _com("ecr.dkr"), "aws-us-gov": _com("ecr.dkr"), "aws-cn": _cn("ecr.dkr")}),
    ("kms", _I, True, True, "AWS KMS",
     {"aws": _com("kms"), "aws-us-gov": _com("kms"), "aws-cn": _com("kms")}),
    ("ssm", _I, True, True, "Systems Manager",
     {"aws": _com("ssm"), "aws-us-gov": _com("ssm")}),
    ("secretsmanager", _I, True, True, "Secrets Manager",
     {"aws": _com("secretsmanager"), "aws-us-gov": _com("secretsmanager")}),
    ("codecommit", _I, False, True, "CodeCommit API",
     {"aws": _com("codecommit", _CODECOMMIT_REGIONS)}),
    ("git-codecommit", _I, False, True, "CodeCommit Git (HTTPS/SSH)",
     {"aws": _com("git-codecommit", _CODECOMMIT_REGIONS)}),
    ("codeartifact.api", _I, True, True, "CodeArtifact API",
     {"aws": _com("codeartifact.api", _CODEARTIFACT_REGIONS)}),
    ("codeartifact.repositories", _I, True, True, "CodeArtifact repositories (package managers)",
     {"aws": _com("codeartifact.repositories", _CODEARTIFACT_REGIONS)}),
)  # fmt: skip

SERVICES: Mapping[str, Service] = MappingProxyType(
    {
        key: Service(
            key=key,
            endpoint_type=kind,
            accepts_policy=policy,
            private_dns=dns,
            summary=summary,
            naming=tuple((p, naming[p]) for p in _PARTITIONS if p in naming),
        )
        for key, kind, policy, dns, summary, naming in _SERVICE_TABLE
    }
)


def _refusal(service: Service, region: Region) -> str | None:
    """Why ``service`` cannot be used in ``region``, or None when it can."""
    naming = service.naming_for(region.partition)
    if naming is None:
        return (
            f"service {service.key!r} is not offered by netspec in partition "
            f"{region.partition} (region {region.name})"
        )
    if naming.regions is not None and region.name not in naming.regions:
        return (
            f"service {service.key!r} is not offered by netspec in region {region.name} "
            f"(partition {region.partition}); it is offered in: {', '.join(sorted(naming.regions))}"
        )
    return None


def available_in(service: Service, region: Region) -> bool:
    return _refusal(service, region) is None


def endpoint_service_name(service: Service, region: Region) -> str:
    """The endpoint service name to pass to aws_vpc_endpoint.service_name."""
    reason = _refusal(service, region)
    if reason is not None:
        raise UnsupportedService(reason)
    naming = service.naming_for(region.partition)
    assert naming is not None
    return naming.template.format(region=region.name)


# ARN partition prefixes.
# Source: IAM User Guide, "Identify AWS resources with Amazon Resource Names (ARNs)", and
# "ARNs for Amazon Web Services in China" (arn:aws-cn); checked 2026-11-28.
_ARN_PREFIX: Mapping[str, str] = MappingProxyType(
    {"aws": "arn:aws", "aws-cn": "arn:aws-cn", "aws-us-gov": "arn:aws-us-gov"}
)


def partition_arn_prefix(region: Region) -> str:
    try:
        return _ARN_PREFIX[region.partition]
    except KeyError:
        raise ValueError(f"unknown partition {region.partition!r} for region {region.name}") from None


def ecr_layer_bucket_arn(region: Region) -> str:
    """Objects of the S3 bucket that holds ECR image layers, for an S3 gateway endpoint policy.

    Source: ECR User Guide, "Minimum Amazon S3 bucket permissions for Amazon ECR"
    (prod-<region>-starport-layer-bucket); bucket name form also seen in the AWS CLI
    `ecr get-download-url-for-layer` example; checked 2026-11-28.
    """
    return f"{partition_arn_prefix(region)}:s3:::prod-{region.name}-starport-layer-bucket/*"
