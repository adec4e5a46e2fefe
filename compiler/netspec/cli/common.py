"""What every command shares: the usage error, common options, settings, compiling specs, exit."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, TypeVar

import typer

from .. import config, suppress
from ..codes import exit_code
from ..crossspec import check_across
from ..files import files_below
from ..findings import Finding, display_path, has_errors, sort_findings
from ..loader import MAX_SPEC_BYTES, load_bytes
from ..pipeline import UNDECIDED_POOL, Result
from ..report import Format, Progress, Summary, TextReport, Verbosity, emit, note
from .cache import Cache, Entry, key_problem
from .jobs import Job, Read, Work, check_job, cpu_count, load_read, load_spec, read_one, read_spec_file, Workers
from .repository import Plan, Source, plan

SPEC_SUFFIXES = (".yaml", ".yml")
STDIN = Path("-")
STDIN_LABEL = "<stdin>"

PathsArg = typer.Argument(
    None, help="Spec files or folders of specs; - reads one spec from standard input "
               "(default: the configuration's `specs`, else specs/).", show_default=False)
FormatOpt = typer.Option(None, "--format", "-f", help="Findings format (default: the configuration's, else text).",
                         show_default=False)
StrictOpt = typer.Option(None, "--strict/--no-strict", help="Treat warnings as failures (exit 1).", show_default=False)
QuietOpt = typer.Option(False, "--quiet", "-q", help="Print only the findings: no summary line, no notes.")
VerboseOpt = typer.Option(False, "--verbose", "-v", help="Also print suppressed findings and what was left unchanged.")
NoColorOpt = typer.Option(False, "--no-color", help="Never color findings (the NO_COLOR variable does the same).")
ConfigOpt = typer.Option(None, "--config", dir_okay=False, show_default=False,
                         help="Configuration file to use instead of the netspec.toml (or pyproject.toml "
                              "with [tool.netspec]) found from the working directory up.")
StdinNameOpt = typer.Option(None, "--stdin-filename", show_default=False,
                            help="The path findings name for a spec read from standard input (-).")
JobsOpt = typer.Option(None, "--jobs", "-j", show_default=False,
                       help="Worker processes for many specs (default: the number of CPUs; 1: none). "
                            "Output is the same for every number.")
NoCacheOpt = typer.Option(False, "--no-cache", help="Check every spec in full: neither read nor write the findings "
                                                     "cache (.netspec_cache/). Output is the same either way.")


C = TypeVar("C")


def run_cache(settings: config.Settings, no_cache: bool, open_cache: Callable[[Path], C] = Cache.open) -> C | None:
    """The cache a run reads and writes back (`open_cache` of the configured folder: the findings
    cache of validate and compile, by default); None when switched off (or when NETSPEC_CACHE_KEY is
    too short to be a secret: said on stderr)."""
    if no_cache or settings.cache is None:
        return None
    problem = key_problem()
    if problem is not None:
        note(f"netspec: {problem}", verbosity=settings.verbosity)
        return None
    return open_cache(settings.cache)


class UsageError(Exception):
    """Bad arguments or unreadable paths: exit 2."""


def settings_for(*, config_file: Optional[Path], fmt: Optional[Format] = None, strict: Optional[bool] = None,
                 quiet: bool = False, verbose: bool = False, no_color: bool = False,
                 jobs: Optional[int] = None) -> config.Settings:
    """The run's settings: the configuration file's, then the options given on the command line
    (None: not given). A configuration with errors ends the run here, its findings reported, exit 2.
    """
    if quiet and verbose:
        raise UsageError("--quiet and --verbose exclude each other")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: give 1 or more worker processes")
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{config_file}: no such file")
    verbosity = Verbosity.QUIET if quiet else Verbosity.VERBOSE if verbose else Verbosity.NORMAL
    try:
        settings = config.load(config_file)
    except config.ConfigError as exc:
        findings = sort_findings(exc.findings)
        emit(findings, Summary(1, "configuration file(s) read"), fmt=fmt or Format.TEXT, verbosity=verbosity,
             color=not no_color)
        raise typer.Exit(exit_code(findings)) from None
    settings = dataclasses.replace(settings, verbosity=verbosity, color=not no_color, jobs=jobs or cpu_count())
    if fmt is not None:
        settings = dataclasses.replace(settings, format=fmt)
    if strict is not None:
        settings = dataclasses.replace(settings, strict=strict)
    return settings


def find_specs(paths: list[Path], *, empty_ok: bool = False) -> list[Path]:
    """The spec files the paths name: each path must name at least one (unless `empty_ok`).

    In a folder, every *.yaml and *.yml that is not a folder counts (a FIFO or device
    among them is refused when read, not skipped in silence); symlinked folders are not
    followed. A path given by name is taken as it is, whatever its suffix.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = files_below(path, SPEC_SUFFIXES)
            if not inside and not empty_ok:
                raise UsageError(f"{path}: no spec files (*.yaml, *.yml) in this folder or below it")
            found.extend(inside)
        elif path.exists() or path.is_symlink():
            found.append(path)  # a regular file, or something read_spec_file refuses with a finding
        else:
            raise UsageError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def spec_paths(paths: Optional[list[Path]], settings: config.Settings) -> list[Path]:
    """The paths given, else the configuration's specs (default specs/)."""
    return list(paths or settings.specs)


def is_complete(paths: list[Path]) -> bool:
    """True when the run reads whole folders of specs: then a module no spec compiled to is an orphan."""
    return bool(paths) and all(p != STDIN and p.is_dir() for p in paths)


@dataclass
class Run:
    """A run's compiled specs, and what was decided across them (pools and netspec.lock)."""

    results: list[Result]
    plan: Plan
    findings: list[Finding] = field(default_factory=list)  # not on any spec: the lock file's


def compile_paths(paths: list[Path], *, settings: config.Settings, work: Work = Work(),
                  stdin_name: Optional[str] = None, release: bool = False, cache: Cache | None = None) -> Run:
    """Every spec under `paths` (`-`: standard input) through `work`, each with what the repository
    decides for it (pools, accounts, backend), checked across specs, suppressions applied.
    `release`: --prune. Results keep their model only when `work.keep_model` (`jobs.finish`).
    `cache`: the findings cache (cli/cache.py), read and written back; None: every spec checked in full.

    Spread over `settings.jobs` workers. When the repository decides something across specs
    (address pools, netspec.lock), it takes two steps: every spec is loaded, the repository decides
    across them (`repository.plan`: one spec's pool block depends on the others), then each is
    checked (and rendered) with what was decided for it. Otherwise a spec's context depends on its
    path alone, and each is read, loaded and checked in one step, in its worker; should a spec
    ask for a pool after all, the run is made again in two steps. With the cache, every spec is
    read and hashed here first, and one the cache knows is loaded only if its step needs it."""
    if paths.count(STDIN) > 1:
        raise UsageError("- (standard input) can be given once")
    if stdin_name is not None and STDIN not in paths:
        raise UsageError("--stdin-filename names the spec read from standard input; give - as a path")
    across = bool(settings.pools) or settings.lock_file.exists()
    if cache is not None and (work.keep_model or across):
        cache = None  # a model is wanted, or pools decide blocks across specs: every spec is loaded
    stdin = None
    if STDIN in paths:
        label = stdin_name or STDIN_LABEL
        # Bounded like a file: one byte over the limit is enough for NS007.
        stdin = Source(label, None, *load_bytes(sys.stdin.buffer.read(MAX_SPEC_BYTES + 1), label))
    with Workers(settings.jobs) as workers:
        specs = find_specs([p for p in paths if p != STDIN])
        results, decided = _checked(specs, stdin, paths, settings=settings, work=work, release=release, cache=cache,
                                    workers=workers, load_first=across)
        if not across and any(f.code == UNDECIDED_POOL for r in results for f in r.findings):
            # A spec asks for a pool's block, which is decided from every spec: load them all first.
            results, decided = _checked(specs, stdin, paths, settings=settings, work=work, release=release,
                                        cache=cache, workers=workers, load_first=True)
        if cache is not None:
            cache.keep({r.path for r in results})
            cache.save()
    return Run([_suppressed(r, settings) for r in check_across(results)], decided, decided.findings)


def _checked(specs: list[Path], stdin: Source | None, paths: list[Path], *, settings: config.Settings, work: Work,
             release: bool, cache: Cache | None, workers: Workers, load_first: bool) -> tuple[list[Result], Plan]:
    """Each spec's result, in order (standard input last), and what the repository decided.
    `load_first`: every spec loaded before the plan (which then sees every document)."""
    folders: dict[str, str | None] = {}
    reads = [read_one(spec, folders=folders) for spec in specs] if cache is not None else []
    digests = [hashlib.sha256(raw).hexdigest() if isinstance(raw, bytes) else None for _, _, raw in reads]
    cached: list[Entry | None] = [None] * len(reads)  # what the cache holds for each spec read, by position
    if cache is not None and not work.force:
        cached = [cache.get(shown, digest) if digest else None for (_, shown, _), digest in zip(reads, digests)]
    if not load_first:
        sources = ([Source(shown, spec, loaded=False) for spec, shown, _ in reads] if cache is not None
                   else [Source(display_path(spec, folders=folders), spec, loaded=False) for spec in specs])
    elif cache is not None:
        sources = _load(reads, cached, workers)
    else:
        sources = list(workers.map(load_spec, specs))
    sources += [stdin] if stdin is not None else []
    complete = is_complete(paths)
    decided = plan(sources, settings, complete=complete, release=release)
    if decided.allocation is not None and not all(s.loaded for s in sources):
        # A spec loaded already (standard input, or a read the cache answered) asks a pool for its
        # block, decided from every document: the others are loaded, and nothing is answered from the cache.
        unloaded = [i for i, s in enumerate(sources) if not s.loaded]
        rest = iter(workers.map(load_read, [reads[i] if reads else read_one(specs[i], folders=folders)
                                            for i in unloaded]))
        sources = [next(rest) if not s.loaded else s for s in sources]
        cached = [None] * len(reads)
        decided = plan(sources, settings, complete=complete, release=release)
    items = _jobs(sources, decided, reads, digests, cached, keep=cache is not None and decided.allocation is None)
    slow = iter(workers.map(functools.partial(check_job, work), [j for j in items if not j.quick(work)]))
    results = []
    progress = Progress(len(sources))
    for index, item in enumerate(items, 1):
        result, entry = check_job(work, item) if item.quick(work) else next(slow)
        if entry is not None and cache is not None:
            cache.put(result.path, entry)
        progress.step(index, result.path)
        results.append(result)
    progress.done()
    return results, decided


def _jobs(sources: list[Source], decided: Plan, reads: list[Read], digests: list[str | None],
          cached: list[Entry | None], *, keep: bool) -> list[Job]:
    """Each source's second step: the specs read, in order, then standard input (never cached).
    A cached entry answers only in the context it was found in; `keep`: the results go to the cache.
    A spec not loaded yet is loaded in its step: from the bytes read here, else read there."""
    items = []
    for i, s in enumerate(sources):
        context = decided.contexts[s.path]
        entry = cached[i] if i < len(reads) else None
        raw = reads[i][2] if i < len(reads) and (entry is not None or not s.loaded) else None
        usable = entry if entry is not None and entry.context == context.recorded() else None
        items.append(Job(s, context, raw if isinstance(raw, bytes) else None, usable,
                         digests[i] if keep and i < len(reads) else None,
                         unread=raw if isinstance(raw, Finding) else None))
    return items


def _load(reads: list[Read], cached: list[Entry | None], workers: Workers) -> list[Source]:
    """The sources of the specs read: loaded, except those the cache answers (loaded later if need be)."""
    loaded = iter(workers.map(load_read, [r for r, entry in zip(reads, cached) if entry is None]))
    return [Source(shown, spec, loaded=False) if entry is not None else next(loaded)
            for (spec, shown, _), entry in zip(reads, cached)]


def compile_spec(spec: Path, settings: config.Settings) -> Result:
    """One spec named on the command line (explain, graph), compiled in its repository: its pool's
    block, its folder's account and the state backend, as `netspec compile` would decide them."""
    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")
    return compile_paths([spec], settings=settings, work=Work(keep_model=True)).results[0]


def _suppressed(result: Result, settings: config.Settings) -> Result:
    """A spec's findings with its inline and the configuration's suppressions applied."""
    inline: list = []
    malformed: list[Finding] = []
    text = result.document.text if result.document is not None else result.text
    if text is not None:
        inline, malformed = suppress.inline(text, result.path)
    if not result.findings and not inline and not malformed:
        return result  # nothing to mark, nothing expired: most specs of a healthy repository
    findings = suppress.apply([*result.findings, *malformed, *suppress.expired(inline, settings.today)],
                              [*inline, *settings.suppressions], root=settings.root, today=settings.today)
    files = result.files if not has_errors(findings) else {}
    return dataclasses.replace(result, findings=tuple(sort_findings(findings)), files=files)


def run_findings(run: Run, settings: config.Settings) -> list[Finding]:
    """Every finding of a run: each spec's, the lock file's, and the configuration's expired suppressions."""
    return ([f for r in run.results for f in r.findings] + run.findings
            + suppress.expired(settings.suppressions, settings.today))


def finish(findings: list[Finding], count: int, *, settings: config.Settings,
           verb: str = "spec(s) checked") -> None:
    """Report every finding once, then exit with the code they mean."""
    ordered = sort_findings(findings)
    emit(ordered, Summary(count, verb), fmt=settings.format, verbosity=settings.verbosity, color=settings.color)
    raise typer.Exit(exit_code(ordered, strict=settings.strict))


def read_spec(path: Path) -> bytes:
    """One spec named on the command line (diff, graph): a file that cannot be read is a usage error."""
    raw = read_spec_file(path)
    if isinstance(raw, Finding):
        raise UsageError(f"{path}: {raw.message}")
    return raw


def print_findings(results: list[Result]) -> None:
    """Findings of specs that did not compile, as text on stderr: stdout keeps the command's report."""
    findings = sort_findings(f for r in results for f in r.findings)
    sys.stderr.write(TextReport().render(findings, Summary(len(results))))
    sys.stderr.write(Summary(len(results)).line(findings) + "\n")
