"""The edge to git for `netspec diff --base`: old versions of specs, and which were deleted.

Git runs as a subprocess with an argument list (never a shell), in the current folder.
Paths given to and returned from these functions are relative to the repository root,
which is what `git show REF:path` and `git diff --name-status` speak.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

MAIN_BRANCHES = ("main", "origin/main")


class GitError(Exception):
    """git is missing, this is not a repository, or a ref does not exist: a usage error."""


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed; compare two files instead: netspec diff OLD.yaml NEW.yaml") from None


def _out(*args: str) -> str:
    done = _git(*args)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout.decode("utf-8")


def toplevel() -> Path:
    if _git("rev-parse", "--is-inside-work-tree").returncode != 0:
        raise GitError("not inside a git repository; compare two files instead: netspec diff OLD.yaml NEW.yaml")
    return Path(_out("rev-parse", "--show-toplevel").strip())


def resolve(ref: str) -> str:
    """The commit a ref names, checked to exist (a typo should not read as 'every spec added')."""
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git ref")  # would be read as an option
    done = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise GitError(f"unknown git ref {ref!r}")
    return done.stdout.decode().strip()


def merge_base() -> tuple[str, str]:
    """Where this branch left main (branch, commit): the base a pull request is reviewed against."""
    for branch in MAIN_BRANCHES:
        done = _git("merge-base", "HEAD", branch)
        if done.returncode == 0:
            return branch, done.stdout.decode().strip()
    raise GitError("no merge base with main or origin/main; name the base: netspec diff --base REF")


def show(commit: str, path: str, limit: int) -> bytes | None:
    """The file at `path` in `commit`, or None when it does not exist there; over `limit` bytes, an error."""
    if _git("cat-file", "-e", f"{commit}:{path}").returncode != 0:
        return None
    size = int(_out("cat-file", "-s", f"{commit}:{path}"))
    if size > limit:  # checked before git hands the blob over
        raise GitError(f"{commit[:12]}:{path} is {size:,} bytes; specs are limited to {limit:,}")
    done = _git("show", f"{commit}:{path}")
    if done.returncode != 0:
        raise GitError(f"git show {commit}:{path} failed")
    return done.stdout


@dataclass(frozen=True)
class Moves:
    """Specs that left their path since the base: deleted ones, and renamed ones (new -> old)."""

    deleted: tuple[str, ...]
    renamed: dict[str, str]


def moves(commit: str, folders: list[str]) -> Moves:
    """Compare the base with the working tree (uncommitted edits included), under `folders`."""
    text = _out("diff", "--name-status", "-M", "-z", commit, "--", *folders)
    fields = text.split("\0")
    deleted, renamed = [], {}
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status.startswith(("R", "C")):
            old, new = fields[i + 1], fields[i + 2]
            if status.startswith("R"):
                renamed[new] = old
            i += 3
            continue
        if status == "D":
            deleted.append(fields[i + 1])
        i += 2
    return Moves(tuple(sorted(deleted)), renamed)
