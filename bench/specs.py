"""Generated specs for the benchmark: the same bytes on every run, on every machine.

Spec i is team-i: a region, 2 to 6 of its zones, s3 and 1 to 6 interface endpoints, 1 to 8
buckets with their access levels, tags. Each has its own /21 of 10.0.0.0/8 (8,192 of them),
so an organisation of 5,000 specs has no overlaps: the cross-spec checks do all their work
(sorting and comparing every block) and find nothing, as in a healthy repository.
"""

from __future__ import annotations

import random
from pathlib import Path

REGIONS = {"us-east-1": "abcdef", "eu-west-1": "abc", "us-west-2": "abcd", "ap-southeast-2": "abc"}
SERVICES = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "monitoring", "kms", "ecr.api", "ecr.dkr", "ssm"]
MAX_SPECS = 8192  # one /21 of 10.0.0.0/8 each


def cidr(i: int) -> str:
    block = i * 8  # /21: eight /24s
    return f"10.{block // 256}.{block % 256}.0/21"


def generated_spec(i: int) -> bytes:
    assert 0 <= i < MAX_SPECS
    rng = random.Random(i)  # same specs on every run
    region = rng.choice(sorted(REGIONS))
    letters = rng.sample(REGIONS[region], k=rng.randint(2, len(REGIONS[region])))
    services = ["s3"] + rng.sample(SERVICES, k=rng.randint(1, 6))
    if "ecr.dkr" in services and "ecr.api" not in services:
        services.append("ecr.api")
    buckets = "".join(f"  - {{name: team-{i}-bucket-{b}, access: {rng.choice(['read', 'write', 'read-write'])}}}\n"
                      for b in range(rng.randint(1, 8)))
    return (f"netspec: 1\nname: team-{i}\nregion: {region}\ncidr: {cidr(i)}\n"
            f"azs: [{', '.join(region + z for z in sorted(letters))}]\nservices: [{', '.join(services)}]\n"
            f"buckets:\n{buckets}tags: {{team: team-{i}, cost-center: \"{1000 + i}\"}}\n").encode()


def specs(count: int) -> list[tuple[bytes, str]]:
    """The first `count` specs, with the path findings would name."""
    return [(generated_spec(i), f"specs/team-{i}.yaml") for i in range(count)]


def write_specs(folder: Path, count: int) -> Path:
    """A repository of `count` specs: folder/specs/team-<i>.yaml. Returns folder/specs."""
    target = folder / "specs"
    target.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (target / f"team-{i}.yaml").write_bytes(generated_spec(i))
    return target
