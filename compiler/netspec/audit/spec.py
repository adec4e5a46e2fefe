"""What a spec promises about a module, read straight from its YAML.

Deliberately not the compiler's loader and model: the audit must not share the code
whose output it checks. Only the keys NS509 needs are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import workloads as profiles
from ..catalog import AWS_BUCKETS, SERVICES, partition_arn_prefix
from ..regions import region as lookup_region
from .policy import PLACEHOLDER


@dataclass(frozen=True)
class Expectation:
    name: str
    region: str
    services: frozenset[str]
    buckets: tuple[str, ...]  # names as written, a trailing `*` included
    workloads: tuple[str, ...] = ()

    @property
    def arn_prefix(self) -> str:
        known = lookup_region(self.region)
        return partition_arn_prefix(known) if known is not None else "arn:aws"

    def implied_buckets(self) -> set[str]:
        """Buckets (catalog.AWS_BUCKETS keys) the spec's workloads and services need, from the data tables."""
        keys: set[str] = set()
        services = set(self.services)
        pending = [w for w in self.workloads if w in profiles.PROFILES]
        seen: set[str] = set()
        while pending:
            profile = profiles.PROFILES[pending.pop()]
            if profile.key in seen:
                continue
            seen.add(profile.key)
            keys |= {key for key, _ in profile.buckets}
            services |= {key for key, _ in profile.services}
            pending += list(profile.includes)
        keys |= {b for s in services if s in SERVICES for b in SERVICES[s].implies_buckets}
        return keys

    def allowed_s3_resources(self) -> frozenset[str]:
        """The bucket ARNs (and their objects) an S3 endpoint policy may name."""
        names = list(self.buckets)
        for key in self.implied_buckets():
            # ECR layers, JumpStart models, ...: AWS-owned buckets that workloads and services read.
            names.append(AWS_BUCKETS[key].template.format(region=self.region, account=PLACEHOLDER))
        s3 = f"{self.arn_prefix}:s3:::"
        return frozenset(arn for n in names for arn in (s3 + n, s3 + n + "/*"))


class SpecError(ValueError):
    pass


def read_expectation(path: Path) -> Expectation:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if not isinstance(document, dict):
        raise SpecError("spec is not a mapping")
    buckets = []
    for item in document.get("buckets") or []:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            buckets.append(name)
    services = [s.get("name") if isinstance(s, dict) else s for s in document.get("services") or []]
    listed = document.get("workloads") or []
    return Expectation(name=str(document.get("name", "")), region=str(document.get("region", "")),
                       services=frozenset(str(s) for s in services if isinstance(s, str)),
                       buckets=tuple(buckets),
                       workloads=tuple(str(w) for w in listed if isinstance(w, str)))
