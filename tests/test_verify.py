"""`netspec verify`'s pure part: the roots it builds (terraform itself runs in test_terraform.py)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from netspec.verify import MODULES_PER_ROOT, Child, partition, root_module


def _child(i: int, region: str | None = "us-east-1") -> Child:
    return Child(f"team-{i:03}", f"out/team-{i:03}", ("vpc.tf.json",), None if region is None else {"region": region})


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=250), st.integers(min_value=1, max_value=16))
def test_modules_are_split_in_order_into_balanced_roots_of_enough_modules(count, jobs):
    children = [_child(i) for i in range(count)]
    groups = partition(children, jobs)
    assert [c for group in groups for c in group] == children  # every module once, in order
    assert 1 <= len(groups) <= jobs
    if len(groups) > 1:
        assert min(map(len, groups)) >= MODULES_PER_ROOT
        assert max(map(len, groups)) - min(map(len, groups)) <= 1
    assert len(groups) == max(1, min(jobs, count // MODULES_PER_ROOT))


def test_each_root_gets_the_provider_configurations_of_its_own_modules():
    children = [_child(0), _child(1, "eu-west-1"), _child(2, None)]
    root = root_module(children)
    assert root["provider"]["aws"] == [{"region": "us-east-1", "alias": "us_east_1"},
                                       {"region": "eu-west-1", "alias": "eu_west_1"}]
    assert root["module"]["team-001"] == {"source": "./modules/team-001", "providers": {"aws": "aws.eu_west_1"}}
    assert root["module"]["team-002"] == {"source": "./modules/team-002"}  # --module output: the root's default
    assert "provider" not in root_module([_child(3, None)])
