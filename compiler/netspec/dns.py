"""DNS Firewall data: the domains a private network must resolve to reach AWS (pure data and one function).

With a DNS Firewall, only these domains (and those the spec adds) resolve; the rest is blocked,
closing DNS as a way out. Sources, read 2026-11-29:
  - AWS General Reference, "AWS service endpoints": regional endpoints are
    <service>.<region>.amazonaws.com, in China <service>.<region>.amazonaws.com.cn; interface
    endpoints with private DNS answer for those same names.
  - Amazon VPC User Guide, "DNS attributes for your VPC": private DNS hostnames are
    ip-<address>.ec2.internal in us-east-1 and ip-<address>.<region>.compute.internal elsewhere.
  - SageMaker Developer Guide, "Connect to SageMaker Studio through an interface VPC endpoint" and
    "Connect to a notebook instance through a VPC interface endpoint": the UIs are served from
    <id>.studio.<region>.sagemaker.aws and <name>.notebook.<region>.sagemaker.aws.
  - Route 53 Developer Guide, "Domain lists": `*.example.com` matches subdomains only, so a
    domain and its subdomains are listed both.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Iterable, Mapping

from .regions import Region

# Catalog services whose endpoints answer for names outside the partition's service domain.
SERVICE_DOMAINS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "sagemaker.studio": ("studio.{region}.sagemaker.aws",),
    "sagemaker.notebook": ("notebook.{region}.sagemaker.aws",),
})

_SERVICE_DOMAIN = {"aws": "amazonaws.com", "aws-us-gov": "amazonaws.com", "aws-cn": "amazonaws.com.cn"}


def _with_subdomains(domain: str) -> tuple[str, str]:
    return domain, f"*.{domain}"


def aws_domains(region: Region, service_keys: Iterable[str]) -> tuple[str, ...]:
    """The domains AWS's own endpoints and the VPC's internal names live under, for this network."""
    internal = "ec2.internal" if region.name == "us-east-1" else f"{region.name}.compute.internal"
    domains = [*_with_subdomains(_SERVICE_DOMAIN[region.partition]), *_with_subdomains(internal)]
    for key in service_keys:
        for template in SERVICE_DOMAINS.get(key, ()):
            domains += _with_subdomains(template.format(region=region.name))
    return tuple(dict.fromkeys(domains))
