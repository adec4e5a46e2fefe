"""Checks across all specs of a run: what no single spec can know about itself."""

from __future__ import annotations

import dataclasses
from itertools import combinations

from .codes import code
from .findings import Finding, Location
from .pipeline import Result


def _where(result: Result, pointer: tuple[str, ...]) -> Location:
    return result.document.at(pointer) if result.document else Location(result.path)


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
                _where(r, ("name",)), f"name {name!r} is also used by {others[0].path}",
                related=tuple(_where(o, ("name",)) for o in others)))
    return found


def overlapping_blocks(results: list[Result]) -> dict[str, list[Finding]]:
    """VPCs in one region with overlapping blocks can never be peered or share a transit gateway."""
    found: dict[str, list[Finding]] = {}
    networks = [r for r in results if r.network is not None]
    for a, b in combinations(networks, 2):
        na, nb = a.network, b.network
        assert na is not None and nb is not None
        if na.region.name == nb.region.name and na.cidr.overlaps(nb.cidr):
            for this, other, mine, theirs in ((a, b, na, nb), (b, a, nb, na)):
                found.setdefault(this.path, []).append(code("NS251").at(
                    _where(this, ("cidr",)),
                    f"{mine.cidr} overlaps {theirs.cidr} of {theirs.name} ({other.path}) in {mine.region.name}",
                    related=(_where(other, ("cidr",)),)))
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
