"""`netspec diff`: what a change to specs does to the network, for a pull request comment."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional

import typer

from .. import diff as specdiff
from .. import gitrev
from ..findings import ExitCode, display_path
from ..loader import MAX_SPEC_BYTES
from ..model import Network
from ..pipeline import Result, compile_bytes
from .common import SPEC_SUFFIXES, ConfigOpt, UsageError, find_specs, print_findings, read_spec, settings_for


def _compile_side(raw: bytes | None, path: str, failed: list[Result]) -> Network | None:
    """The model of one side of a diff; a side that does not compile is kept for its findings."""
    if raw is None:
        return None
    result = compile_bytes(raw, path)
    if not result.ok:
        failed.append(result)
    return result.network if result.ok else None


@dataclass(frozen=True)
class _Pair:
    """One spec's two sides; `old_raw`/`new_raw` None where the spec does not exist."""

    label: str
    old_path: str  # where findings of the old side point, e.g. main:specs/ds-team.yaml
    old_raw: bytes | None
    new_path: str
    new_raw: bytes | None


def _file_pairs(old: Path, new: Path) -> list[_Pair]:
    return [_Pair(display_path(new), display_path(old), read_spec(old), display_path(new), read_spec(new))]


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
        pairs.append(_Pair(shown, f"{ref}:{old}", gitrev.show(commit, old, MAX_SPEC_BYTES), shown, read_spec(spec)))
    for rel in moves.deleted:
        if PurePosixPath(rel).suffix in SPEC_SUFFIXES:
            shown = display_path(top / rel)
            pairs.append(_Pair(shown, f"{ref}:{rel}", gitrev.show(commit, rel, MAX_SPEC_BYTES), shown, None))
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
    or service, wider access, a wildcard, flow logs off) or replaces the VPC.
    Exit 0 when the diff was computed, 1 if a side does not compile (its
    findings are printed), 2 on usage or git errors.

    Examples:

      netspec diff old/ds-team.yaml specs/ds-team.yaml

      netspec diff                              # every spec in specs/ against the merge base with main

      netspec diff specs/ds-team.yaml --base origin/main --format json
    """
    given = paths or []
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
            specs = given or list(settings_for(config_file=config_file).specs)  # the configured specs, else specs/
            pairs = _ref_pairs(top, specs, commit, base or commit[:12])
    except gitrev.GitError as exc:
        raise UsageError(str(exc)) from None
    failed: list[Result] = []
    diffs, not_compared = [], []
    for pair in pairs:
        before = _compile_side(pair.old_raw, pair.old_path, failed)
        after = _compile_side(pair.new_raw, pair.new_path, failed)
        if (pair.old_raw is None or before) and (pair.new_raw is None or after):
            diffs.append(specdiff.diff_networks(before, after, pair.label))
        else:
            not_compared.append(pair.label)
    report = specdiff.DiffReport(base_label, tuple(diffs), tuple(not_compared))
    sys.stdout.write(specdiff.render(report, fmt))
    if failed:
        print_findings(failed)
        raise typer.Exit(ExitCode.FINDINGS)
