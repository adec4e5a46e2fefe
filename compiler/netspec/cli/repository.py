"""The repository around a run's specs: address pools and netspec.lock, folder accounts, the state backend.

The edge that reads netspec.lock (and, for a run of a few files, the other specs' blocks),
asks `pools.allocate` for every spec's block, and gives each spec its `SpecContext`. Writing
the lock back is compile's (cli/compile.py); `validate` and `compile --check` never write it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from .. import accounts, config, lockfile, pools
from ..codes import code
from ..context import SpecContext
from ..findings import Finding, Location, display_path
from ..loader import Document, load_bytes
from ..lockfile import Lock


@dataclass
class Source:
    """One spec of the run, loaded: where it is, and what the loader made of it."""

    path: str  # display path: where findings point
    file: Path | None  # None for standard input
    doc: Document | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    contexts: dict[str, SpecContext]  # display path -> the spec's context
    allocation: pools.Allocation | None  # None: no pool, no lock, no spec asking for one
    lock: Lock | None

    @property
    def findings(self) -> list[Finding]:
        """What is wrong with the lock file itself (each spec's findings are in its context)."""
        return list(self.allocation.lock_findings) if self.allocation else []


def relative_spec(source: Source, settings: config.Settings) -> str:
    """The spec's path relative to the configuration's folder (posix), as the lock and globs name it."""
    if source.file is None:
        return source.path
    return PurePath(os.path.relpath(source.file.resolve(), settings.root.resolve())).as_posix()


def read_lock(settings: config.Settings) -> Lock:
    path = settings.lock_file
    shown = display_path(path)
    if not path.exists():
        return Lock(shown)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else f"not UTF-8 text ({exc.reason})"
        return Lock(shown, findings=(code("NS310").at(Location(shown), problem or str(exc)),), exists=True)
    return lockfile.parse(text, shown)


def _others(settings: config.Settings, given: set[Path]) -> list[pools.Claim]:
    """The blocks and names of the configured specs outside a run of a few files, so a new block is
    never one of theirs. Read leniently: a spec that does not load is simply not seen."""
    claims = []
    for folder in settings.specs:
        files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()) \
            if folder.is_dir() else [folder] if folder.is_file() else []
        for file in files:
            if file.resolve() in given:
                continue
            try:
                doc, _ = load_bytes(file.read_bytes(), display_path(file))
            except OSError:
                continue
            source = Source(display_path(file), file, doc)
            claims.append(pools.claim(doc, source.path, relative_spec(source, settings), in_run=False))
    return claims


def _needs_new_block(claims: list[pools.Claim], lock: Lock) -> bool:
    recorded = {(e.name, e.pool, e.block.prefixlen) for e in lock.entries}
    return any(c.pool is not None and (c.name, c.pool, c.size) not in recorded for c in claims)


def plan(sources: list[Source], settings: config.Settings, *, complete: bool, release: bool = False,
         lock: Lock | None = None) -> Plan:
    """Each source's context: its pool block (allocated, or as the lock records it), its folder's
    default account and the state backend. `complete`: the run reads every configured spec.
    `lock`: the lock to decide with (`netspec diff` passes the base's); default netspec.lock."""
    relative = {s.path: relative_spec(s, settings) for s in sources}
    defaults = {s.path: accounts.default_for(relative[s.path] if s.file else None, settings.accounts)
                for s in sources}
    lock = lock if lock is not None else read_lock(settings)
    allocation = None
    if settings.pools or lock.exists or any(pools.wants_pool(s.doc) for s in sources):
        claims = [pools.claim(s.doc, s.path, relative[s.path]) for s in sources]
        if not complete and _needs_new_block(claims, lock):
            claims += _others(settings, {s.file.resolve() for s in sources if s.file is not None})
        allocation = pools.allocate(settings.pools, lock, claims, release=release)
    contexts = {}
    for s in sources:
        default = defaults[s.path]
        block, pool = allocation.blocks.get(s.path, (None, None)) if allocation else (None, None)
        contexts[s.path] = SpecContext(
            cidr=block if pools.wants_pool(s.doc) else None, pool=pool, pools_decided=allocation is not None,
            default_account=default.id if default else None, backend=settings.backend,
            findings=allocation.findings.get(s.path, ()) if allocation else ())
    return Plan(contexts, allocation, lock if allocation else None)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step (temporary file, fsync, rename): never half written."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
