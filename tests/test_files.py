"""Finding spec files under a folder (files.files_below) as Path.rglob would, and reading them bounded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netspec.files import NotRegular, TooLarge, files_below, read_bounded

SUFFIXES = (".yaml", ".yml")


def _rglob(folder: Path) -> list[Path]:
    """What `netspec` did before files_below: every spec-suffixed entry rglob finds that is not a folder."""
    return sorted((p for p in folder.rglob("*") if p.suffix in SUFFIXES and not p.is_dir()), key=lambda p: p.parts)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of specs with every kind of entry a pull request could put there."""
    root = tmp_path / "specs"
    (root / "team" / "deep").mkdir(parents=True)
    for name in ("team/deep/x.yaml", ".hidden.yml", "upper.YAML", "two.dots.yml", "note.yaml.bak", ".yaml", "a.yaml"):
        (root / name).write_text("netspec: 1\n")
    (root / "folder.yaml").mkdir()
    (root / "folder.yaml" / "inside.yml").write_text("netspec: 1\n")
    (root / "to-folder.yaml").symlink_to(root / "folder.yaml")  # a link to a folder: not a spec, not followed
    (root / "linked-folder").symlink_to(root / "team")  # not followed: its specs are found once, under team/
    (root / "loop.yaml").symlink_to(root / "loop.yaml")
    (root / "broken.yaml").symlink_to(tmp_path / "nowhere")
    (root / "to-file.yml").symlink_to(root / "a.yaml")
    os.mkfifo(root / "fifo.yaml")  # found, and refused when read (NS304), never skipped in silence
    return root


def test_files_below_finds_what_rglob_finds(tree: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tree.parent)
    for folder in (tree, Path("specs"), Path("./specs")):
        assert files_below(folder, SUFFIXES) == _rglob(folder)
    names = [str(p.relative_to(tree)) for p in files_below(tree, SUFFIXES)]
    assert names == [".hidden.yml", "a.yaml", "broken.yaml", "fifo.yaml", "folder.yaml/inside.yml", "loop.yaml",
                     "team/deep/x.yaml", "to-file.yml", "two.dots.yml"]


def test_read_bounded_refuses_what_is_not_a_small_regular_file(tree: Path):
    assert read_bounded(tree / "a.yaml", 100) == b"netspec: 1\n"
    with pytest.raises(TooLarge):
        read_bounded(tree / "a.yaml", 5)
    with pytest.raises(NotRegular, match="FIFO"):
        read_bounded(tree / "fifo.yaml", 100)
    with pytest.raises(NotRegular, match="folder"):
        read_bounded(tree / "folder.yaml", 100)
