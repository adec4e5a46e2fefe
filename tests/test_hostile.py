"""Hostile input through the real command line: a located, coded finding or a usage error, never a crash.

Each case is a file in tests/hostile/ or, when it cannot be a checked-in file (too big, a
FIFO, a device), made by a function below. The table says what the run must end in: the
finding code and the line of its first finding, or a usage error (no code), and the exit
status. Every run has a 1 GiB address-space limit, so a case that reads a huge file whole
fails instead of passing slowly.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import BASE_SPEC

HOSTILE = Path(__file__).parent / "hostile"
MEMORY_LIMIT = 1 << 30


@dataclass(frozen=True)
class Case:
    name: str  # a file in tests/hostile/, or a key of MAKERS
    code: str | None  # expected finding code; None for a usage error
    line: int  # line of the first finding with that code
    exit: int
    message: str = ""  # must appear in the output
    max_output: int = 60_000  # bytes of stdout + stderr at most: no echoed megabytes
    stdin: str = os.devnull  # what the run reads as standard input


# Findings (exit 1) or refusals of the environment (exit 2), from `compile --format json`.
CASES = [
    # `$` matched before a final newline: every pattern now matches whole values.
    Case("name-trailing-newline.yaml", "NS104", 2, 1),
    Case("region-trailing-newline.yaml", "NS104", 3, 1),
    Case("cidr-trailing-newline.yaml", "NS104", 4, 1),
    Case("zone-trailing-newline.yaml", "NS104", 5, 1),
    Case("service-trailing-newline.yaml", "NS104", 6, 1),
    Case("bucket-trailing-newline.yaml", "NS104", 8, 1),
    Case("subnet-trailing-newline.yaml", "NS104", 13, 1),
    # Depth and size limits, before PyYAML recurses and before int() refuses.
    Case("nested-500-lists.yaml", "NS010", 12, 1),
    Case("nested-500-mappings.yaml", "NS010", 12, 1),
    Case("nested-block-lists.yaml", "NS010", 32, 1),
    Case("integer-4301-digits.yaml", "NS011", 12, 1),
    Case("long-key.yaml", "NS011", 12, 1),
    Case("long-name", "NS011", 2, 1, "a value of 200,000 characters", max_output=2_000),
    # YAML 1.1 forms the loader flags; no rule may then call int() on the text.
    Case("subnet-prefix-hex.yaml", "NS008", 12, 1),
    Case("subnet-prefix-nan.yaml", "NS008", 12, 1),
    Case("subnet-prefix-inf.yaml", "NS008", 12, 1),
    Case("subnet-prefix-yes.yaml", "NS008", 12, 1),
    Case("subnet-prefix-sexagesimal.yaml", "NS008", 12, 1),
    # Explicit tags whose value does not fit them.
    Case("tag-int.yaml", "NS012", 2, 1, "'ds-team' cannot be read as !!int"),
    Case("tag-float.yaml", "NS012", 2, 1),
    Case("tag-bool.yaml", "NS012", 2, 1),
    Case("tag-int-empty.yaml", "NS012", 2, 1),
    Case("tag-on-key.yaml", "NS012", 12, 1),
    Case("custom-tag.yaml", "NS009", 2, 1),
    Case("billion-laughs.yaml", "NS009", 13, 1),
    # Floods: the findings of one file are capped, the summary still counts them all.
    Case("unknown-services-20000", "NS220", 6, 1, "19,900 more finding(s) in this file not shown (NS220 x19,900)"),
    Case("subnets-6000", "NS104", 13, 1, "allows at most 8 entries"),
    # Files that are not a spec's text.
    Case("empty.yaml", "NS004", 1, 1),
    Case("comments-only.yaml", "NS004", 1, 1),
    Case("two-documents.yaml", "NS005", 13, 1),
    Case("not-a-mapping.yaml", "NS006", 1, 1),
    Case("syntax-error.yaml", "NS001", 12, 1, "the `[` opened here is never closed"),
    Case("nul-bytes.yaml", "NS003", 1, 1),
    Case("latin1.yaml", "NS003", 11, 1),
    Case("too-large", "NS007", 1, 1, "the file is 300,000 bytes"),
    Case("stdin-endless", "NS007", 1, 1, "the file is over 262,144 bytes", stdin="/dev/zero"),
    Case("one-long-line-with-a-syntax-error", "NS001", 2, 1, max_output=2_000),
    Case("sparse-4-gib", "NS007", 1, 1, "the file is 4,294,967,296 bytes"),
    # Inputs that are not regular files: refused from their stat, never opened to block.
    Case("fifo", "NS304", 1, 2, "a FIFO, not a regular file"),
    Case("socket", "NS304", 1, 2, "a socket, not a regular file"),
    Case("device", "NS304", 1, 2, "a character device, not a regular file"),
    Case("symlink-loop", "NS304", 1, 2, "Too many levels of symbolic links"),
    # The configuration file is in the pull request too: the same limits (exit 2, a configuration error).
    Case("config-sparse-4-gib", "NS400", 1, 2, "configuration files are limited to 1,048,576"),
    Case("config-nested-2000", "NS401", 1, 2, "nest too deeply"),
    # What `netspec audit` reads (modules in out/, plans, a spec) is in the pull request too.
    Case("audit-fifo", "NS500", 1, 1, "a FIFO, not a regular file"),
    Case("audit-spec-fifo", "NS304", 1, 2, "a FIFO, not a regular file"),
    Case("audit-json-nested-100000", "NS500", 1, 1, "nested too deeply"),
    Case("audit-json-nested-500", "NS500", 1, 1, "nest deeper than 100 levels"),
    Case("audit-spec-nested-5000", "NS304", 1, 2, "nested too deeply"),
    Case("audit-spec-nested-120000", "NS304", 1, 2, "nested too deeply"),  # libyaml's composer would overflow the C stack
    # Paths that name no spec: usage errors.
    Case("empty-folder", None, 0, 2, "no spec files (*.yaml, *.yml) in this folder"),
    Case("folder-without-specs", None, 0, 2, "no spec files (*.yaml, *.yml) in this folder"),
    Case("folder-named-x.yaml", None, 0, 2, "x.yaml: no spec files"),
    Case("missing-path", None, 0, 2, "nope.yaml: no such file or folder"),
    Case("init-name-with-newline", None, 0, 2, "is not a valid name"),
]


def _write(text: str) -> Callable[[Path], list[str]]:
    def make(here: Path) -> list[str]:
        (here / "spec.yaml").write_text(text)
        return ["compile", "spec.yaml", "--out", "out", "--format", "json"]
    return make


def _special(kind: str) -> Callable[[Path], list[str]]:
    """A folder holding a good spec and one special file: the good one is still checked."""
    def make(here: Path) -> list[str]:
        specs = here / "specs"
        specs.mkdir()
        (specs / "good.yaml").write_text(BASE_SPEC)
        target = specs / "bad.yaml"
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "socket":
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(target))  # left bound: the file stays a socket while the CLI runs
            _KEEP.append(server)
        elif kind == "device":
            target.symlink_to("/dev/zero")
        elif kind == "symlink-loop":
            target.symlink_to("bad.yaml")
        elif kind == "sparse":
            with target.open("wb") as handle:
                handle.truncate(4 << 30)
        return ["compile", "specs", "--out", "out", "--format", "json"]
    return make


def _config(text: str | None) -> Callable[[Path], list[str]]:
    """A good spec under a hostile netspec.toml (None: a sparse 4 GiB one)."""
    def make(here: Path) -> list[str]:
        (here / "specs").mkdir()
        (here / "specs" / "good.yaml").write_text(BASE_SPEC)
        with (here / "netspec.toml").open("w") as handle:
            handle.write(text) if text is not None else handle.truncate(4 << 30)
        return ["validate", "--format", "json"]
    return make


def _audit(kind: str) -> Callable[[Path], list[str]]:
    def make(here: Path) -> list[str]:
        module = here / "out" / "x"
        module.mkdir(parents=True)
        if kind == "fifo":
            os.mkfifo(module / "vpc.tf.json")
            return ["audit", "out/x/vpc.tf.json", "--format", "json"]
        if kind == "spec-fifo":
            (module / "vpc.tf.json").write_text('{"resource": {}}')
            os.mkfifo(here / "spec.yaml")
            return ["audit", "out/x", "--spec", "spec.yaml", "--format", "json"]
        if kind.startswith("spec-"):
            depth = int(kind.removeprefix("spec-"))
            (module / "vpc.tf.json").write_text('{"resource": {}}')
            (here / "spec.yaml").write_text("a: " + "[" * depth + "]" * depth + "\n")
            return ["audit", "out/x", "--spec", "spec.yaml", "--format", "json"]
        depth = int(kind)
        (module / "vpc.tf.json").write_text('{"resource": {"aws_vpc": {"x": {"tags": ' + "[" * depth + "]" * depth + "}}}}")
        return ["audit", "out/x", "--format", "json"]
    return make


def _folder(files: dict[str, str], arg: str) -> Callable[[Path], list[str]]:
    def make(here: Path) -> list[str]:
        (here / arg).mkdir(exist_ok=True)
        for name, text in files.items():
            (here / name).parent.mkdir(parents=True, exist_ok=True)
            (here / name).write_text(text)
        return ["validate", arg]
    return make


def _subnets(count: int) -> str:
    keys = [f"{a}{b}{c}" for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"
            for c in "abcdefghijklmnopqrstuvwxyz"][:count]
    return BASE_SPEC + "subnets:\n" + "".join(f"  us-{k}-1a: 10.2.{i % 256}.0/24\n" for i, k in enumerate(keys))


_KEEP: list[socket.socket] = []
MAKERS: dict[str, Callable[[Path], list[str]]] = {
    "long-name": _write(BASE_SPEC.replace("name: ds-team", "name: " + "a" * 200_000)),
    "unknown-services-20000": _write(BASE_SPEC.replace(
        "services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]",
        "services: [" + ", ".join(f"x{i}" for i in range(20_000)) + "]")),
    "subnets-6000": _write(_subnets(6000)),
    "too-large": _write("# " + "x" * (300_000 - 3) + "\n"),
    "stdin-endless": lambda here: ["validate", "-", "--format", "json"],
    "one-long-line-with-a-syntax-error": _write("services: [" + "s3, " * 50_000 + "\n"),
    "sparse-4-gib": _special("sparse"),
    "fifo": _special("fifo"),
    "socket": _special("socket"),
    "device": _special("device"),
    "symlink-loop": _special("symlink-loop"),
    "config-sparse-4-gib": _config(None),
    "config-nested-2000": _config("specs = " + "[" * 2000 + "]" * 2000 + "\n"),
    "audit-fifo": _audit("fifo"),
    "audit-json-nested-100000": _audit("100000"),
    "audit-json-nested-500": _audit("500"),
    "audit-spec-nested-5000": _audit("spec-5000"),
    "audit-spec-nested-120000": _audit("spec-120000"),
    "audit-spec-fifo": _audit("spec-fifo"),
    "empty-folder": _folder({}, "specs"),
    "folder-without-specs": _folder({"specs/README.md": "specs go here\n", "specs/old/notes.txt": "x\n"}, "specs"),
    "folder-named-x.yaml": _folder({}, "x.yaml"),
    "missing-path": lambda here: ["validate", "nope.yaml"],
    "init-name-with-newline": lambda here: ["init", "ab\n"],
}


# `python -m netspec ARGS` under the memory limit (set in the child: preexec_fn is unsafe with threads).
_LIMITED = ("import resource, runpy, sys; "
            f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
            "sys.argv[0] = 'netspec'; runpy.run_module('netspec', run_name='__main__', alter_sys=True)")


def _run(case: Case, here: Path) -> subprocess.CompletedProcess[str]:
    here.mkdir(parents=True)
    if case.name in MAKERS:
        args = MAKERS[case.name](here)
    else:
        shutil.copy(HOSTILE / case.name, here / case.name)
        args = ["compile", case.name, "--out", "out", "--format", "json"]
    with open(case.stdin, "rb") as stdin:
        return subprocess.run([sys.executable, "-c", _LIMITED, *args], cwd=here, capture_output=True, text=True,
                              stdin=stdin, timeout=120, env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Every case, run at once (three at a time): each is a separate process."""
    top = tmp_path_factory.mktemp("hostile")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {c.name: pool.submit(_run, c, top / c.name) for c in CASES}
        done = {name: (top / name, f.result()) for name, f in futures.items()}
    for server in _KEEP:
        server.close()
    return done


def test_every_file_in_the_corpus_has_a_case():
    files = {p.name for p in HOSTILE.glob("*.yaml")}
    assert files == {c.name for c in CASES if c.name.endswith(".yaml") and c.name not in MAKERS}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case, runs):
    here, run = runs[case.name]
    output = run.stdout + run.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    assert run.returncode == case.exit, output[-3000:]
    assert case.message in output, output[-3000:]
    assert len(output.encode()) <= case.max_output, f"{len(output.encode()):,} bytes of output"
    if case.code is None:
        assert run.stderr.startswith("netspec: ") and not run.stdout
        assert not (here / "specs").exists() or case.name != "init-name-with-newline"
        return
    findings = json.loads(run.stdout)["findings"]
    hits = [f for f in findings if f["code"] == case.code]
    assert hits, [(f["code"], f["message"]) for f in findings]
    assert hits[0]["line"] == case.line, hits[0]
    assert hits[0]["hint"], "every finding says what to do"
    written = sorted(p.name for p in (here / "out").iterdir()) if (here / "out").exists() else []
    if case.name.startswith("audit-"):
        assert written == ["x"], "audit writes nothing"
    elif MAKERS.get(case.name, _write).__qualname__.startswith("_special"):
        assert written == ["ds-team"], "the good spec beside the refused file is still compiled"
    else:
        assert written == [], "a spec with errors writes nothing"


def test_odd_file_names_and_values_print_as_one_escaped_line(tmp_path):
    """A file name with a newline and a byte that is not UTF-8, a key with a lone surrogate and a
    terminal escape: every format prints them escaped, on the finding's own line."""
    name = os.fsdecode(b"a\nb\xff.yaml")
    (tmp_path / name).write_text(BASE_SPEC.replace("  team: data-science", '  "\\ud800\\x1b[31m": 1'))
    for fmt in ("github", "text", "json", "sarif"):
        result = subprocess.run([sys.executable, "-m", "netspec", "validate", name, "--format", fmt], cwd=tmp_path,
                                capture_output=True, timeout=60)
        output = result.stdout + result.stderr
        assert result.returncode == 1 and b"Traceback" not in output, output[-2000:]
        assert b"\x1b" not in output and b"\xff" not in output
        if fmt in ("github", "text"):
            assert b"a\\nb\\udcff.yaml" in output and b"NS103 tags.\\ud800\\x1b[31m: expected string" in output
            assert all(line.startswith((b"a\\n", b"::error", b"    hint", b"1 spec")) for line in output.splitlines())
