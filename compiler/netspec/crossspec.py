"""Checks across all specs of a run: what no single spec can know about itself.

Each check reads every spec's `Claim` (its name, region, block, account and pool) and runs in
O(n log n): names are grouped by a dict, and blocks by one sweep per region over
the distinct blocks sorted by where they start (`overlapping`), which yields each
pair of overlapping blocks once. Specs on the same block share one group, so
1,000 specs on one block cost one group of 1,000, not a million pairs.
"""

from __future__ import annotations

import dataclasses
import heapq
import ipaddress
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from .codes import code
from .findings import Finding, Location
from .pipeline import Claim, Result

# One finding per spec, however many others it clashes with (1,000 specs on 10.0.0.0/16 must not
# print a million lines): it names the first, counts the rest, and links at most this many.
MAX_RELATED = 5

K = TypeVar("K", bound=Hashable)


def _where(result: Result, pointer: tuple[str, ...]) -> Location:
    return result.at(pointer)


def _and_more(count: int, what: str) -> str:
    return f" and {count:,} other {what}" if count else ""


def groups(items: Iterable[int], key: Callable[[int], K | None]) -> dict[K, list[int]]:
    """Indices by key (None: left out), each group in index order."""
    found: dict[K, list[int]] = {}
    for index in items:
        value = key(index)
        if value is not None:
            found.setdefault(value, []).append(index)
    return found


def overlapping(intervals: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Each pair (i, j) of overlapping closed intervals [start, end], once, by one sweep.

    The intervals sorted by start (longest first among equal starts); an interval stays
    active while its end reaches the start of the next, and overlaps every active one.
    Pruning the active list costs what the pairs found cost: O(n log n + pairs). For CIDR
    blocks, where two blocks overlap only when one contains the other, the active list is
    the chain of blocks containing the next one: at most 33 long.
    """
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i][0], -intervals[i][1]))
    active: list[int] = []
    for i in order:
        start = intervals[i][0]
        active = [a for a in active if intervals[a][1] >= start]
        for a in active:
            yield (a, i)
        active.append(i)


def _span(block: ipaddress.IPv4Network) -> tuple[int, int]:
    """A block's first and last address (as the mask gives them: cheaper than its properties)."""
    start = int(block.network_address)
    return start, start + (1 << (32 - block.prefixlen)) - 1


Block = tuple[str, int, int]  # a region, and a block's first and last address in it


def neighbours(results: Sequence[Result]) -> list[tuple[list[int], list[list[int]]]]:
    """Each distinct block claimed in a region, as (the specs on it, the groups of specs on the
    blocks it overlaps, its own group first); every group lists spec indices in index order."""
    def block(i: int) -> Block | None:
        claim = results[i].claim
        return (claim.region, *_span(claim.cidr)) if claim is not None and claim.cidr is not None else None

    blocks: dict[Block, list[int]] = groups(range(len(results)), block)
    keys = list(blocks)
    near: dict[Block, list[list[int]]] = {k: [blocks[k]] for k in keys}
    for region_keys in groups(range(len(keys)), lambda k: keys[k][0]).values():
        for a, b in overlapping([keys[k][1:] for k in region_keys]):
            first, second = keys[region_keys[a]], keys[region_keys[b]]
            near[first].append(blocks[second])
            near[second].append(blocks[first])
    return [(blocks[k], near[k]) for k in keys]


def duplicate_names(results: Sequence[Result]) -> dict[str, list[Finding]]:
    """Two specs with one name would write the same out/<name>/: each gets an error."""
    found: dict[str, list[Finding]] = {}
    for name, group in groups(range(len(results)), lambda i: results[i].name).items():
        for i in group if len(group) > 1 else []:
            r, others = results[i], [results[o] for o in group if o != i]
            found.setdefault(r.path, []).append(code("NS250").at(
                _where(r, ("name",)), f"name {name!r} is also used by {others[0].path}"
                                      f"{_and_more(len(others) - 1, 'spec(s)')}",
                related=tuple(_where(o, ("name",)) for o in others[:MAX_RELATED])))
    return found


def _same_pool(a: Claim, b: Claim) -> bool:
    """Both blocks in one address pool: their overlap is the pool's error (NS264), not a warning."""
    return a.pool is not None and a.pool == b.pool


def _accounts(mine: Claim, theirs: Claim) -> str:
    """Overlaps across accounts stay a warning, and say so."""
    if mine.account == theirs.account:
        return ""
    return f" (accounts {mine.account or 'unnamed'} and {theirs.account or 'unnamed'})"


def overlapping_blocks(results: Sequence[Result]) -> dict[str, list[Finding]]:
    """VPCs in one region with overlapping blocks can never be peered or share a transit gateway.
    Blocks of one pool are left to the pool (NS264); IPAM networks have no block until apply."""
    claims = [r.claim for r in results]
    found: dict[str, list[Finding]] = {}
    for members, near in neighbours(results):
        if len(near) == 1 and len(members) == 1:
            continue  # a block of its own, overlapping none: the common case
        total = sum(len(group) for group in near)
        same_pool = Counter(c.pool for group in near for o in group if (c := claims[o]) is not None and c.pool)
        for i in members:
            mine = claims[i]
            assert mine is not None
            count = total - 1 - (same_pool[mine.pool] - 1 if mine.pool else 0)  # every other spec it clashes with
            if not count:
                continue
            clashing = (o for o in heapq.merge(*near) if o != i and not _same_pool(mine, claims[o]))  # type: ignore[arg-type]
            first = [results[o] for o in islice(clashing, MAX_RELATED)]
            this, theirs = results[i], first[0].claim
            assert theirs is not None
            found.setdefault(this.path, []).append(code("NS251").at(
                _where(this, ("cidr",)),
                f"{mine.cidr} overlaps {theirs.cidr} of {theirs.name} ({first[0].path})"
                f"{_and_more(count - 1, 'network(s)')} in {mine.region}{_accounts(mine, theirs)}",
                related=tuple(_where(o, ("cidr",)) for o in first)))
    return found


CHECKS = (duplicate_names, overlapping_blocks)


def check_across(results: list[Result]) -> list[Result]:
    """The results with cross-spec findings added; a spec that gains an error loses its files."""
    extra: dict[str, list[Finding]] = {}
    for check in CHECKS:
        for path, findings in check(results).items():
            extra.setdefault(path, []).extend(findings)
    updated = []
    for r in results:
        if r.path in extra:
            findings = r.findings + tuple(extra[r.path])
            r = dataclasses.replace(r, findings=findings,
                                    files={} if any(f.is_error for f in findings) else r.files)
        updated.append(r)
    return updated
