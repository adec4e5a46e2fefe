"""Compile throughput: netspec against the floor of merely parsing and serialising.

For 1, 100 and 1000 generated specs, time `compile_bytes` (load, schema, rules,
model, render) and, as the floor, `yaml.safe_load` of the same text plus
`json.dumps` of the same output documents. Prints specs per second for both.

    python bench/bench_compile.py [--sizes 1 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time

import yaml

from netspec import compile_bytes

REGIONS = {"us-east-1": "abcdef", "eu-west-1": "abc", "us-west-2": "abcd", "ap-southeast-2": "abc"}
SERVICES = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "monitoring", "kms", "ecr.api", "ecr.dkr", "ssm"]


def generated_spec(i: int) -> bytes:
    rng = random.Random(i)  # same specs on every run
    region = rng.choice(sorted(REGIONS))
    letters = rng.sample(REGIONS[region], k=rng.randint(2, len(REGIONS[region])))
    services = ["s3"] + rng.sample(SERVICES, k=rng.randint(1, 6))
    if "ecr.dkr" in services and "ecr.api" not in services:
        services.append("ecr.api")
    buckets = "".join(f"  - {{name: team-{i}-bucket-{b}, access: {rng.choice(['read', 'write', 'read-write'])}}}\n"
                      for b in range(rng.randint(1, 8)))
    return (f"netspec: 1\nname: team-{i}\nregion: {region}\ncidr: 10.{i % 250}.0.0/16\n"
            f"azs: [{', '.join(region + z for z in sorted(letters))}]\nservices: [{', '.join(services)}]\n"
            f"buckets:\n{buckets}tags: {{team: team-{i}, cost-center: \"{1000 + i}\"}}\n").encode()


def best_of(repeat: int, work) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, best of {args.repeat}")
    print(f"{'specs':>6} {'netspec specs/s':>16} {'floor specs/s':>14} {'ratio':>6}")
    for size in args.sizes:
        specs = [(generated_spec(i), f"team-{i}.yaml") for i in range(size)]
        results = [compile_bytes(raw, path) for raw, path in specs]
        assert all(r.ok for r in results), [r.findings for r in results if not r.ok][:1]
        documents = [[json.loads(text) for text in r.files.values()] for r in results]

        def compile_all() -> None:
            for raw, path in specs:
                compile_bytes(raw, path)

        def floor() -> None:
            for (raw, _), docs in zip(specs, documents):
                yaml.safe_load(raw)
                for doc in docs:
                    json.dumps(doc, indent=2, sort_keys=True)

        ours, base = best_of(args.repeat, compile_all), best_of(args.repeat, floor)
        print(f"{size:>6} {size / ours:>16.0f} {size / base:>14.0f} {ours / base:>5.1f}x")


if __name__ == "__main__":
    main()
