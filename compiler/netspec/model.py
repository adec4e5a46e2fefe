"""The network model: what a valid spec means, as frozen data.

Built only from a spec that passed every check (see `build.py`); renderers read
it and nothing else.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from .catalog import EndpointType, Service
from .regions import Region


class Access(str, enum.Enum):
    READ = "read"
    WRITE = "write"
    READ_WRITE = "read-write"


@dataclass(frozen=True)
class Bucket:
    name: str  # may end in `*`: a prefix wildcard
    access: Access

    @property
    def is_wildcard(self) -> bool:
        return self.name.endswith("*")


@dataclass(frozen=True)
class Subnet:
    zone: str  # as written in the spec: a zone name or a zone ID
    cidr: ipaddress.IPv4Network
    is_zone_id: bool

    @property
    def key(self) -> str:
        """Terraform-safe suffix that depends only on the zone: addresses never renumber."""
        return self.zone.replace("-", "_")


@dataclass(frozen=True)
class Endpoint:
    service: Service
    service_name: str  # e.g. com.amazonaws.us-east-1.sts

    @property
    def key(self) -> str:
        return self.service.key.replace(".", "_").replace("-", "_")

    @property
    def is_gateway(self) -> bool:
        return self.service.endpoint_type is EndpointType.GATEWAY


@dataclass(frozen=True)
class FlowLogs:
    retention_days: int


@dataclass(frozen=True)
class Source:
    """Where the model came from; printed in every generated file's header."""

    name: str  # file name of the spec, e.g. ds-team.yaml
    sha256: str


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

    @property
    def gateway_endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if e.is_gateway)

    @property
    def interface_endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if not e.is_gateway)

    def endpoint(self, service_key: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.service.key == service_key), None)
