"""Checks across all specs of a run: what no single spec can know about itself."""

from __future__ import annotations

import dataclasses
from itertools import combinations

from .codes import code
from .findings import Finding, Location
from .model import Network
from .pipeline import Result


# One finding per spec, however many others it clashes with (1,000 specs on 10.0.0.0/16 must not
# print a million lines): it names the first, counts the rest, and links at most this many.
MAX_RELATED = 5


def _where(result: Result, pointer: tuple[str, ...]) -> Location:
    return result.document.at(pointer) if result.document else Location(result.path)


def _and_more(count: int, what: str) -> str:
    return f" and {count:,} other {what}" if count else ""


def duplicate_names(results: list[Result]) -> dict[str, list[Finding]]:
    """Two specs with one name would write the same out/<name>/: each gets an error."""
    by_name: dict[str, list[Result]] = {}
    for r in results:
        if r.name:
            by_name.setdefault(r.name, []).append(r)
    found: dict[str, list[Finding]] = {}
    for name, group in by_name.items():
        for r in group if len(group) > 1 else []:
            others = [o for o in group if o is not r]
            found.setdefault(r.path, []).append(code("NS250").at(
                _where(r, ("name",)), f"name {name!r} is also used by {others[0].path}"
                                      f"{_and_more(len(others) - 1, 'spec(s)')}",
                related=tuple(_where(o, ("name",)) for o in others[:MAX_RELATED])))
    return found


def _same_pool(a: Network, b: Network) -> bool:
    """Both blocks in one address pool: their overlap is the pool's error (NS264), not a warning."""
    return a.pool is not None and a.pool == b.pool


def _accounts(mine: Network, theirs: Network) -> str:
    """Overlaps across accounts stay a warning, and say so."""
    if mine.account == theirs.account:
        return ""
    return f" (accounts {mine.account or 'unnamed'} and {theirs.account or 'unnamed'})"


def overlapping_blocks(results: list[Result]) -> dict[str, list[Finding]]:
    """VPCs in one region with overlapping blocks can never be peered or share a transit gateway."""
    by_region: dict[str, list[Result]] = {}
    for r in results:
        # An IPAM network's block is allocated at apply, by IPAM, overlapping no other allocation of its pools.
        if r.network is not None and r.network.ipam is None:
            by_region.setdefault(r.network.region.name, []).append(r)
    clashes: dict[int, list[Result]] = {}  # id(result) -> the results it overlaps, in order
    for group in by_region.values():
        for a, b in combinations(group, 2):
            na, nb = a.network, b.network
            assert na is not None and nb is not None
            if na.cidr.overlaps(nb.cidr) and not _same_pool(na, nb):
                clashes.setdefault(id(a), []).append(b)
                clashes.setdefault(id(b), []).append(a)
    found: dict[str, list[Finding]] = {}
    for this in results:
        others = clashes.get(id(this))
        if not others:
            continue
        mine, theirs = this.network, others[0].network
        assert mine is not None and theirs is not None
        found.setdefault(this.path, []).append(code("NS251").at(
            _where(this, ("cidr",)),
            f"{mine.cidr} overlaps {theirs.cidr} of {theirs.name} ({others[0].path})"
            f"{_and_more(len(others) - 1, 'network(s)')} in {mine.region.name}{_accounts(mine, theirs)}",
            related=tuple(_where(o, ("cidr",)) for o in others[:MAX_RELATED])))
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
