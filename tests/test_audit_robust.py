"""`netspec audit` never crashes: on modules and plans of any shape it reports findings, not a traceback.

Seeded random mutations (deterministic, a few seconds): each replaces a few values of a
compiled example (or of a small plan) by values of the wrong shape, broken templates or
broken policies, and the audit must still return findings.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any, Iterator

import pytest

from audit_support import OUT, SPECS, plan_document
from netspec.audit import audit
from netspec.audit.config import load_config
from netspec.audit.plan import plan_module
from netspec.audit.spec import read_expectation

ODD: tuple[Any, ...] = (
    None, 0, -1, True, 1.5, "", "${", "${var.x}", "0.0.0.0/0", "::/0", "x${aws_vpc.main.id}", "${aws_vpc.main}",
    "pl-1", "igw-1", "vgw-1", [], {}, [None], [{}], [[["deep"]]], {"a": None}, {"ingress": "x"}, {"content": 5},
    ["0.0.0.0/1", "${0}"], {"references": 5}, {"references": ["data", 7]}, "{}", '{"Statement": 1}',
    '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": 5}, "Action": 3, "Resource": [1], '
    '"Condition": {"StringEquals": 3, "StringLike": {"aws:PrincipalAccount": [1, {}]}}}]}',
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from paths(inner, prefix + (key,))


def mutate(document: Any, rng: random.Random) -> Any:
    document = copy.deepcopy(document)
    for _ in range(rng.randint(1, 5)):
        *parents, last = rng.choice(list(paths(document)))
        container = document
        for key in parents:
            container = container[key]
        container[last] = copy.deepcopy(rng.choice(ODD))
    return document


@pytest.mark.parametrize("seed", range(4))
def test_mutated_modules_never_crash_the_audit(seed, tmp_path):
    rng = random.Random(seed)
    specs = {p.stem: read_expectation(p) for p in SPECS.glob("*.yaml")}
    for trial in range(100):
        example = rng.choice(sorted(specs))
        folder = tmp_path / str(trial)
        folder.mkdir()
        files = []
        for path in sorted((OUT / example).glob("*.tf.json")):
            document = json.loads(path.read_text())
            (folder / path.name).write_text(json.dumps(mutate(document, rng) if rng.random() < 0.5 else document))
            files.append(folder / path.name)
        audit([load_config(str(folder), files)], specs[example] if trial % 2 else None)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_plans_never_crash_the_audit(seed):
    rng = random.Random(seed)
    base = plan_document([
        {"type": "aws_vpc_endpoint", "name": "s3", "values": {"service_name": "com.amazonaws.us-east-1.s3",
                                                              "policy": '{"Statement": []}'}},
        {"type": "aws_route", "name": "r", "values": {"destination_cidr_block": "0.0.0.0/1"}},
        {"type": "aws_security_group", "name": "g", "values": {"ingress": [{"cidr_blocks": ["10.0.0.0/8"]}]}}])
    spec = read_expectation(SPECS / "ds-team.yaml")
    for trial in range(100):
        audit([plan_module(mutate(base, rng), "plan.json")], spec if trial % 2 else None)


def test_the_mutations_reach_the_checks(tmp_path):
    # Not a vacuous test: mutated modules do produce findings of many codes.
    rng = random.Random(0)
    seen = set()
    for trial in range(60):
        folder = tmp_path / str(trial)
        folder.mkdir()
        files = []
        for path in sorted((OUT / "ds-team").glob("*.tf.json")):
            (folder / path.name).write_text(json.dumps(mutate(json.loads(path.read_text()), rng)))
            files.append(folder / path.name)
        seen |= {f.code for f in audit([load_config(str(folder), files)])}
    assert len(seen) >= 6, seen


