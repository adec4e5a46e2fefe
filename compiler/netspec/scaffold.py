"""`netspec init`: a commented starting spec that compiles as it is."""

from __future__ import annotations

import re

from . import catalog, regions

NAME_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,38}[a-z0-9]")  # whole names only: use fullmatch

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# netspec spec for {name}. Compile with `netspec compile`; every key is described by `netspec schema`.
netspec: 1

# Names out/{name}/ and every resource. Lowercase letters, digits and '-'.
name: {name}

# The AWS region, and two or more of its Availability Zones: zone names ({zone_a})
# or zone IDs ({zone_id}), not mixed. Adding a zone later never moves another zone's subnet.
region: {region}
azs: [{zones}]

# The VPC's IPv4 block (/16 to /28). Each zone gets a fixed slot of it; pick a block that
# overlaps no other network you may want to peer with.
cidr: 10.0.0.0/16
# subnet_prefix: 20             # optional: size of each zone's subnet (default: the largest that fits every zone)
# subnets:                      # optional: explicit blocks instead, one per zone listed in azs
#   {zone_a}: 10.0.1.0/24

# AWS services reachable through VPC endpoints (`netspec services` lists them all).
# There is no internet access: anything not listed here is unreachable.{left_out}
services: [{services}]

# The only buckets the S3 endpoint lets through: read, write or read-write.
# A trailing * is a prefix wildcard (team-data-*).
buckets:
  - name: {name}-data
    access: read

# Put on every taggable resource.
tags:
  team: {name}

# VPC flow logs are on by default (365 days). `flow_logs: false` turns them off.
# flow_logs:
#   retention_days: 365
"""


# What a data-science network usually needs: S3 for data, SageMaker's API and runtime, STS for
# credentials, CloudWatch Logs for training and endpoint logs. Each is kept only where the
# catalog offers it (catalog.available_in), so the scaffold validates in every partition.
DEFAULT_SERVICES = ("s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs")


def default_services(region: regions.Region) -> tuple[list[str], list[str]]:
    """(offered, left out) of DEFAULT_SERVICES in `region`."""
    offered = [s for s in DEFAULT_SERVICES if catalog.available_in(catalog.SERVICES[s], region)]
    return offered, [s for s in DEFAULT_SERVICES if s not in offered]


def scaffold(name: str, region_name: str, schema_ref: str) -> str:
    """The starting spec; `name` and `region_name` must already be valid."""
    region = regions.region(region_name)
    assert region is not None
    zones = [f"{region.name}{letter}" for letter in region.zone_letters[:2]]
    offered, missing = default_services(region)
    left_out = "".join(f"\n# {s} ({catalog.SERVICES[s].summary}) is left out: netspec does not offer it in "
                       f"{region.name} (partition {region.partition})." for s in missing)
    return TEMPLATE.format(name=name, region=region.name, zones=", ".join(zones), zone_a=zones[0],
                           zone_id=f"{region.zone_id_prefix}-az1", schema=schema_ref,
                           services=", ".join(offered), left_out=left_out)
