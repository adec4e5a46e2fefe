"""A module's life in out/: what a compile would change (as a unified diff), and modules left behind.

A module is *orphaned* when no spec of the run compiles to it any more (the spec was
deleted, or renamed its network): a folder of out/ holding netspec's generated files
whose folder name is no spec's `name`. `compile --check` reports it (NS306) and
`compile --prune` removes its generated files only; state, `.terraform/`, overrides
and any other file netspec did not write stay, and the folder goes only when empty.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from .files import NotRegular, TooLarge, read_bounded
from .findings import display_path
from .render import stamp
from .writer import GENERATED_SUFFIXES, Change, FileChange, ModuleFolder, is_generated

MAX_DIFF_BYTES = 16 * 1024 * 1024  # a generated file is a few KB; a bigger one is not read for --diff


def _current(path: Path) -> str:
    """A generated file as it is on disk, read bounded (out/ is in the pull request too)."""
    try:
        return read_bounded(path, MAX_DIFF_BYTES).decode("utf-8", errors="replace")
    except (OSError, NotRegular, TooLarge):
        return ""  # shown as if absent: the diff still shows every line the compile would write


def unified_diff(changes: list[FileChange], files: dict[str, str]) -> str:
    """What writing `files` would do to the files on disk, as a `git diff`-style unified diff."""
    chunks = []
    for item in changes:
        if item.change is Change.CONFLICT:
            continue  # a file netspec did not write is never shown or replaced
        shown = display_path(item.path)
        old = "" if item.change is Change.MISSING else _current(item.path)
        new = "" if item.change is Change.OBSOLETE else files[item.path.name]
        before = "/dev/null" if item.change is Change.MISSING else f"a/{shown}"
        after = "/dev/null" if item.change is Change.OBSOLETE else f"b/{shown}"
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), before, after)
        chunks.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                              for line in lines))
    return "".join(chunks)


@dataclass(frozen=True)
class Orphan:
    directory: Path
    source: str  # the spec file name its generated headers name
    generated: tuple[Path, ...]  # netspec's files: the ones pruning removes
    kept: tuple[Path, ...]  # everything else in the folder

    def kept_names(self) -> str:
        return ", ".join(p.name + ("/" if p.is_dir() else "") for p in self.kept)


def _source(path: Path) -> str:
    """The spec file a generated file's header names ("" when it cannot be read)."""
    try:
        with path.open("rb") as handle:
            found = stamp.spec_of(handle.read(1024))
    except OSError:
        return ""
    return found[0] if found else ""


def find_orphans(out: Path, *, names: set[str], unknown_sources: set[str]) -> list[Orphan]:
    """Module folders of `out` that no spec of the run compiles to.

    `names`: the network names of every spec in the run (compiled or not, when readable).
    `unknown_sources`: file names of specs whose name could not be read (a YAML error); a
    module generated from one of those is kept, since it may still be that spec's.
    """
    if not out.is_dir():
        return []
    orphans = []
    with os.scandir(out) as listing:  # a spec's own folder is passed over by name, before any stat
        folders = sorted(entry.name for entry in listing
                         if entry.name not in names and entry.is_dir(follow_symlinks=False))
    for directory in (out / name for name in folders):
        entries = sorted(directory.iterdir())
        generated = tuple(p for p in entries if p.name.endswith(GENERATED_SUFFIXES) and p.is_file()
                          and not p.is_symlink() and is_generated(p))
        if not generated:
            continue  # nothing of netspec's here
        source = _source(generated[0])
        if source in unknown_sources:
            continue
        kept = tuple(p for p in entries if p not in generated)
        orphans.append(Orphan(directory, source, generated, kept))
    return orphans


def prune(orphan: Orphan) -> bool:
    """Remove an orphan's generated files under the folder's lock (a concurrent compile waits, and a
    file it rewrote meanwhile is still checked to be netspec's), and the folder when nothing else is
    left. True: folder gone. Raises OSError (LinkedFolder) when the folder cannot be locked."""
    with ModuleFolder(orphan.directory, write=True):
        for path in orphan.generated:
            if is_generated(path):
                path.unlink(missing_ok=True)
    try:
        orphan.directory.rmdir()
    except OSError:
        return False
    return True
