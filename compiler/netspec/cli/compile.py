"""`netspec compile` and `netspec validate`: check specs, and write their modules."""

from __future__ import annotations

import dataclasses
import difflib
import enum
import sys
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Optional

import typer

from .. import config, lifecycle, lockfile
from ..codes import code
from ..durable import Switch
from ..findings import Finding, Location, display_path
from ..pipeline import Result
from ..render import Emit, RenderOptions
from ..report import Format, Verbosity, note
from ..writer import Change, FileChange, LinkedFolder, ModuleFolder
from .common import (ConfigOpt, FormatOpt, JobsOpt, NoCacheOpt, NoColorOpt, PathsArg, QuietOpt, Run, StdinNameOpt,
                     StrictOpt, UsageError, VerboseOpt, compile_paths, finish, is_complete, run_cache, run_findings,
                     settings_for, spec_paths)
from .jobs import Work
from .repository import held, write_atomically

if TYPE_CHECKING:
    from concurrent.futures import Executor

# Modules switched together (`durable.Switch`): their new files made durable in one step, their
# folders held open and locked meanwhile (so well under the usual limit of 1,024 open files).
WRITE_BATCH = 128
# Threads creating module files (`_write_batch`): the file system's waits, not Python, bound them.
WRITE_THREADS = 4

# compile's --format: every report.Format for findings, plus the deprecated `hcl` (now
# `--emit hcl`). Derived from Format so a new findings format reaches compile too.
CompileFormat = enum.Enum("CompileFormat", {**{f.name: f.value for f in Format}, "HCL": "hcl"}, type=str)


class WriteBack(enum.Enum):
    """What compile does with what it compiled (black's --check/--diff as one value)."""

    YES = "write"  # write out/<name>/
    CHECK = "check"  # write nothing; a module that would change is a finding
    DIFF = "diff"  # as CHECK, and print a unified diff of what would change


def _stale(directory: Path, spec: str, changes: list[FileChange]) -> Finding:
    """One finding per module that is not what its spec compiles to, naming every file that differs."""
    listed = ", ".join(f"{c.path.name} {c.change.value}" for c in changes)
    return code("NS302").at(Location(display_path(changes[0].path)),
                            f"{display_path(directory)}/ is not what {spec} compiles to: {listed}")


def _conflicts(changes: list[FileChange]) -> list[Finding]:
    return [code("NS303").at(Location(display_path(c.path)), "netspec would write this file, but did not write the one there")
            for c in changes]


def _names(results: list[Result]) -> tuple[set[str], set[str]]:
    """Every network name the run knows (from the model, or as written when the spec has errors),
    and the file names of specs whose name could not be read."""
    names, unknown = set(), set()
    for r in results:
        name = r.name or r.written_name
        if name is not None:
            names.add(name)
        else:
            unknown.add(PurePath(r.path).name)
    return names, unknown


def _orphans(results: list[Result], settings: config.Settings, write_back: WriteBack, prune: bool) -> list[Finding]:
    names, unknown = _names(results)
    findings = []
    for orphan in lifecycle.find_orphans(settings.out, names=names, unknown_sources=unknown):
        shown = display_path(orphan.directory)
        kept = f"; keeps {orphan.kept_names()} (not written by netspec)" if orphan.kept else ""
        if write_back is not WriteBack.YES:
            findings.append(code("NS306").at(
                Location(display_path(orphan.generated[0])),
                f"{shown}/ was generated from {orphan.source}, but no spec compiles to it now; "
                f"`netspec compile --prune` removes its {len(orphan.generated)} generated file(s){kept}"))
        elif prune:
            try:
                gone = lifecycle.prune(orphan)
            except OSError as exc:  # LinkedFolder too: replaced by a link since it was found
                findings.append(_cannot(orphan.directory, exc, "prune"))
                continue
            note(f"{shown}: removed {len(orphan.generated)} generated file(s) of {orphan.source}"
                 + ("" if not orphan.kept else f"; kept {orphan.kept_names()} (not written by netspec)")
                 + ("; folder removed" if gone else ""), verbosity=settings.verbosity)
        else:
            note(f"{shown}: generated from {orphan.source}, which no spec compiles to now; "
                 "`netspec compile --prune` removes it", verbosity=settings.verbosity)
    return findings


def _cannot(directory: Path, exc: OSError, verb: str) -> Finding:
    where = Location(display_path(Path(exc.filename) if exc.filename else directory))
    return code("NS305").at(where, f"cannot {verb} the module: {exc.strerror or exc}")


def _compare(result: Result, settings: config.Settings, write_back: WriteBack) -> list[Finding]:
    """--check and --diff: one compiled spec against its out/<name>/, under the folder's shared lock."""
    assert result.name is not None
    directory = settings.out / result.name
    if result.current:
        return []
    try:
        with ModuleFolder(directory, write=False) as folder:
            changes = folder.plan(result.files)
    except LinkedFolder as exc:
        return [code("NS307").at(Location(display_path(directory)), str(exc))]
    except OSError as exc:
        return _cannot(directory, exc, "read")
    rest = [c for c in changes if c.change is not Change.CONFLICT]
    if write_back is WriteBack.DIFF:
        sys.stdout.write(lifecycle.unified_diff(rest, result.files))
    return _conflicts([c for c in changes if c.change is Change.CONFLICT]) + (
        [_stale(directory, result.path, rest)] if rest else [])


def _write_batch(batch: list[Result], settings: config.Settings, pool: Executor) -> list[tuple[str, list[Finding]]]:
    """Write modules: each folder locked (in name order, one after another, so concurrent runs never
    wait on each other in a circle), then compared and its new files staged by WRITE_THREADS threads
    (creating a file waits on the file system's journal far more than on Python: their waits
    overlap), then all switched at once (`durable.Switch`)."""
    findings: dict[int, list[Finding]] = {}
    updated: dict[int, int] = {}
    opened: dict[int, ModuleFolder] = {}

    def stage(i: int) -> ModuleFolder | None:
        result, folder = batch[i], opened[i]
        try:
            # The other format's generated files are obsolete here, so switching removes them.
            changes = folder.plan(result.files)
            conflicts = [c for c in changes if c.change is Change.CONFLICT]
            if conflicts:
                findings[i] = _conflicts(conflicts)
            elif changes:
                folder.stage(result.files, changes)
                updated[i] = len(changes)
                return folder
        except OSError as exc:
            findings[i] = [_cannot(folder.directory, exc, "write")]
        return None

    switch = Switch(pool)
    try:
        for i in sorted((i for i in range(len(batch)) if not batch[i].current), key=lambda i: str(batch[i].name)):
            directory = settings.out / str(batch[i].name)
            folder = ModuleFolder(directory, write=True)
            try:
                folder.__enter__()
            except LinkedFolder as exc:
                findings[i] = [code("NS307").at(Location(display_path(directory)), str(exc))]
                continue
            except OSError as exc:
                findings[i] = [_cannot(directory, exc, "write")]
                continue
            opened[i] = folder
        switch.folders += [folder for folder in pool.map(stage, list(opened)) if folder is not None]
        try:
            switch.commit()
        except OSError as exc:
            for i in updated:
                findings[i] = [_cannot(settings.out / str(batch[i].name), exc, "write")]
            updated.clear()
    finally:
        for folder in opened.values():
            folder.discard()
            folder.close()
    folders: dict[str, str | None] = {}
    for i, result in enumerate(batch):
        level = Verbosity.NORMAL if i in updated else Verbosity.VERBOSE if i not in findings else None
        if level is None or settings.verbosity < level:
            continue  # nothing to say, or not at this verbosity: the folder's name is not worked out
        shown = display_path(settings.out / str(result.name), folders=folders)
        note(f"{shown}: {updated[i]} file(s) updated" if i in updated else f"{shown}: up to date",
             verbosity=settings.verbosity, level=level)
    return [(r.path, findings.get(i, [])) for i, r in enumerate(batch)]


def _write_back(results: list[Result], settings: config.Settings,
                write_back: WriteBack) -> list[tuple[str, list[Finding]]]:
    """Write, check or diff the module of every spec that compiled: each spec's path, and what went wrong."""
    modules = [r for r in results if r.ok and r.name is not None]
    if write_back is not WriteBack.YES:
        return [(r.path, _compare(r, settings, write_back)) for r in modules]
    # A module already current has nothing to write (with -v its batch still names it "up to date").
    verbose = settings.verbosity >= Verbosity.VERBOSE
    done: list[tuple[str, list[Finding]]] = [] if verbose else [(r.path, []) for r in modules if r.current]
    todo = modules if verbose else [r for r in modules if not r.current]
    if not todo:
        return done
    from concurrent.futures import ThreadPoolExecutor  # imported here: validate shares this module
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        return done + [written for start in range(0, len(todo), WRITE_BATCH)
                       for written in _write_batch(todo[start:start + WRITE_BATCH], settings, pool)]


def _lock_changes(old: tuple[lockfile.LockEntry, ...], new: tuple[lockfile.LockEntry, ...]) -> list[str]:
    before, after = {e.name: e for e in old}, {e.name: e for e in new}
    changes = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was is None and now is not None:
            changes.append(f"adds {name} {now.block} ({now.pool})")
        elif now is None and was is not None:
            changes.append(f"releases {name} {was.block}")
        elif was is not None and now is not None and (was.block, was.pool) != (now.block, now.pool):
            changes.append(f"gives {name} {now.block} ({now.pool}) instead of {was.block}")
        elif was is not None and now is not None and was.spec != now.spec:
            changes.append(f"moves {name}'s spec to {now.spec}")
    return changes


def _lock(run: Run, settings: config.Settings, write_back: WriteBack, compiled: set[str], complete: bool) -> list[Finding]:
    """Write netspec.lock (compile), or report it stale (--check, --diff). A lock with errors is left alone."""
    allocation, lock = run.plan.allocation, run.plan.lock
    if allocation is None or lock is None or not allocation.writable:
        return []
    entries = allocation.settle(compiled)
    text = lockfile.render(entries)
    findings = []
    if complete and write_back is not WriteBack.YES and allocation.releasable:
        gone = ", ".join(f"{e.name} ({e.block})" for e in allocation.releasable)
        findings.append(code("NS312").at(Location(lock.path), f"{lock.path} keeps the blocks of {gone}, which no spec "
                                                              "asks for now",
                                         hint="run `netspec compile --prune` (it also removes their modules) and "
                                              "commit netspec.lock"))
    elif complete and allocation.releasable and not allocation.released:
        note(f"{lock.path}: keeps the blocks of {', '.join(e.name for e in allocation.releasable)}, which no spec asks "
             "for now; `netspec compile --prune` releases them", verbosity=settings.verbosity)
    if text == lock.text or (not entries and not lock.exists):
        return findings
    changes = _lock_changes(lock.entries, entries)
    if write_back is not WriteBack.YES:
        if write_back is WriteBack.DIFF:
            old = lock.text.splitlines(keepends=True)
            sys.stdout.write("".join(difflib.unified_diff(old, text.splitlines(keepends=True),
                                                          "/dev/null" if not lock.exists else f"a/{lock.path}",
                                                          f"b/{lock.path}")))
        return findings + [code("NS312").at(Location(lock.path), f"{lock.path} is not current: compile "
                                                                 f"{'; '.join(changes) or 'rewrites it'}")]
    try:
        write_atomically(settings.lock_file, text)
    except OSError as exc:
        return findings + [code("NS305").at(Location(lock.path), f"cannot write the lock file: {exc.strerror or exc}")]
    note(f"{lock.path}: {'; '.join(changes) or 'rewritten'}", verbosity=settings.verbosity)
    return findings


def compile_command(
    paths: Optional[list[Path]] = PathsArg,
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Folder that receives one module per spec: OUT/<name>/ (default: the configuration's, else out/)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if a module is stale, missing, hand-edited or has no spec any more."),
    diff: bool = typer.Option(False, "--diff", help="As --check, and print a unified diff of what compile would change."),
    prune: bool = typer.Option(False, "--prune", help="Remove the generated files of modules whose spec is gone (other files are kept)."),
    module: bool = typer.Option(False, "--module", help="Leave out the provider block (provider.tf.json), for use as a child module."),
    emit: Optional[Emit] = typer.Option(None, "--emit", show_default=False,
                                        help="Module format: json (.tf.json files) or hcl (.tf files) (default: the configuration's, else json)."),
    force: bool = typer.Option(False, "--force", help="Render and compare every module, even one whose files' headers "
                                                      "say it is current (with --check: compare every byte); "
                                                      "check every spec in full, whatever the findings cache holds."),
    no_cache: bool = NoCacheOpt,
    jobs: Optional[int] = JobsOpt,
    compile_fmt: Optional[CompileFormat] = typer.Option(
        None, "--format", "-f", show_default=False, help="Findings format (default: the configuration's, else text). "
                                                         "`hcl` is deprecated: use --emit hcl."),
    strict: Optional[bool] = StrictOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    no_color: bool = NoColorOpt,
    config_file: Optional[Path] = ConfigOpt,
    stdin_filename: Optional[str] = StdinNameOpt,
) -> None:
    """Validate specs and write their Terraform modules to OUT/<name>/.

    A spec with errors leaves its OUT/<name>/ untouched. Files netspec did not
    write (state, .terraform/, *_override.tf.json) are never changed. When the
    run reads whole folders of specs, a module no spec compiles to any more is
    reported by --check and removed by --prune.

    Examples:

      netspec compile                      # every spec in specs/ -> out/

      netspec compile specs/ds-team.yaml --out build/

      netspec compile --check --diff       # in CI: fail, with a diff, if out/ is not current

      netspec compile --emit hcl           # the same modules as .tf files

      netspec compile --prune              # also remove modules whose spec was deleted

      cat team.yaml | netspec validate - --stdin-filename specs/team.yaml
    """
    deprecated_hcl = compile_fmt is not None and compile_fmt.value == "hcl"
    fmt = None if compile_fmt is None or deprecated_hcl else Format(compile_fmt.value)
    settings = settings_for(config_file=config_file, fmt=fmt, strict=strict, quiet=quiet, verbose=verbose,
                            no_color=no_color, jobs=jobs)
    if deprecated_hcl:
        if emit is Emit.JSON:
            raise UsageError("--format hcl (deprecated) and --emit json contradict each other")
        sys.stderr.write("netspec: `--format hcl` is deprecated; use `--emit hcl` (findings stay text)\n")
        emit = Emit.HCL
    settings = dataclasses.replace(settings, out=out or settings.out, emit=emit or settings.emit)
    write_back = WriteBack.DIFF if diff else WriteBack.CHECK if check else WriteBack.YES
    if prune and write_back is not WriteBack.YES:
        raise UsageError("--prune removes files; --check and --diff write nothing (they report modules to prune)")
    if write_back is WriteBack.DIFF and settings.format in (Format.JSON, Format.SARIF):
        raise UsageError(f"--diff prints to standard output, which --format {settings.format.value} keeps for its document")
    given = spec_paths(paths, settings)
    if prune and not is_complete(given):
        raise UsageError("--prune needs whole folders of specs (or none: the configured ones), "
                         "to know which modules no spec compiles to")
    work = Work(render=RenderOptions(module=module, emit=settings.emit), out=settings.out,
                writing=write_back is WriteBack.YES, force=force)
    try:
        # Allocating from the pools reads netspec.lock and writing it ends the run: runs that may
        # change it take turns, so two concurrent compiles never hand out one block twice.
        with held(settings, exclusive=write_back is WriteBack.YES):
            run = compile_paths(given, settings=settings, work=work, stdin_name=stdin_filename, release=prune,
                                cache=run_cache(settings, no_cache))
            findings = run_findings(run, settings)
            compiled = set()
            for path, problems in _write_back(run.results, settings, write_back):
                findings += problems
                if write_back is not WriteBack.YES or not problems:
                    compiled.add(path)
            findings += _lock(run, settings, write_back, compiled, is_complete(given))
            if is_complete(given):
                findings += _orphans(run.results, settings, write_back, prune)
    except TimeoutError as exc:
        finish([code("NS305").at(Location(display_path(settings.lock_file)), str(exc))], 0, settings=settings)
    finish(findings, len(run.results), settings=settings)


def validate_command(
    paths: Optional[list[Path]] = PathsArg,
    fmt: Optional[Format] = FormatOpt,
    strict: Optional[bool] = StrictOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    no_color: bool = NoColorOpt,
    config_file: Optional[Path] = ConfigOpt,
    stdin_filename: Optional[str] = StdinNameOpt,
    jobs: Optional[int] = JobsOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """Run every check on specs; write nothing (but the findings cache).

    Examples:

      netspec validate

      netspec validate specs/ds-team.yaml --format json

      git show main:specs/ds-team.yaml | netspec validate - --stdin-filename specs/ds-team.yaml
    """
    settings = settings_for(config_file=config_file, fmt=fmt, strict=strict, quiet=quiet, verbose=verbose,
                            no_color=no_color, jobs=jobs)
    run = compile_paths(spec_paths(paths, settings), settings=settings, stdin_name=stdin_filename,
                        cache=run_cache(settings, no_cache))
    finish(run_findings(run, settings), len(run.results), settings=settings)
