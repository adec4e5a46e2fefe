"""Reading an input file that anyone could have put in a pull request: bounded, never blocking.

Only regular files are read: a FIFO, socket or device is refused from its stat, before it
is opened (opening one can block; reading one may never end). A file over the limit is
refused from its size, before anything is read (a sparse or zero-filled 4 GiB file costs
nothing). The open never blocks and is checked again on what was opened, and the read
takes at most one byte more than the limit, so a file that grows meanwhile is caught too.
"""

from __future__ import annotations

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
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC), "rb") as handle:
        _check(os.fstat(handle.fileno()).st_mode)  # what was opened, had it changed since the stat
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(None)
    return raw
