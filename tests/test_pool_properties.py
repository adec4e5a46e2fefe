"""Property tests of address pools: over random histories of specs added, removed, resized and
reordered (and pruned now and then), an allocation never moves, never overlaps another or a
literal block, stays inside its pool, does not depend on the order specs are read in, and the
lock file round-trips byte for byte. Pure: `pools.allocate` and `lockfile`, no files.

Each test runs a bounded number of histories (NETSPEC_FUZZ_EXAMPLES=N runs N instead).
"""

from __future__ import annotations

import ipaddress
import os
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from netspec import lockfile, pools
from netspec.loader import load_text
from netspec.lockfile import Lock

N = ipaddress.IPv4Network
EXAMPLES = int(os.environ.get("NETSPEC_FUZZ_EXAMPLES", "0")) or 150
POOLS = (pools.Pool("east", "us-east-1", (N("10.64.0.0/17"), N("10.80.0.0/18"))),
         pools.Pool("west", "us-east-1", (N("10.96.0.0/18"),)))
# Literal blocks some specs of the region keep, inside and outside the pools.
LITERALS = {"lit-a": "10.64.8.0/21", "lit-b": "10.80.0.0/20", "lit-c": "10.1.0.0/16"}
NAMES = [f"net-{i:02d}" for i in range(40)]

SPEC = "netspec: 1\nname: {name}\nregion: us-east-1\ncidr: {cidr}\nazs: [us-east-1a, us-east-1b]\nservices: [sts]\n"


def _claim(name: str, cidr: str, *, in_run: bool = True) -> pools.Claim:
    path = f"specs/{name}.yaml"
    doc, _ = load_text(SPEC.format(name=name, cidr=cidr), path)
    return pools.claim(doc, path, path, in_run=in_run)


# One step of a history: (operation, a name index, a pool, a size, a seed for the read order).
STEP = st.tuples(st.sampled_from(["add", "add", "add", "remove", "resize", "reorder", "prune", "fail"]),
                 st.integers(0, len(NAMES) - 1), st.sampled_from([p.name for p in POOLS]),
                 st.integers(20, 24), st.integers(0, 2**16))


def _run(specs: dict[str, tuple[str, int]], lock_text: str, seed: int, *, release: bool = False,
         failing: frozenset[str] = frozenset()) -> tuple[pools.Allocation, str]:
    claims = [_claim(n, f"{{pool: {p}, size: {s}}}") for n, (p, s) in specs.items()]
    claims += [_claim(n, c) for n, c in LITERALS.items()]
    random.Random(seed).shuffle(claims)
    lock = lockfile.parse(lock_text) if lock_text else Lock("netspec.lock")
    done = pools.allocate(POOLS, lock, claims, release=release)
    compiled = {c.path for c in claims if c.path in done.blocks and c.name not in failing}
    return done, lockfile.render(done.settle(compiled))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(STEP, min_size=1, max_size=30))
def test_allocations_never_move_never_overlap_and_do_not_depend_on_order(history):
    specs: dict[str, tuple[str, int]] = {}
    lock_text = ""
    for op, index, pool, size, seed in history:
        name = NAMES[index]
        failing: frozenset[str] = frozenset()
        if op == "add" and name not in specs:
            specs[name] = (pool, size)
        elif op == "remove":
            specs.pop(name, None)
        elif op == "resize" and name in specs:
            specs[name] = (specs[name][0], size)
        elif op == "fail":
            failing = frozenset({name})  # that spec has an error elsewhere this run
        before = {e.name: e for e in lockfile.parse(lock_text).entries} if lock_text else {}
        done, text = _run(specs, lock_text, seed, release=op == "prune", failing=failing)
        # The same run with the specs read in another order gives the same bytes.
        assert _run(specs, lock_text, seed + 1, release=op == "prune", failing=failing)[1] == text
        after = {e.name: e for e in lockfile.parse(text).entries}
        for name_, entry in before.items():
            asked = specs.get(name_)
            if asked is None:
                # A network whose spec is gone keeps its block until a prune releases it.
                assert (name_ in after) == (op != "prune"), (op, name_)
                if name_ in after:
                    assert after[name_].block == entry.block
            elif asked == (entry.pool, entry.block.prefixlen) or name_ in failing:
                assert after[name_].block == entry.block, f"{name_} moved from {entry.block}"
        blocks = [(e.block, e.name) for e in after.values()] + [(N(c), n) for n, c in LITERALS.items()]
        assert not pools.overlapping(blocks), pools.overlapping(blocks)
        for entry in after.values():
            assert next(p for p in POOLS if p.name == entry.pool).holds(entry.block)
            assert entry.block.prefixlen == specs.get(entry.name, (None, entry.block.prefixlen))[1] \
                or entry.name in failing
        for name_, (pool_, size_) in specs.items():
            if name_ not in after and name_ not in failing:
                # Only a full pool leaves a network without a block, and it says so.
                (finding,) = done.findings[f"specs/{name_}.yaml"]
                assert finding.code == "NS261"
        assert lockfile.render(lockfile.parse(text).entries) == text, "the lock round-trips"
        lock_text = text


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(NAMES) - 1), st.sampled_from(["east", "west"]), st.integers(20, 26)),
                min_size=1, max_size=25, unique_by=lambda t: t[0]))
def test_a_partial_run_never_hands_out_a_block_of_a_spec_outside_it(requests):
    """Compiling a few files at a time, with the others only read for their blocks, ends where
    compiling them all at once would never overlap."""
    lock_text = ""
    seen: dict[str, tuple[str, int]] = {}
    for index, pool, size in requests:
        name = NAMES[index]
        seen[name] = (pool, size)
        others = [_claim(n, f"{{pool: {p}, size: {s}}}", in_run=False) for n, (p, s) in seen.items() if n != name]
        others += [_claim(n, c, in_run=False) for n, c in LITERALS.items()]
        lock = lockfile.parse(lock_text) if lock_text else Lock("netspec.lock")
        mine = _claim(name, f"{{pool: {pool}, size: {size}}}")
        done = pools.allocate(POOLS, lock, [mine, *others])
        lock_text = lockfile.render(done.settle({mine.path} if mine.path in done.blocks else set()))
        entries = lockfile.parse(lock_text).entries
        blocks = [(e.block, e.name) for e in entries] + [(N(c), n) for n, c in LITERALS.items()]
        assert not pools.overlapping(blocks)
