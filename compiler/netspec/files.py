"""Reading an input file that anyone could have put in a pull request: bounded, never blocking.

Only regular files are read: a FIFO, socket or device is refused from its stat, before it
is opened (opening one can block; reading one may never end). A file over the limit is
refused from its size, before anything is read (a sparse or zero-filled 4 GiB file costs
nothing). The open never blocks and is checked again on what was opened, and the read
takes at most one byte more than the limit, so a file that grows meanwhile is caught too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


class NotRegular(Exception):
    """The path is something other than a regular file; str() says what."""


class TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size  # None: more than the limit (only that much was read)


def _check(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegular(next((name for test, name in _KINDS if test(mode)), "not a regular file"))


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises NotRegular, TooLarge or OSError."""
    info = os.stat(path)
    _check(info.st_mode)
    if info.st_size > limit:
        raise TooLarge(info.st_size)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        opened = os.fstat(fd)
        _check(opened.st_mode)  # what was opened, had it changed since the stat
        # As much as fstat saw and one byte more (not the limit: a buffer that size costs an mmap):
        # a read short of that is the whole file when it is all fstat saw; else read on to the end.
        raw = os.read(fd, min(opened.st_size, limit) + 1)
        while len(raw) <= limit and len(raw) != opened.st_size:
            more = os.read(fd, limit + 1 - len(raw))
            if not more:
                break
            raw += more
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise TooLarge(None)
    return raw


# What Path.is_dir takes for "no folder there" rather than an error (a broken or looping link).
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Path.is_dir of a folder entry (a link is followed), from its type where the folder gives it."""
    try:
        return entry.is_dir()
    except OSError as exc:
        if exc.errno not in _ABSENT:
            raise
        return False


def files_below(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """What Path.rglob("*") finds under `folder` whose name ends in one of `suffixes` and that is
    not a folder (a link to one neither), sorted by their parts: a link to a folder is not
    followed, and a folder that cannot be listed is skipped. One scandir(3) per folder, and a
    stat only for links: rglob stats every entry."""
    found: list[tuple[tuple[str, ...], str]] = []
    pending: list[tuple[tuple[str, ...], str]] = [(folder.parts, str(folder))]
    while pending:
        parts, where = pending.pop()
        try:
            with os.scandir(where) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            if _is_dir(entry):
                if not entry.is_symlink():
                    pending.append(((*parts, entry.name), entry.path))
            elif entry.name.endswith(suffixes) and os.path.splitext(entry.name)[1] in suffixes:
                found.append(((*parts, entry.name), entry.path))
    return [Path(path) for _, path in sorted(found)]
