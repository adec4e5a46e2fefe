"""The repository around a run's specs: address pools and netspec.lock, folder accounts, the state backend.

The edge that reads netspec.lock (and, for a run of a few files, the other specs' blocks),
asks `pools.allocate` for every spec's block, and gives each spec its `SpecContext`. Writing
the lock back is compile's (cli/compile.py); `validate` and `compile --check` never write it.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator
from pathlib import Path, PurePath

from .. import accounts, config, lockfile, pools
from ..codes import code
from ..context import SpecContext
from ..files import NotRegular, TooLarge, read_bounded
from ..findings import Finding, Location, display_path
from ..loader import MAX_SPEC_BYTES, Document, load_bytes
from ..lockfile import Lock


@dataclass
class Source:
    """One spec of the run: where it is, and what the loader made of it (once loaded)."""

    path: str  # display path: where findings point
    file: Path | None  # None for standard input
    doc: Document | None = None
    findings: list[Finding] = field(default_factory=list)
    loaded: bool = True  # False: not read or loaded yet (its check loads it)


@dataclass(frozen=True)
class Plan:
    contexts: dict[str, SpecContext]  # display path -> the spec's context
    allocation: pools.Allocation | None  # None: no pool, no lock, no spec asking for one
    lock: Lock | None

    @property
    def findings(self) -> list[Finding]:
        """What is wrong with the lock file itself (each spec's findings are in its context)."""
        return list(self.allocation.lock_findings) if self.allocation else []


def _absolute(path: Path) -> Path:
    """`path` resolved; as it is (made absolute) when it cannot be, e.g. a symlink loop (read as NS304)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def relative_spec(source: Source, settings: config.Settings, *, root: Path | None = None,
                  folders: dict[str, str] | None = None) -> str:
    """The spec's path relative to the configuration's folder (posix), as the lock and globs name it.
    `root`: that folder resolved already; `folders`: each folder's relative path, filled in as they are
    found (a run of thousands of specs in a few folders resolves each folder once)."""
    file = source.file
    if file is None:
        return source.path
    root = root or _absolute(settings.root)
    parent, name = os.path.split(str(file))  # strings: no Path made per file
    if folders is None or name in ("", ".", "..") or os.path.islink(file):
        return PurePath(os.path.relpath(_absolute(file), root)).as_posix()
    if parent not in folders:
        relative = PurePath(os.path.relpath(_absolute(Path(parent or ".")), root)).as_posix()
        folders[parent] = "" if relative == "." else relative + "/"
    return folders[parent] + name


def read_lock(settings: config.Settings) -> Lock:
    """netspec.lock, read bounded (files.read_bounded); what cannot be read is NS310, and nothing rewrites it."""
    path = settings.lock_file
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return Lock(shown)
    try:
        text = read_bounded(path, lockfile.MAX_BYTES).decode("utf-8")
    except NotRegular as exc:
        problem = f"{exc}, not a regular file"
    except TooLarge:
        problem = f"over {lockfile.MAX_BYTES:,} bytes"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason})"
    else:
        return lockfile.parse(text, shown)
    return Lock(shown, findings=(code("NS310").at(Location(shown), f"{shown} cannot be read: {problem}"),), exists=True)


def _others(settings: config.Settings, given: set[Path]) -> list[pools.Claim]:
    """The blocks and names of the configured specs outside a run of a few files, so a new block is
    never one of theirs. Read leniently: a spec that does not load is simply not seen."""
    claims = []
    for folder in settings.specs:
        files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()) \
            if folder.is_dir() else [folder] if folder.is_file() else []
        for file in files:
            if _absolute(file) in given:
                continue
            try:
                doc, _ = load_bytes(read_bounded(file, MAX_SPEC_BYTES), display_path(file))
            except (NotRegular, TooLarge, OSError):
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
    root, folders = _absolute(settings.root), dict[str, str]()
    relative = {s.path: relative_spec(s, settings, root=root, folders=folders) for s in sources}
    defaults = {s.path: accounts.default_for(relative[s.path] if s.file else None, settings.accounts)
                for s in sources}
    lock = lock if lock is not None else read_lock(settings)
    allocation = None
    if settings.pools or lock.exists or any(pools.wants_pool(s.doc) for s in sources):
        claims = [pools.claim(s.doc, s.path, relative[s.path]) for s in sources]
        if not complete and _needs_new_block(claims, lock):
            claims += _others(settings, {_absolute(s.file) for s in sources if s.file is not None})
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


def write_atomically(path: Path, content: str | bytes, *, durable: bool = True) -> None:
    """Replace `path` with `content` in one step (temporary file, rename): never half written.
    `durable`: on disk before the rename (fsync); a cache, which may be lost, skips it."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


LOCK_WAIT_SECONDS = 60.0  # as long as a module folder's lock is waited for (writer.py)


@contextmanager
def held(settings: config.Settings, *, exclusive: bool) -> Iterator[None]:
    """The repository, for a run that reads netspec.lock and may rewrite it: flock(2) on the configuration's
    folder (no lock file), exclusive to write, shared to check; only when pools or a lock are in play.
    A run that waits longer than LOCK_WAIT_SECONDS raises TimeoutError."""
    if not settings.pools and not settings.lock_file.exists():
        yield
        return
    fd = os.open(settings.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        operation = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, operation)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another netspec run has held {display_path(settings.root)} (its "
                                       f"netspec.lock) for over {LOCK_WAIT_SECONDS:.0f} s") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock
