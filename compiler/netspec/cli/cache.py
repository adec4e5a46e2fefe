"""The findings cache: what checking a spec found, kept so an unchanged spec is not loaded again.

A run reports every spec's findings, so without a cache every spec is loaded, checked against
the schema and the rules, and modelled on every run, even when nothing changed. The cache keeps,
per spec, everything a run needs from it without its document: its findings (before any
suppression and before the cross-spec checks, which are made again on every run), its claim
(name, region, block, account, pool), where its `name` and `cidr` are (cross-spec findings point
there), and its module's file names and spec digest (so `writer.ModuleFolder.current` can tell
that the module on disk is what it compiles to). An entry is used only when all of these match:

- the spec's display path (findings name it) and the sha256 of its exact bytes;
- what the repository decided for it (`SpecContext.recorded()`: folder account, state backend);
- netspec's build (`fingerprint`: its version, and the size and time of each of its own files,
  so an edited checkout never reads what an older one found), Python's and PyYAML's versions.

It is never used where a spec's context depends on other specs: a run with address pools or a
netspec.lock (the pools step needs every document), nor for a spec that asks a pool for its block.
Those load as before (`compile_paths` falls back when the plan allocates at all).

Where: `.netspec_cache/findings.json` in the configuration's folder (`cache` in netspec.toml moves
or disables it, `--no-cache` skips it for a run), beside a `.gitignore` of `*` and a CACHEDIR.TAG,
as other tools' caches. Its first line is an HMAC-SHA256 of the rest under a key that stays on this
machine (the user's cache folder, never the repository): a cache file someone committed, copied or
edited is not netspec's and is ignored, so a pull request cannot bring in findings of its own. CI,
whose every run is a new machine, may give a key its runs share instead (NETSPEC_CACHE_KEY, from a
secret the runs of untrusted pull requests do not get) and keep the folder between runs.

A cache that cannot be read, is corrupt, or cannot be written changes nothing but speed: the run
checks every spec as it would without it, and its output is the same byte for byte.

`netspec verify` keeps the digests of the modules in which terraform validate found nothing beside
it (`Verified`, verified.json), signed and keyed the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Iterable

from .. import __version__
from ..files import NotRegular, TooLarge, read_bounded
from ..findings import Finding, Location, Severity, has_errors
from ..loader import Pointer
from ..model import Source as ModelSource
from ..pipeline import Claim, Result
from ..render import RenderOptions, emitted_names, file_names, stamp
from .repository import write_atomically

FOLDER = ".netspec_cache"
FILE = "findings.json"
FORMAT = 1  # of the file: a reader of another format ignores it
MAX_BYTES = 256 * 1024 * 1024
KEY_BYTES = 32
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by netspec.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


@dataclass(frozen=True)
class Module:
    """What tells whether a spec's module on disk is current without rendering it."""

    sha256: str  # of the spec's text, as the module's headers record it
    files: tuple[str, ...]  # its file names as a root module (.tf.json)
    child: tuple[str, ...]  # and with --module

    def names(self, options: RenderOptions) -> list[str]:
        return emitted_names(list(self.child if options.module else self.files), options.emit)

    def inputs(self, path: str, context: str, options: RenderOptions) -> str:
        """The `inputs` digest its headers record (`render.stamp.inputs`)."""
        return stamp.inputs(ModelSource(PurePath(path).name, self.sha256, context), options.recorded())


@dataclass(frozen=True)
class Entry:
    """One spec's checked result, without its document."""

    digest: str  # sha256 of the spec's bytes
    context: str  # SpecContext.recorded() it was checked with
    findings: tuple[Finding, ...]
    loaded: bool  # the loader made a document of it (inline suppressions are read only then)
    name: str | None = None  # its `name` as written, even with errors (module lifecycle)
    claim: Claim | None = None
    anchors: dict[Pointer, Location] = field(default_factory=dict)
    module: Module | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def result(self, path: str) -> Result:
        return Result(path, self.findings, claim=self.claim, anchors=self.anchors, declared=self.name)


def entry_of(result: Result, digest: str, context: str) -> Entry:
    """The entry of a spec just checked (with its document and, when it compiles, its model)."""
    doc, network = result.document, result.network
    module = None
    if network is not None:
        module = Module(network.source.sha256, tuple(file_names(network, RenderOptions())),
                        tuple(file_names(network, RenderOptions(module=True))))
    return Entry(digest, context, result.findings, doc is not None, result.written_name, result.claim,
                 dict(result.anchor_points), module)


# --- the file: entries as plain JSON, nothing in it ever executed or unpickled ---------------------

def _location(where: Location) -> list[Any]:
    return [where.path, where.line, where.col]


def _encode(entry: Entry) -> dict[str, Any]:
    claim = entry.claim
    return {
        "digest": entry.digest, "context": entry.context, "loaded": entry.loaded, "name": entry.name,
        "findings": [[_location(f.location), f.code, f.severity.value, f.message, f.hint,
                      [_location(r) for r in f.related], f.excerpt] for f in entry.findings],
        "claim": None if claim is None else [claim.name, claim.region, None if claim.cidr is None else
                                             [int(claim.cidr.network_address), claim.cidr.prefixlen],
                                             claim.account, claim.pool],
        "anchors": [[list(p), _location(where)] for p, where in entry.anchors.items()],
        "module": None if entry.module is None else [entry.module.sha256, list(entry.module.files),
                                                     list(entry.module.child)],
    }


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise TypeError("not a line or column")
    return value


def _where(value: Any) -> Location:
    path, line, col = value
    return Location(_text(path), _number(line), _number(col))


def _block(value: Any) -> ipaddress.IPv4Network:
    """A block from its address as a number and its prefix length (much quicker to read than its text)."""
    address, prefix = value
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (address, prefix)):
        raise TypeError("not a block")
    return ipaddress.IPv4Network((address, prefix))


def _names(value: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in value)


def _decode(value: dict[str, Any]) -> Entry:
    findings = tuple(Finding(_where(where), _text(code), _text(message), _text(hint), Severity(severity),
                             tuple(_where(r) for r in related), _text(excerpt))
                     for where, code, severity, message, hint, related, excerpt in value["findings"])
    claim = None
    if value["claim"] is not None:
        name, region, cidr, account, pool = value["claim"]
        claim = Claim(_text(name), _text(region), None if cidr is None else _block(cidr),
                      _optional(account), _optional(pool))
    module = None
    if value["module"] is not None:
        sha, files, child = value["module"]
        module = Module(_text(sha), _names(files), _names(child))
    anchors = {tuple(_text(p) for p in pointer): _where(where) for pointer, where in value["anchors"]}
    if not isinstance(value["loaded"], bool):
        raise TypeError("not a boolean")
    return Entry(_text(value["digest"]), _text(value["context"]), findings, value["loaded"], _optional(value["name"]),
                 claim, anchors, module)


def fingerprint() -> str:
    """netspec's build, as far as what it finds depends on it: its version, Python's and PyYAML's, and
    the content of each of netspec's own files and schemas (a checkout being edited is a new build at
    every change; the same wheel installed on another machine, as CI does on every run, is the same
    build). About 0.7 MB read and hashed: a few milliseconds."""
    import yaml  # already imported by the loader

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256("\n".join([__version__, sys.version, getattr(yaml, "__version__", "")]).encode("utf-8"))
    for folder in (package, package.parents[1] / "schemas"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".json"):
                digest.update(b"\n" + path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


KEY_ENV = "NETSPEC_CACHE_KEY"  # a key CI runs share (a secret), instead of this machine's own
MIN_KEY_CHARS = 32


def key_problem() -> str | None:
    """Why the key NETSPEC_CACHE_KEY gives cannot be used (the cache is then not used at all)."""
    given = os.environ.get(KEY_ENV)
    if given and len(given) < MIN_KEY_CHARS:
        return (f"{KEY_ENV} is {len(given)} characters long; a key anyone could guess would let them write "
                f"findings of their own, so the findings cache is not used (give at least {MIN_KEY_CHARS} random "
                "characters, e.g. `openssl rand -hex 32`)")
    return None


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netspec" / "cache.key"


def _key() -> bytes | None:
    """The key of the cache's MAC: NETSPEC_CACHE_KEY's (a secret CI runs share) when given, else this
    machine's, made on first use (0600); None when there is none to be had."""
    given = os.environ.get(KEY_ENV)
    if given:
        return None if key_problem() else hashlib.sha256(given.encode("utf-8")).digest()
    try:
        path = _key_file()
        try:
            key = read_bounded(path, KEY_BYTES)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            except FileExistsError:  # another run made it meanwhile
                key = read_bounded(path, KEY_BYTES)
            else:
                key = os.urandom(KEY_BYTES)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(key)
        return key if len(key) == KEY_BYTES else None
    except (OSError, RuntimeError, NotRegular, TooLarge):  # RuntimeError: no home folder
        return None


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


def _read_signed(path: Path, key: bytes, build: str) -> Any:
    """The entries of a cache file signed with `key` by this build; None for any other file (none,
    unreadable, another key's or build's, corrupt)."""
    try:
        data = read_bounded(path, MAX_BYTES)
    except (OSError, NotRegular, TooLarge):
        return None
    mac, _, body = data.partition(b"\n")
    if not hmac.compare_digest(mac, _mac(key, body)):
        return None
    try:
        document = json.loads(body)
        if document["format"] != FORMAT or document["build"] != build:
            return None
        return document["entries"]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def _write_signed(folder: Path, name: str, key: bytes, build: str, entries: Any) -> bool:
    """Write a cache file of `folder` in one step (temporary file, rename), signed with `key`; False
    when it cannot be written (the run goes on, and the next one works in full)."""
    document = {"format": FORMAT, "build": build, "entries": entries}
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if folder.is_symlink():  # never written through a link someone put there
            return False
        for marker, text in ((".gitignore", "# Created by netspec: this folder is a cache.\n*\n"),
                             ("CACHEDIR.TAG", _TAG)):
            try:  # made once; a file (or link) already there is left as it is
                fd = os.open(folder / marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            except FileExistsError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        write_atomically(folder / name, _mac(key, body) + b"\n" + body, durable=False)
    except OSError:
        return False
    return True


class Cache:
    """The entries of one cache folder, read once at the start of a run and written once at its end."""

    def __init__(self, folder: Path, *, key: bytes | None, build: str) -> None:
        self.folder, self.key, self.build = folder, key, build
        self.entries: dict[str, Entry] = {}
        self.changed = False

    @classmethod
    def open(cls, folder: Path) -> Cache:
        """The cache in `folder`; empty when there is none, or it is not this machine's and this build's."""
        try:
            cache = cls(folder, key=_key(), build=fingerprint())
        except OSError:  # netspec's own files cannot be listed: no build to tell this one by
            return cls(folder, key=None, build="")
        if cache.key is None:
            return cache
        entries = _read_signed(folder / FILE, cache.key, cache.build)
        try:
            cache.entries = {_text(path): _decode(value) for path, value in (entries or {}).items()}
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            cache.entries = {}
        return cache

    def get(self, path: str, digest: str) -> Entry | None:
        """The entry of a spec at this path with these bytes (its context is compared when known)."""
        entry = self.entries.get(path)
        return entry if entry is not None and entry.digest == digest else None

    def put(self, path: str, entry: Entry) -> None:
        if self.entries.get(path) != entry:
            self.entries[path] = entry
            self.changed = True

    def keep(self, used: set[str]) -> None:
        """Forget the entries of specs that are gone (those this run did not read and no file is at)."""
        gone = [path for path in self.entries if path not in used and not os.path.isfile(path)]
        for path in gone:
            del self.entries[path]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the entries, when they changed, in one step (temporary file, rename). A cache that
        cannot be written is left as it was: the run goes on, and the next one checks in full."""
        if not self.changed or self.key is None:
            return
        if _write_signed(self.folder, FILE, self.key, self.build,
                         {path: _encode(entry) for path, entry in sorted(self.entries.items())}):
            self.changed = False




VERIFIED_FILE = "verified.json"
MAX_VERIFIED = 100_000  # digests kept; past it, only those of the latest run


class Verified:
    """Modules `netspec verify` found nothing in, by digest (`verify.module_digest`: the module's
    files, its provider configuration, terraform's version and the lock of the providers it
    installed), in the cache folder beside the findings, signed and keyed the same way. A module
    with a digest here is not validated again: validate would find nothing again. One with any
    diagnostic, warnings included, never gets here, so what validate says is said on every run."""

    def __init__(self, folder: Path, *, key: bytes | None, build: str, digests: set[str]) -> None:
        self.folder, self.key, self.build, self.digests = folder, key, build, digests
        self.latest: set[str] = set()  # the clean digests of this run: cached or verified now

    @classmethod
    def open(cls, folder: Path) -> Verified:
        try:
            key, build = _key(), fingerprint()
        except OSError:
            return cls(folder, key=None, build="", digests=set())
        entries = _read_signed(folder / VERIFIED_FILE, key, build) if key is not None else None
        digests = {d for d in entries if isinstance(d, str)} if isinstance(entries, list) else set()
        return cls(folder, key=key, build=build, digests=digests)

    def known(self, digest: str) -> bool:
        """True when a verify found nothing in a module of this digest; it counts as clean for this run."""
        if digest in self.digests:
            self.latest.add(digest)
            return True
        return False

    def record(self, digests: Iterable[str]) -> None:
        """Modules this run's validate found nothing in."""
        self.latest.update(digests)

    def save(self) -> None:
        if self.key is None or self.latest <= self.digests:
            return
        kept = self.digests | self.latest
        if len(kept) > MAX_VERIFIED:
            kept = self.latest
        _write_signed(self.folder, VERIFIED_FILE, self.key, self.build, sorted(kept))
