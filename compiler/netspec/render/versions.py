"""versions.tf.json and provider.tf.json."""

from __future__ import annotations

from ..model import Network
from .tf import Body, literal

# Terraform >= 1.5: the JSON syntax and provider features the module relies on, and
# the oldest release line still commonly in CI images. < 2.0: a major release may change the language.
REQUIRED_TERRAFORM = ">= 1.5.0, < 2.0.0"
# hashicorp/aws 5.x: the resource schemas emitted here (notably aws_vpc_security_group_*_rule)
# are those of the 5.x line, tested with 5.100.0. 6.0 is a major release with breaking
# changes (per-resource region, removed arguments), so it is excluded until tested.
AWS_PROVIDER_VERSION = ">= 5.0.0, < 6.0.0"


def versions(network: Network) -> Body:
    return {"terraform": {
        "//": f"Terraform {REQUIRED_TERRAFORM} and hashicorp/aws {AWS_PROVIDER_VERSION}: "
              "the generated resources use the aws provider 5.x schemas (tested with 5.100.0); "
              "major versions are excluded until tested.",
        "required_version": REQUIRED_TERRAFORM,
        "required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}},
    }}


def provider(network: Network) -> Body:
    return {"provider": {"aws": {"region": literal(network.region.name)}}}
