"""`netspec diff`: what a change to specs does to the network, for a pull request comment."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional

import typer

from .. import config
from .. import diff as specdiff
from .. import gitrev, lockfile
from ..findings import ExitCode, display_path
from ..loader import MAX_SPEC_BYTES, load_bytes
from ..lockfile import Lock
from ..model import Network
from ..pipeline import Result, check_loaded
from .common import SPEC_SUFFIXES, ConfigOpt, UsageError, find_specs, print_findings, read_spec, settings_for
from .repository import Source, plan


def _side(pairs: list["_Pair"], old: bool, settings: config.Settings, lock: Lock | None,
          failed: list[Result]) -> dict[str, Network | None]:
    """The models of one side of every pair, each compiled in its repository (its pool's block as
    `lock` records it, its folder's account); a side that does not compile is kept for its findings."""
    sources = []
    for pair in pairs:
        raw, path = (pair.old_raw, pair.old_path) if old else (pair.new_raw, pair.new_path)
        if raw is not None:
            sources.append((pair.label, Source(path, pair.file, *load_bytes(raw, path))))
    decided = plan([s for _, s in sources], settings, complete=False, lock=lock)
    models: dict[str, Network | None] = {}
    for label, source in sources:
        result = check_loaded(source.doc, source.findings, source.path, context=decided.contexts[source.path])
        if not result.ok:
            failed.append(result)
        models[label] = result.network if result.ok else None
    return models


def _base_lock(settings: config.Settings, top: Path, commit: str) -> Lock:
    """netspec.lock as it was at the base: the blocks the old side's pool specs had."""
    try:
        relative = settings.lock_file.resolve().relative_to(top).as_posix()
    except ValueError:
        return Lock(lockfile.FILE_NAME)
    raw = gitrev.show(commit, relative, lockfile.MAX_BYTES)
    shown = f"{commit[:12]}:{relative}"
    return lockfile.parse(raw.decode("utf-8", "replace"), shown) if raw is not None else Lock(shown)


@dataclass(frozen=True)
class _Pair:
    """One spec's two sides; `old_raw`/`new_raw` None where the spec does not exist."""

    label: str
    old_path: str  # where findings of the old side point, e.g. main:specs/ds-team.yaml
    old_raw: bytes | None
    new_path: str
    new_raw: bytes | None
    file: Path | None = None  # the spec's path in the working tree (its folder decides its default account)


def _file_pairs(old: Path, new: Path) -> list[_Pair]:
    return [_Pair(display_path(new), display_path(old), read_spec(old), display_path(new), read_spec(new), new)]


def _ref_pairs(top: Path, paths: list[Path], commit: str, ref: str) -> list[_Pair]:
    """Each spec under `paths` against its version at `commit`, plus the specs deleted since."""
    specs = find_specs([p for p in paths if p.exists()], empty_ok=True)  # a folder emptied since REF is not an error
    missing = [p for p in paths if not p.exists()]
    moves = gitrev.moves(commit, [str(p) for p in paths if p.is_dir()] + [str(p) for p in missing])
    for path in missing:  # a path that is gone must be one git saw deleted, not a typo
        where = (Path.cwd() / path).resolve()
        if not any(top / rel == where or where in (top / rel).parents for rel in moves.deleted):
            raise UsageError(f"{path}: no such file or folder, here or deleted since {ref}")
    pairs = []
    for spec in specs:
        try:
            rel = spec.resolve().relative_to(top).as_posix()
        except ValueError:
            raise UsageError(f"{spec}: not inside the git repository at {top}") from None
        old = moves.renamed.get(rel, rel)  # a moved spec is compared with where it came from
        shown = display_path(spec)
        pairs.append(_Pair(shown, f"{ref}:{old}", gitrev.show(commit, old, MAX_SPEC_BYTES), shown, read_spec(spec),
                           spec))
    for rel in moves.deleted:
        if PurePosixPath(rel).suffix in SPEC_SUFFIXES:
            shown = display_path(top / rel)
            pairs.append(_Pair(shown, f"{ref}:{rel}", gitrev.show(commit, rel, MAX_SPEC_BYTES), shown, None, top / rel))
    return sorted(pairs, key=lambda p: p.label)


def diff_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="OLD.yaml NEW.yaml; or, with --base, spec files or folders (default: specs/).", show_default=False),
    base: Optional[str] = typer.Option(
        None, "--base", help="Git ref to compare specs with (default: the merge base of HEAD and main).",
        show_default=False),
    fmt: specdiff.DiffFormat = typer.Option(specdiff.DiffFormat.MARKDOWN, "--format", "-f", help="Output format."),
    config_file: Optional[Path] = ConfigOpt,
) -> None:
    """Say what a change to specs does to the network, for a pull request comment.

    Reports zones, subnets, services, buckets and access levels, tags and flow logs
    that change, and lists under "needs review" what widens access (a new bucket
    or service, wider access, a wildcard, flow logs off) or replaces the VPC, and
    the change to the fixed monthly cost of the endpoints. Each side is compiled in
    its repository (pool blocks as that side's netspec.lock records them).
    Exit 0 when the diff was computed, 1 if a side does not compile (its
    findings are printed), 2 on usage or git errors.

    Examples:

      netspec diff old/ds-team.yaml specs/ds-team.yaml

      netspec diff                              # every spec in specs/ against the merge base with main

      netspec diff specs/ds-team.yaml --base origin/main --format json
    """
    given = paths or []
    settings = settings_for(config_file=config_file)
    base_lock: Lock | None = None  # two files: both sides with the working tree's netspec.lock
    try:
        if base is None and len(given) == 2 and not any(p.is_dir() for p in given):
            base_label, pairs = display_path(given[0]), _file_pairs(*given)
        else:
            top = gitrev.toplevel().resolve()  # first: outside a repository, say so, not "unknown ref"
            if base:
                commit, base_label = gitrev.resolve(base), base
            else:
                branch, commit = gitrev.merge_base()
                base_label = f"{branch} (merge base {commit[:12]})"
            specs = given or list(settings.specs)  # the configured specs, else specs/
            pairs = _ref_pairs(top, specs, commit, base or commit[:12])
            base_lock = _base_lock(settings, top.resolve(), commit)
    except gitrev.GitError as exc:
        raise UsageError(str(exc)) from None
    failed: list[Result] = []
    diffs, not_compared = [], []
    olds = _side(pairs, True, settings, base_lock, failed)
    news = _side(pairs, False, settings, None, failed)
    for pair in pairs:
        before, after = olds.get(pair.label), news.get(pair.label)
        if (pair.old_raw is None or before) and (pair.new_raw is None or after):
            diffs.append(specdiff.diff_networks(before, after, pair.label))
        else:
            not_compared.append(pair.label)
    report = specdiff.DiffReport(base_label, tuple(diffs), tuple(not_compared))
    sys.stdout.write(specdiff.render(report, fmt))
    if failed:
        print_findings(failed)
        raise typer.Exit(ExitCode.FINDINGS)
