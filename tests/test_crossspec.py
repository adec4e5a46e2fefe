"""Cross-spec checks by one sweep give exactly what comparing every pair of specs gives."""

from __future__ import annotations

import ipaddress
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from netspec import crossspec
from netspec.findings import Location
from netspec.pipeline import Claim, Result

from test_properties import budget

INTERVALS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1])), max_size=40)


@budget(300)
@given(INTERVALS)
def test_the_sweep_finds_every_overlapping_pair_once(intervals):
    found = list(crossspec.overlapping(intervals))
    assert len(found) == len({frozenset(p) for p in found}), "each pair once"
    expected = {frozenset((i, j)) for i, j in combinations(range(len(intervals)), 2)
                if intervals[i][0] <= intervals[j][1] and intervals[j][0] <= intervals[i][1]}
    assert {frozenset(p) for p in found} == expected


# Blocks that nest and repeat: a few /16s, their halves and quarters, a /28 inside one of them.
BLOCKS = [ipaddress.IPv4Network(b) for b in ("10.0.0.0/16", "10.0.0.0/17", "10.0.128.0/17", "10.0.64.0/18",
                                             "10.0.200.16/28", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16")]
CLAIMS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["us-east-1", "eu-west-1"]),
                            st.sampled_from(BLOCKS)), max_size=30)


def _results(claims: list[tuple[str, str, ipaddress.IPv4Network]]) -> list[Result]:
    return [Result(f"specs/s{i}.yaml", (), claim=Claim(name, region, cidr)) for i, (name, region, cidr) in enumerate(claims)]


def _pairwise(results: list[Result]) -> dict[str, list[tuple]]:
    """The checks as netspec made them before the sweep: every pair compared."""
    found: dict[str, list[tuple]] = {}
    for code, same in (("NS250", lambda a, b: a.name == b.name),
                       ("NS251", lambda a, b: a.region == b.region and a.cidr.overlaps(b.cidr))):
        for this in results:
            others = [o for o in results if o is not this and same(this.claim, o.claim)]
            if not others:
                continue
            mine, theirs = this.claim, others[0].claim
            more = f" and {len(others) - 1:,} other {'spec(s)' if code == 'NS250' else 'network(s)'}" if len(others) > 1 else ""
            message = (f"name {mine.name!r} is also used by {others[0].path}{more}" if code == "NS250" else
                       f"{mine.cidr} overlaps {theirs.cidr} of {theirs.name} ({others[0].path}){more} in {mine.region}")
            found.setdefault(this.path, []).append(
                (code, message, tuple(Location(o.path) for o in others[:crossspec.MAX_RELATED])))
    return found


@budget(300)
@given(CLAIMS)
def test_cross_spec_findings_are_those_of_comparing_every_pair(claims):
    results = _results(claims)
    checked = crossspec.check_across(results)
    got = {r.path: [(f.code, f.message, f.related) for f in r.findings] for r in checked if r.findings}
    assert got == _pairwise(results)


def test_a_thousand_specs_on_one_block_get_one_finding_each_counting_the_others():
    results = _results([(f"n{i}", "us-east-1", BLOCKS[0]) for i in range(1000)])
    checked = crossspec.check_across(results)
    assert all(len(r.findings) == 1 for r in checked)
    assert checked[0].findings[0].message == ("10.0.0.0/16 overlaps 10.0.0.0/16 of n1 (specs/s1.yaml) "
                                              "and 998 other network(s) in us-east-1")
    assert [loc.path for loc in checked[3].findings[0].related] == [f"specs/s{i}.yaml" for i in (0, 1, 2, 4, 5)]
