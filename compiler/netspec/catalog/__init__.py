"""VPC endpoint services netspec can create, and how their endpoint service names are formed.

The catalog is data (`services.py`, `buckets.py`): each service says, per partition, which
service-name template it uses there; a partition missing from a service's table is one
netspec refuses for that service, rather than guessing a name that
`aws ec2 describe-vpc-endpoint-services` might not list. Every fact carries the AWS page it
comes from. This module holds the types and the few functions that read the data.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Mapping

from ..regions import Region

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")

# Where the endpoint service names, private DNS support and regional availability come from.
PRIVATELINK_SERVICES = "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html"
PRIVATELINK_CHINA = "https://docs.amazonaws.cn/en_us/vpc/latest/privatelink/aws-services-privatelink-support.html"
GOVCLOUD_ENDPOINTS = "https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-vpc-endpoints.html"


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
    source: str = ""  # the service's own page on using it through an interface or gateway endpoint
    # Its actions carry aws:ResourceAccount / aws:ResourceOrgID, so an endpoint policy can keep
    # requests to resources inside the perimeter (False: only the caller can be checked).
    resource_keys: bool = True
    implies_buckets: tuple[str, ...] = ()  # AWS-owned buckets (buckets.py keys) its clients fetch through S3
    custom: bool = False  # a team's own PrivateLink service, not from the catalog
    # Facts no source confirmed ("accepts_policy", "private_dns"): set to the safe side, and checked
    # against the EC2 API at plan time by a precondition in the generated module.
    unconfirmed: tuple[str, ...] = ()

    def naming_for(self, partition: str) -> Naming | None:
        for name, naming in self.naming:
            if name == partition:
                return naming
        return None

    @property
    def partitions(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.naming)


@dataclass(frozen=True)
class AwsBucket:
    """A bucket the S3 endpoint policy must let through for a workload or service to work."""

    key: str
    sid: str  # the S3 endpoint policy statement that lets it through
    template: str  # "{region}" and, for the account's own buckets, "{account}"
    actions: tuple[str, ...]
    objects_only: bool  # the statement names only the objects ("bucket/*"), not the bucket itself
    owner: str  # "aws": owned by AWS; "account": the deploying account's own (named by AWS's convention)
    summary: str
    source: str


from .buckets import AWS_BUCKETS  # noqa: E402  (data modules need the types above)
from .services import SERVICE_TABLE, WRONG_NAMES  # noqa: E402

SERVICES: Mapping[str, Service] = MappingProxyType({s.key: s for s in SERVICE_TABLE})


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


def suggestion(name: str) -> str:
    """A hint for a name that is not in the catalog: the right name(s) for a common mistake, else the closest."""
    if name in WRONG_NAMES:
        keys = WRONG_NAMES[name]
        return f"`{name}` is not an endpoint service name; use {' and/or '.join(f'`{k}`' for k in keys)}"
    guess = difflib.get_close_matches(name, list(SERVICES), n=1, cutoff=0.6)
    return f"did you mean `{guess[0]}`?" if guess else "`netspec services` lists the catalog"


# Your own endpoint services: com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>.
# Source: PrivateLink Guide, "Create a service powered by AWS PrivateLink" (endpoint service
# names have this form; the ID is "vpce-svc-" and 17 hexadecimal characters), and
# "Share your services through AWS PrivateLink"; checked 2026-11-29.
CUSTOM_SERVICE_NAME = re.compile(r"com\.amazonaws\.vpce\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.vpce-svc-[0-9a-f]{17}")
CUSTOM_SERVICE_SOURCE = "https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html"


def custom_service(name: str, service_name: str, *, private_dns: bool, accepts_policy: bool) -> Service:
    """A team's own PrivateLink service as a catalog-shaped Service (interface, this one name)."""
    return Service(key=name, endpoint_type=EndpointType.INTERFACE, accepts_policy=accepts_policy,
                   private_dns=private_dns, summary=f"own PrivateLink service {service_name}",
                   naming=tuple((p, Naming(service_name)) for p in PARTITIONS), source=CUSTOM_SERVICE_SOURCE,
                   resource_keys=False, custom=True)


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


def bucket_name(bucket: AwsBucket, region: Region, account: str) -> str:
    return bucket.template.format(region=region.name, account=account)


def ecr_layer_bucket_arn(region: Region) -> str:
    """Objects of the S3 bucket that holds ECR image layers (kept for the audit's own expectations)."""
    return f"{partition_arn_prefix(region)}:s3:::{bucket_name(AWS_BUCKETS['ecr-layers'], region, '')}/*"
