"""Making a run's new files durable, and switching modules to them together.

A compile of thousands of modules cannot afford an fsync per file: every new file of every
module a run switches is written first (`writer.ModuleFolder.stage`), all made durable in one
step, one syncfs(2) per filesystem (elsewhere than Linux: an fsync of each, still all before
any rename), then renamed over their targets folder by folder, then the folders made durable
the same way. A kill before the renames leaves every module whole and old.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .writer import FileChange, ModuleFolder

def _load_syncfs() -> Callable[[int], None] | None:
    """syncfs(2): everything written to one filesystem, on disk, in one call (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # only a run that writes pays for it
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None

    def syncfs(fd: int) -> None:
        if function(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    return syncfs


_syncfs: Callable[[int], None] | None = _load_syncfs()


def _fsync(name: str, dir_fd: int) -> None:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _durable(folders: Iterable[ModuleFolder], each: Callable[[ModuleFolder], None]) -> None:
    """One syncfs per filesystem the folders are on; without syncfs, `each` folder's own syncs."""
    folders = list(folders)
    if _syncfs is None:
        for folder in folders:
            each(folder)
        return
    devices: dict[int, int] = {}
    for folder in folders:
        assert folder.fd is not None
        devices.setdefault(os.fstat(folder.fd).st_dev, folder.fd)
    for fd in devices.values():
        _syncfs(fd)


class Switch:
    """Modules switched to new files together: every new file of every module written, all made
    durable in one step, then renamed module by module, then the folders made durable.
    `pool`: threads that rename in several folders at once (each folder's renames stay in order).

    The folders stay open and locked by the caller until `commit` returns."""

    def __init__(self, pool: Executor | None = None) -> None:
        self.folders: list[ModuleFolder] = []
        self.pool = pool

    def stage(self, folder: ModuleFolder, files: dict[str, str], changes: list[FileChange]) -> None:
        folder.stage(files, changes)
        self.folders.append(folder)

    def commit(self) -> None:
        try:
            _durable(self.folders, lambda f: [_fsync(name, f.fd) for name in f.staged_names()])  # type: ignore[arg-type]
            if self.pool is None:
                for folder in self.folders:
                    folder.switch()
            else:
                list(self.pool.map(lambda folder: folder.switch(), self.folders))
            _durable(self.folders, lambda f: os.fsync(f.fd))  # type: ignore[arg-type]
        finally:
            for folder in self.folders:
                folder.discard()
