"""The network model: what a valid spec means, as frozen data.

Built only from a spec that passed every check (see `build.py`); renderers read
it and nothing else.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from .backends import StateBackend
from .catalog import AwsBucket, EndpointType, Service
from .regions import Region
from .workloads import Traffic


class Access(str, enum.Enum):
    READ = "read"
    WRITE = "write"
    READ_WRITE = "read-write"


@dataclass(frozen=True)
class Reason:
    """Why a part of the network exists: who asked for it, and the AWS page that says it is needed."""

    by: str  # "spec", "workload studio", "workload training (via jumpstart)", "service ecr.dkr", "netspec"
    why: str = ""
    source: str = ""


SPEC = Reason("spec", "listed in the spec")


@dataclass(frozen=True)
class Bucket:
    name: str  # may end in `*`: a prefix wildcard
    access: Access
    account: str | None = None  # the owner the S3 statements require (s3:ResourceAccount)

    @property
    def is_wildcard(self) -> bool:
        return self.name.endswith("*")


@dataclass(frozen=True)
class ImpliedBucket:
    """A bucket a workload or service needs that the spec does not list: AWS-owned, or the account's own."""

    bucket: AwsBucket
    name: str  # resolved for the region; may hold the account placeholder of policies.ACCOUNT
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class GroupTraffic:
    """Traffic allowed between members of the workload security group, in both directions."""

    traffic: Traffic
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Ipam:
    """A VPC whose block AWS VPC IPAM allocates at apply time, from this pool, of this size."""

    pool_id: str
    netmask: int


@dataclass(frozen=True)
class Subnet:
    zone: str  # as written in the spec: a zone name or a zone ID
    cidr: ipaddress.IPv4Network  # with IPAM: its place in a frame 0.0.0.0/netmask (Network.ipam), not an address
    is_zone_id: bool
    relative: bool = False  # True with IPAM: `cidr` is a slot of the VPC block, known only after apply

    @property
    def slot(self) -> int:
        """Which subnet of its size the VPC block holds it at (its stable per-zone slot)."""
        return (int(self.cidr.network_address) >> (32 - self.cidr.prefixlen)) & ((1 << self.cidr.prefixlen) - 1)

    @property
    def text(self) -> str:
        return f"/{self.cidr.prefixlen} slot {self.slot} of the VPC block" if self.relative else str(self.cidr)

    @property
    def key(self) -> str:
        """Terraform-safe suffix that depends only on the zone: addresses never renumber."""
        return self.zone.replace("-", "_")


@dataclass(frozen=True)
class Endpoint:
    service: Service
    service_name: str  # e.g. com.amazonaws.us-east-1.sts
    zones: tuple[str, ...] = ()  # interface endpoints: the zones whose subnets hold it (as written in the spec)
    reasons: tuple[Reason, ...] = (SPEC,)
    # The endpoint policy document (policies.py), serialised once as the module writes it and its
    # length is checked; None: the service takes none.
    policy_json: str | None = None

    @property
    def key(self) -> str:
        """Terraform-safe name; a team's own service gets a prefix so it can never meet a catalog one."""
        prefix = "custom_" if self.service.custom else ""
        return prefix + self.service.key.replace(".", "_").replace("-", "_")

    @property
    def is_gateway(self) -> bool:
        return self.service.endpoint_type is EndpointType.GATEWAY


@dataclass(frozen=True)
class FlowLogs:
    retention_days: int


@dataclass(frozen=True)
class Perimeter:
    """Who may use the endpoints and what they may reach: an organization and/or accounts.

    Principals must be inside, and so must resources; `accounts` may hold the deploying
    account's placeholder (policies.ACCOUNT), the default when the spec names no perimeter.
    """

    org_id: str | None
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class Firewall:
    """Route 53 Resolver DNS Firewall: these domains resolve; everything else is blocked or alerted."""

    allowed: tuple[str, ...]
    mode: str  # "block" | "alert"


@dataclass(frozen=True)
class Logging:
    """Where the network's logs go: retention, encryption, DNS query logs."""

    retention_days: int
    kms_key: str | None  # the spec's own key ARN; None: netspec creates one
    dns_query_logs: bool


@dataclass(frozen=True)
class Source:
    """Where the model came from; printed in every generated file's header."""

    name: str  # file name of the spec, e.g. ds-team.yaml
    sha256: str
    context: str = ""  # what the repository decided for it (`SpecContext.recorded`), "" for nothing


@dataclass(frozen=True)
class Network:
    name: str
    region: Region
    cidr: ipaddress.IPv4Network
    subnets: tuple[Subnet, ...]
    endpoints: tuple[Endpoint, ...]
    buckets: tuple[Bucket, ...]
    tags: tuple[tuple[str, str], ...]
    flow_logs: FlowLogs | None
    source: Source
    workloads: tuple[str, ...] = ()
    implied_buckets: tuple[ImpliedBucket, ...] = ()
    group_traffic: tuple[GroupTraffic, ...] = ()
    perimeter: Perimeter = Perimeter(None, ())
    logging: Logging = Logging(365, None, False)
    firewall: Firewall | None = None
    bucket_policy_exceptions: tuple[str, ...] = ()
    account: str | None = None  # the AWS account it is for (spec or folder default); None: whichever deploys it
    pool: str | None = None  # the address pool its block lies in (allocated from it, or a literal inside it)
    backend: StateBackend | None = None  # where its state lives (the configuration's template, filled in)
    ipam: Ipam | None = None  # AWS VPC IPAM allocates the block at apply; `cidr` is then a frame 0.0.0.0/netmask

    @property
    def cidr_text(self) -> str:
        """The VPC's block as people read it: the block, or where IPAM will take it from."""
        return f"/{self.ipam.netmask} from IPAM pool {self.ipam.pool_id}" if self.ipam else str(self.cidr)

    @property
    def encrypts_logs_itself(self) -> bool:
        """netspec creates the KMS key: some log group exists and the spec names no key."""
        return (self.flow_logs is not None or self.logging.dns_query_logs) and self.logging.kms_key is None

    @property
    def gateway_endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if e.is_gateway)

    @property
    def interface_endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if not e.is_gateway)

    def endpoint(self, service_key: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.service.key == service_key), None)

    def endpoint_subnets(self, endpoint: Endpoint) -> tuple[Subnet, ...]:
        """The subnets an interface endpoint sits in: those of its zones."""
        return tuple(s for s in self.subnets if s.zone in endpoint.zones)
