"""Address pools: a block for every `cidr: {pool: NAME, size: N}` spec, allocated once (pure).

The repository configuration declares pools (`[pools.NAME] region, blocks`); netspec.lock
(lockfile.py) records what was allocated. `allocate` runs across every spec of a run,
before any spec's network is built:

* a network that has an entry in the lock keeps its block, whatever else changed: specs
  added, removed, renamed files or reordered (the lock is keyed by network name);
* a network without one gets the lowest free block of its size in its pool: free means
  overlapping no block of the lock (every pool's) and no literal `cidr` of a spec in the
  pool's region. Several new networks are served in order of (pool, name), so the result
  does not depend on the order specs are read in;
* a network that asks for another pool or size gets a new block (its VPC is replaced, which
  `netspec diff` says);
* an entry whose network no spec asks for any more stays until `netspec compile --prune`
  (`release=True`), so a deleted spec's block is never handed out while its VPC may exist.

Every problem is a located finding: on the spec (unknown pool NS260, exhausted NS261, pool
of another region NS262, a literal outside the region's pools NS263, blocks overlapping
inside a pool NS264) or on the lock line (unreadable NS310, overlapping or repeated entries
NS311, an entry its pool no longer holds NS313). A spec whose block cannot be decided gets
no block, so it is not compiled.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import ipaddress
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .addressing import parse_network
from .codes import code
from .findings import Finding, Location
from .loader import Document
from .lockfile import Lock, LockEntry

IPv4 = ipaddress.IPv4Network
MIN_SIZE, MAX_SIZE = 16, 28  # the sizes a spec may ask for (the schema's cidr.size)


@dataclass(frozen=True)
class Pool:
    name: str
    region: str
    blocks: tuple[IPv4, ...]
    description: str = ""
    origin: Location = Location("netspec.toml")

    def holds(self, block: IPv4) -> bool:
        return any(block.subnet_of(b) for b in self.blocks)

    def describe(self) -> str:
        return f"pool {self.name} ({', '.join(map(str, self.blocks))}, {self.region})"


@dataclass(frozen=True)
class Claim:
    """What one spec asks of the address plan, read leniently (the schema judges its shape)."""

    path: str  # display path: where findings point
    spec: str  # the spec's path as the lock writes it
    doc: Document | None = field(default=None, compare=False)
    name: str | None = None
    region: str | None = None
    literal: IPv4 | None = None
    pool: str | None = None
    size: int | None = None
    in_run: bool = True  # False: a spec outside a partial run, read only so its block is not handed out

    def at(self, *pointer: str | int) -> Location:
        return self.doc.at(pointer) if self.doc is not None else Location(self.path)


def claim(doc: Document | None, path: str, spec: str, *, in_run: bool = True) -> Claim:
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    name = data.get("name") if isinstance(data.get("name"), str) else None
    region = data.get("region") if isinstance(data.get("region"), str) else None
    cidr = data.get("cidr")
    if isinstance(cidr, dict):
        pool, size = cidr.get("pool"), cidr.get("size")
        fits = type(size) is int and MIN_SIZE <= size <= MAX_SIZE  # else the schema says why
        return Claim(path, spec, doc, name, region, pool=pool if isinstance(pool, str) else None,
                     size=size if fits else None, in_run=in_run)
    return Claim(path, spec, doc, name, region, literal=parse_network(cidr), in_run=in_run)


def wants_pool(doc: Document | None) -> bool:
    return doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("cidr"), dict) \
        and "pool" in doc.data["cidr"]


@dataclass(frozen=True)
class Allocation:
    """What `allocate` decided."""

    blocks: Mapping[str, tuple[IPv4, str]]  # display path -> (block, pool): pool specs, and literals inside a pool
    findings: Mapping[str, tuple[Finding, ...]]  # display path -> findings on that spec
    lock_findings: tuple[Finding, ...]  # located in the lock file
    proposed: Mapping[str, LockEntry]  # display path -> the entry of a pool spec of the run
    previous: Mapping[str, LockEntry]  # network name -> its valid entry in the lock read
    kept: tuple[LockEntry, ...]  # entries of networks no spec of the run asks a pool for
    released: tuple[LockEntry, ...]  # entries --prune drops
    releasable: tuple[LockEntry, ...] = ()  # entries --prune would drop: no spec of the run asks for them

    @property
    def writable(self) -> bool:
        """A lock with errors is never rewritten: a person resolves them (the findings say how)."""
        return not self.lock_findings

    def settle(self, compiled: Iterable[str]) -> tuple[LockEntry, ...]:
        """The lock after the run: the kept entries, the proposed entry of every spec that compiled
        (display paths), and for a pool spec that did not, the entry it had."""
        done = set(compiled)
        entries = {e.name: e for e in self.kept}
        for path, entry in self.proposed.items():
            if path in done:
                entries[entry.name] = entry
            elif entry.name in self.previous:
                entries[entry.name] = self.previous[entry.name]
        return tuple(sorted(entries.values(), key=lambda e: e.sort_key))


# --- the lock's own consistency ----------------------------------------------------------------


def overlapping(items: list[tuple[IPv4, Any]]) -> list[tuple[tuple[IPv4, Any], tuple[IPv4, Any]]]:
    """Pairs (earlier, later) of overlapping (block, owner) items, by one sweep over them sorted by
    address: every item that overlaps another is in at least one pair."""
    ordered = sorted(items, key=lambda item: (int(item[0].network_address), item[0].prefixlen))
    pairs = []
    reach: tuple[int, tuple[IPv4, Any]] | None = None  # the furthest-reaching item so far
    for item in ordered:
        start, end = int(item[0].network_address), int(item[0].broadcast_address)
        if reach is not None and start <= reach[0]:
            pairs.append((reach[1], item))
        if reach is None or end > reach[0]:
            reach = (end, item)
    return pairs


def _overlaps(items: list[tuple[IPv4, Any]]) -> list[tuple[Any, Any]]:
    """Pairs (earlier, later) of the owners of overlapping blocks."""
    return [(a[1], b[1]) for a, b in overlapping(items)]


def _check_lock(lock: Lock, pools: Mapping[str, Pool]) -> tuple[dict[str, LockEntry], list[Finding], dict[str, Finding]]:
    """Valid entries by name, findings on the lock lines, and the finding that poisons each name."""
    findings: list[Finding] = []
    poisoned: dict[str, Finding] = {}

    def here(entry: LockEntry) -> Location:
        return Location(lock.path, entry.line, 1)

    def bad(finding: Finding, *names: str) -> None:
        findings.append(finding)
        for name in names:
            poisoned.setdefault(name, finding)

    first: dict[str, LockEntry] = {}
    for entry in lock.entries:
        pool = pools.get(entry.pool)
        if pool is None:
            bad(code("NS313").at(here(entry), f"{entry.name}'s block {entry.block} is from pool {entry.pool}, which "
                                              "netspec.toml does not declare"), entry.name)
        elif not pool.holds(entry.block):
            bad(code("NS313").at(here(entry), f"{entry.name}'s block {entry.block} is outside {pool.describe()}"),
                entry.name)
        if entry.name in first:
            earlier = first[entry.name]
            bad(code("NS311").at(here(entry), f"{entry.name} has two blocks: {earlier.block} (line {earlier.line}) "
                                              f"and {entry.block}", related=(here(earlier),)), entry.name)
        first.setdefault(entry.name, entry)
    for earlier, later in _overlaps([(e.block, e) for e in lock.entries]):
        if earlier.name != later.name:
            bad(code("NS311").at(here(later), f"{later.block} of {later.name} overlaps {earlier.block} of "
                                              f"{earlier.name} (line {earlier.line}): two branches allocated the "
                                              "same addresses", related=(here(earlier),)), later.name, earlier.name)
    valid = {e.name: e for e in lock.entries if e.name not in poisoned and first.get(e.name) is e}
    return valid, findings, poisoned


# --- free space -------------------------------------------------------------------------------


class _Taken:
    """Disjoint, sorted [start, end) address ranges in use within one pool."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [r[0] for r in merged]
        self.ends = [r[1] for r in merged]

    def add(self, start: int, end: int) -> None:
        ranges = list(zip(self.starts, self.ends)) + [(start, end)]
        self.__init__(ranges)  # type: ignore[misc]

    def first_fit(self, low: int, high: int, step: int) -> int | None:
        """The lowest `step`-aligned start c in [low, high) with [c, c + step) free."""
        candidate = -(-low // step) * step
        index = max(bisect.bisect_right(self.starts, candidate) - 1, 0)
        while candidate + step <= high:
            while index < len(self.starts) and self.ends[index] <= candidate:
                index += 1
            if index < len(self.starts) and self.starts[index] < candidate + step:
                candidate = -(-self.ends[index] // step) * step
                continue
            return candidate
        return None


def _range(block: IPv4) -> tuple[int, int]:
    return int(block.network_address), int(block.network_address) + block.num_addresses


def _lowest_free(pool: Pool, size: int, taken: _Taken) -> IPv4 | None:
    step = 2 ** (32 - size)
    for block in sorted(pool.blocks):
        if size < block.prefixlen:
            continue
        start = taken.first_fit(*_range(block), step)
        if start is not None:
            return IPv4((start, size))
    return None


# --- the allocation ---------------------------------------------------------------------------


def _suggest(name: str, known: Iterable[str]) -> str:
    guess = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"did you mean `{guess[0]}`?" if guess else f"the pools of netspec.toml: {', '.join(sorted(known)) or 'none'}"


def allocate(pools: Iterable[Pool], lock: Lock, claims: Iterable[Claim], *, release: bool = False) -> Allocation:
    """Blocks for every claim of the run, and the lock entries they make (see the module docstring)."""
    by_name = {p.name: p for p in pools}
    claims = list(claims)
    findings: dict[str, list[Finding]] = {}

    def report(c: Claim, finding: Finding) -> None:
        findings.setdefault(c.path, []).append(finding)

    valid, lock_findings, poisoned = _check_lock(lock, by_name)
    lock_findings = list(lock.findings) + lock_findings
    names = [c.name for c in claims if c.in_run and c.name]
    repeated = {n for n in names if names.count(n) > 1} if len(set(names)) < len(names) else set()

    blocks: dict[str, tuple[IPv4, str]] = {}
    pool_claims: list[Claim] = []
    literals: list[Claim] = []
    for c in claims:
        if c.literal is not None:
            literals.append(c)
        elif c.pool is not None and c.in_run and c.name and c.region and c.size and c.name not in repeated:
            pool_claims.append(c)

    # Literal blocks: they must sit inside a pool of their region when the region has pools.
    region_pools: dict[str, list[Pool]] = {}
    for p in by_name.values():
        region_pools.setdefault(p.region, []).append(p)
    for c in literals:
        assert c.literal is not None
        home = next((p for p in region_pools.get(c.region or "", []) if p.holds(c.literal)), None)
        if home is not None:
            blocks[c.path] = (c.literal, home.name)
        elif c.in_run and c.region in region_pools:
            report(c, code("NS263").at(c.at("cidr"), f"{c.literal} is outside every pool of {c.region}: "
                                                     + "; ".join(p.describe() for p in region_pools[c.region])))

    # Blocks inside one pool may not overlap: literals among themselves and with allocations.
    for p in by_name.values():
        items: list[tuple[IPv4, Any]] = [(e.block, e) for e in valid.values() if e.pool == p.name]
        items += [(c.literal, c) for c in literals if blocks.get(c.path, (None, ""))[1] == p.name]
        clashes: dict[str, list[Any]] = {}
        for a, b in _overlaps(items):  # type: ignore[arg-type]
            for this, other in ((a, b), (b, a)):
                if isinstance(this, Claim) and this.in_run and _owner(other) != this.name:
                    clashes.setdefault(this.path, []).append(other)
        for c in literals:
            others = clashes.get(c.path)
            if others:
                more = f" and {len(others) - 1} other block(s)" if len(others) > 1 else ""
                report(c, code("NS264").at(c.at("cidr"), f"{c.literal} overlaps {_describe(others[0], lock.path)}"
                                                         f"{more} in pool {p.name}",
                                           related=tuple(_where(o, lock.path) for o in others[:5])))

    # Pool claims: keep the recorded block, else allocate the lowest free one.
    taken: dict[str, _Taken] = {}

    def taken_in(p: Pool) -> _Taken:
        if p.name not in taken:
            ranges = [_range(e.block) for e in valid.values() if e.pool == p.name]
            ranges += [_range(c.literal) for c in literals if c.region == p.region and c.literal is not None
                       and any(c.literal.overlaps(b) for b in p.blocks)]
            taken[p.name] = _Taken(ranges)
        return taken[p.name]

    proposed: dict[str, LockEntry] = {}
    pending: list[tuple[Claim, Pool]] = []
    for c in pool_claims:
        assert c.pool is not None and c.size is not None and c.name is not None
        p = by_name.get(c.pool)
        if p is None:
            report(c, code("NS260").at(c.at("cidr", "pool"), f"no pool named {c.pool!r} in netspec.toml",
                                       hint=_suggest(c.pool, by_name)))
            continue
        if p.region != c.region:
            report(c, code("NS262").at(c.at("cidr", "pool"), f"{p.describe()} serves {p.region}; this network is "
                                                              f"in {c.region}"))
            continue
        if lock.findings:
            report(c, code("NS310").at(c.at("cidr"), f"{lock.path} cannot be read, so {c.name}'s block is unknown",
                                       related=tuple(f.location for f in lock.findings[:5])))
            continue
        if c.name in poisoned:
            finding = poisoned[c.name]
            report(c, code(finding.code).at(c.at("cidr"), f"{lock.path} does not give {c.name} one block it can "
                                                          f"trust: {finding.message}", related=(finding.location,)))
            continue
        entry = valid.get(c.name)
        if entry is not None and entry.pool == c.pool and entry.block.prefixlen == c.size:
            proposed[c.path] = dataclasses.replace(entry, spec=c.spec, line=0)
            blocks[c.path] = (entry.block, p.name)
        else:
            pending.append((c, p))
    for c, p in sorted(pending, key=lambda item: (item[1].name, item[0].name or "", item[0].path)):
        assert c.size is not None and c.name is not None
        if lock_findings:
            # A new block could not be recorded: netspec rewrites no lock that has errors.
            report(c, code(lock_findings[0].code).at(c.at("cidr"), f"{c.name} needs a new block, but {lock.path} has "
                                                                   "errors to resolve first",
                                                     related=tuple(f.location for f in lock_findings[:5])))
            continue
        room = taken_in(p)
        block = _lowest_free(p, c.size, room)
        if block is None:
            fits = any(c.size >= b.prefixlen for b in p.blocks)
            problem = f"has no free /{c.size} left" if fits else f"has no block that can hold a /{c.size}"
            report(c, code("NS261").at(c.at("cidr", "size"), f"{p.describe()} {problem}"))
            continue
        room.add(*_range(block))
        proposed[c.path] = LockEntry(p.name, block, c.name, c.spec)
        blocks[c.path] = (block, p.name)

    asked = {c.name for c in pool_claims}
    unreadable = {c.spec for c in claims if c.in_run and c.name is None}
    unasked = [e for e in valid.values() if e.name not in asked]
    releasable = tuple(e for e in unasked if e.spec not in unreadable)
    released = releasable if release else ()
    kept = tuple(e for e in unasked if e not in released)
    return Allocation(blocks, {k: tuple(v) for k, v in findings.items()}, tuple(lock_findings), proposed,
                      {e.name: e for e in valid.values()}, kept, released, releasable)


def _owner(item: Any) -> str | None:
    return item.name if isinstance(item, (Claim, LockEntry)) else None


def _describe(item: Any, lock_path: str) -> str:
    if isinstance(item, LockEntry):
        return f"{item.block}, allocated to {item.name} ({lock_path}:{item.line})"
    return f"{item.literal} of {item.name} ({item.path})"


def _where(item: Any, lock_path: str) -> Location:
    return Location(lock_path, item.line, 1) if isinstance(item, LockEntry) else item.at("cidr")
