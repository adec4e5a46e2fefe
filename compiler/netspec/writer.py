"""The output edge: compare generated files with out/<name>/, and write them atomically.

A file in out/<name>/ belongs to netspec when its `//` header carries the
generated mark. Only those are ever replaced or removed; anything else (state,
.terraform/, a user's *_override.tf.json) is left alone, and a user file that
would be overwritten stops the write instead.
"""

from __future__ import annotations

import enum
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .render import GENERATED_MARK

GENERATED_SUFFIXES = (".tf.json", ".tf")


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


def is_generated(path: Path) -> bool:
    """True when the file starts with the header netspec writes (JSON `//` or an HCL comment)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256).decode("utf-8", errors="replace")
    except OSError:
        return False
    return head.startswith((f'{{\n  "//": "{GENERATED_MARK}', f"# {GENERATED_MARK}"))


def _header(text: str) -> str:
    try:
        return str(json.loads(text).get("//", ""))
    except (ValueError, AttributeError):
        return text.split("\n", 1)[0]


def plan_changes(directory: Path, files: dict[str, str]) -> list[FileChange]:
    """What writing `files` into `directory` would change; empty when it is current."""
    changes: list[FileChange] = []
    for name, text in sorted(files.items()):
        target = directory / name
        if not target.exists():
            changes.append(FileChange(target, Change.MISSING))
            continue
        if not target.is_file() or not is_generated(target):
            changes.append(FileChange(target, Change.CONFLICT))
            continue
        current = target.read_text(encoding="utf-8", errors="replace")
        if current != text:
            same_source = _header(current) == _header(text)
            changes.append(FileChange(target, Change.EDITED if same_source else Change.STALE))
    if directory.is_dir():
        for existing in sorted(directory.iterdir()):
            if (existing.name not in files and existing.is_file()
                    and existing.name.endswith(GENERATED_SUFFIXES) and not existing.name.endswith("_override.tf.json")
                    and is_generated(existing)):
                changes.append(FileChange(existing, Change.OBSOLETE))
    return changes


def _atomic_write(target: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def apply_changes(directory: Path, files: dict[str, str], changes: list[FileChange]) -> None:
    """Write what `plan_changes` found; the caller refuses CONFLICT before calling."""
    assert not any(c.change is Change.CONFLICT for c in changes)
    directory.mkdir(parents=True, exist_ok=True)
    for item in changes:
        if item.change is Change.OBSOLETE:
            item.path.unlink()
        else:
            _atomic_write(item.path, files[item.path.name])
