"""The output edge: compare generated files with OUT/<name>/, and switch a module to new files.

A file in OUT/<name>/ belongs to netspec when it is a regular file whose header
carries the generated mark. Only those are ever replaced or removed; anything else
(state, .terraform/, a user's *_override.tf.json, a symbolic link) is left alone,
and a file of someone else's where netspec would write stops the write instead.

Kills and concurrent runs (POSIX):
- Lock: a module folder is locked with flock(2) on the folder itself (no lock file):
  exclusive to write, shared to check, for the whole compare-and-write. Concurrent
  runs take turns; one that waits longer than LOCK_WAIT_SECONDS fails (NS305). The
  kernel releases the lock of a killed process.
- No links: OUT/<name> must be a real folder; a symbolic link there is refused
  (LinkedFolder, NS307). Inside it, files are opened, renamed and removed relative
  to the folder's descriptor without following links.
- The switch: every new file is written to a temporary file beside it; all of them
  (of every module a run switches together, `durable.Switch`) are made durable in one
  step, one syncfs(2) per filesystem (elsewhere than Linux: an fsync of each, still all
  before any rename); then they are renamed over their targets and obsolete files
  removed in one burst, and the folders are synced the same way. A kill before the
  burst leaves the old module whole; a kill inside it leaves each file wholly old or
  wholly new, and `compile --check` reports the older ones as stale (their headers
  name another spec hash) until the next compile. That compile first removes
  temporary files a killed run left.
- Unchanged modules: `current` tells from the files' headers (`render.stamp`) whether a
  module already is what its spec compiles to, reading each file once, so a compile
  need not render it again.
"""

from __future__ import annotations

import enum
import errno
import fcntl
import os
import random
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Collection

from .durable import Switch
from .render import stamp
from .render.stamp import GENERATED_MARK

GENERATED_SUFFIXES = (".tf.json", ".tf")
LOCK_WAIT_SECONDS = 60.0
_HEAD_BYTES = 4096  # enough for the header line of either format
READ_AT_ONCE = 64 * 1024  # a generated file is a few KB: one read(2) takes it whole
MAX_FILE_BYTES = 16 * 1024 * 1024  # a generated file is a few KB: a bigger one is read only to be compared
# `.vpc.tf.json.k3j9x_2a.tmp`: a temporary file of ours (earlier versions used the same form).
_TEMP = re.compile(r"\.(.+\.tf(?:\.json)?)\.[a-z0-9_]{8}\.tmp")
_TEMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


class Change(str, enum.Enum):
    MISSING = "missing"          # generated, not on disk yet
    STALE = "stale"              # on disk from an older spec or netspec version
    EDITED = "hand-edited"       # on disk with this spec's header, but different bytes
    OBSOLETE = "obsolete"        # generated earlier, no longer part of the output
    CONFLICT = "not netspec's"   # a file netspec did not write stands where it would write


@dataclass(frozen=True)
class FileChange:
    path: Path
    change: Change


class LinkedFolder(Exception):
    """OUT/<name> is a symbolic link: netspec does not write through it."""


def _is_generated_head(head: bytes) -> bool:
    text = head.decode("utf-8", errors="replace")
    return text.startswith((f'{{\n  "//": "{GENERATED_MARK}', f"# {GENERATED_MARK}"))


def header_line(head: bytes) -> str | None:
    """The line of a generated file's header naming its spec and the spec's sha256."""
    for line in head.decode("utf-8", errors="replace").split("\n")[:2]:
        if GENERATED_MARK in line:
            return line
    return None


def _read(name: str | Path, limit: int, *, dir_fd: int | None = None) -> bytes:
    """At most `limit` bytes of a file, never following a link and never blocking."""
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=dir_fd)
    try:
        return _read_up_to(fd, limit)
    finally:
        os.close(fd)


def _read_up_to(fd: int, limit: int) -> bytes:
    """What is left of an open file, up to `limit` bytes, by read(2) itself."""
    chunks, left = [], limit
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def is_generated(path: Path) -> bool:
    """True when `path` is a regular file (not a link) starting with the header netspec writes."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode) and _is_generated_head(_read(path, 256))
    except OSError:
        return False


class ModuleFolder:
    """OUT/<name>/, opened without following links and locked while in a `with` block.

    `write=True` creates the folder, takes the exclusive lock and removes temporary
    files a killed run left; `write=False` takes the shared lock of a folder that
    exists and changes nothing (a missing folder reads as empty).
    """

    def __init__(self, directory: Path, *, write: bool) -> None:
        self.directory, self.write = directory, write
        self.fd: int | None = None
        self._staged: list[tuple[str, str]] = []  # (temporary name, target name), not renamed yet
        self._obsolete: list[str] = []

    def __enter__(self) -> ModuleFolder:
        if self.write:  # (to read, a link is found by the open below, which never follows one)
            if self.directory.is_symlink():
                raise LinkedFolder(self._link_message())
            self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self.fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
        except FileNotFoundError:
            if self.write:
                raise
            return self
        except OSError:
            if self.directory.is_symlink():  # a link (to write: put there since the check above)
                raise LinkedFolder(self._link_message()) from None
            raise
        try:
            self._lock()
            if self.write:
                self._remove_leftovers()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock
            self.fd = None

    def _link_message(self) -> str:
        try:
            target = os.readlink(self.directory)
        except OSError:
            target = "?"
        return f"the module folder is a symbolic link (to {target}); netspec writes only into a real folder"

    def _lock(self) -> None:
        assert self.fd is not None
        operation = (fcntl.LOCK_EX if self.write else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self.fd, operation)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OSError(errno.EAGAIN, f"another netspec run has held its lock for over "
                                                f"{LOCK_WAIT_SECONDS:.0f} s", str(self.directory)) from None
                time.sleep(0.02)

    def _names(self) -> list[str]:
        return sorted(os.listdir(self.fd)) if self.fd is not None else []

    def _lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def _is_ours(self, name: str) -> bool:
        info = self._lstat(name)
        return info is not None and stat.S_ISREG(info.st_mode) and _is_generated_head(_read(name, 256, dir_fd=self.fd))

    def _remove_leftovers(self) -> None:
        """Temporary files of a run that was killed: under the exclusive lock, no other run owns one."""
        for name in self._names():
            info = self._lstat(name)
            if _TEMP.fullmatch(name) and info is not None and stat.S_ISREG(info.st_mode):
                os.unlink(name, dir_fd=self.fd)

    def plan(self, files: dict[str, str]) -> list[FileChange]:
        """What writing `files` here would change; empty when the module is current."""
        changes: list[FileChange] = []
        for name, text in sorted(files.items()):
            change = self._compare(name, text.encode("utf-8")) if self.fd is not None else Change.MISSING
            if change is not None:
                changes.append(FileChange(self.directory / name, change))
        for name in self._names():
            if (name not in files and name.endswith(GENERATED_SUFFIXES)
                    and not name.endswith("_override.tf.json") and self._is_ours(name)):
                changes.append(FileChange(self.directory / name, Change.OBSOLETE))
        return changes

    def _compare(self, name: str, expected: bytes) -> Change | None:
        info = self._lstat(name)
        if info is None:
            return Change.MISSING
        if not stat.S_ISREG(info.st_mode):
            return Change.CONFLICT
        # Read no more than decides: the whole file only when its size matches.
        current = _read(name, len(expected) if info.st_size == len(expected) else _HEAD_BYTES, dir_fd=self.fd)
        if not _is_generated_head(current):
            return Change.CONFLICT
        if current == expected:
            return None
        # The same spec and inputs (each file's own content digest aside): the bytes differ by an edit.
        edited = stamp.unsealed(header_line(current) or "") == stamp.unsealed(header_line(expected) or "")
        return Change.EDITED if edited else Change.STALE

    def current(self, names: Collection[str], sha256: str, inputs: str, *, no_leftovers: bool = False) -> bool:
        """True when the module already is what a spec of this sha256 and these inputs compiles to:
        each of `names` is a regular file whose header names them and whose content its header
        names, and no other generated file is here (nor, with `no_leftovers`, a temporary file a
        killed run left, which a compile removes)."""
        if self.fd is None:
            return False
        present = set(self._names())
        if not present.issuperset(names):
            return False
        for name in present.difference(names):
            if (no_leftovers and _TEMP.fullmatch(name)) or (
                    name.endswith(GENERATED_SUFFIXES) and not name.endswith("_override.tf.json") and self._is_ours(name)):
                return False
        for name in names:
            try:
                if not stamp.vouches(self._read_whole(name), sha256, inputs):
                    return False
            except OSError:  # a link (never followed), a folder, a file too big or gone
                return False
        return True

    def _read_whole(self, name: str) -> bytes:
        """A file's bytes (never through a link), in as few system calls as it takes: open, one read of
        up to READ_AT_ONCE bytes (short: the end), close; a bigger file is read on, to the limit. No
        fstat: what is not a regular file reads as nothing (a FIFO) or fails (a folder), and a short
        read leaves content that no longer matches its digest, so nothing passes for current."""
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=self.fd)
        try:
            data = os.read(fd, READ_AT_ONCE)
            if len(data) < READ_AT_ONCE:
                return data
            data += _read_up_to(fd, MAX_FILE_BYTES + 1 - len(data))
            if len(data) > MAX_FILE_BYTES:
                raise OSError(errno.EFBIG, "not a generated file", name)
            return data
        finally:
            os.close(fd)

    def apply(self, files: dict[str, str], changes: list[FileChange]) -> None:
        """Switch this one module to `files` (`Switch` does the same for many at once)."""
        switch = Switch()
        switch.stage(self, files, changes)
        switch.commit()

    def stage(self, files: dict[str, str], changes: list[FileChange]) -> None:
        """Write every new file beside its target as a temporary file; nothing is renamed yet."""
        assert self.write and self.fd is not None
        assert not any(c.change is Change.CONFLICT for c in changes), "the caller refuses conflicts"
        try:
            for item in changes:
                if item.change is Change.OBSOLETE:
                    self._obsolete.append(item.path.name)
                else:
                    self._staged.append((self._write_temporary(item.path.name, files[item.path.name]), item.path.name))
        except BaseException:
            self.discard()
            raise

    def switch(self) -> None:
        """The burst: rename the staged files over their targets, remove obsolete files of ours."""
        assert self.fd is not None
        try:
            while self._staged:
                temporary, target = self._staged[0]
                os.replace(temporary, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)
                self._staged.pop(0)
            for name in self._obsolete:
                if self._is_ours(name):
                    os.unlink(name, dir_fd=self.fd)
            self._obsolete.clear()
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the temporary files not renamed (a failed or interrupted switch)."""
        for temporary, _ in self._staged:
            try:
                os.unlink(temporary, dir_fd=self.fd)
            except OSError:
                pass
        self._staged.clear()
        self._obsolete.clear()

    def staged_names(self) -> list[str]:
        return [temporary for temporary, _ in self._staged]

    def _write_temporary(self, target: str, text: str) -> str:
        while True:
            name = f".{target}.{''.join(random.choices(_TEMP_CHARS, k=8))}.tmp"
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=self.fd)
                break
            except FileExistsError:
                continue
        try:
            try:
                _write_all(fd, text.encode("utf-8"))
                os.fchmod(fd, 0o644)
            finally:
                os.close(fd)
        except BaseException:
            os.unlink(name, dir_fd=self.fd)
            raise
        return name


def _write_all(fd: int, data: bytes) -> None:
    """Every byte to `fd` by write(2) itself: a file object would cost a stat, an ioctl and a seek
    per file, which a compile of thousands of modules feels."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def plan_changes(directory: Path, files: dict[str, str]) -> list[FileChange]:
    """What writing `files` into `directory` would change (under the shared lock)."""
    with ModuleFolder(directory, write=False) as folder:
        return folder.plan(files)


def apply_changes(directory: Path, files: dict[str, str], changes: list[FileChange]) -> None:
    """Write what `plan_changes` found (under the exclusive lock)."""
    with ModuleFolder(directory, write=True) as folder:
        folder.apply(files, changes)
