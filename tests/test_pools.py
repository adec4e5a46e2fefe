"""Address pools and netspec.lock: allocation, located errors, the lock file, and the CLI around them."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from pathlib import Path

import pytest

from netspec import lockfile, pools
from netspec.codes import CODES
from netspec.findings import Location
from netspec.loader import load_text
from netspec.lockfile import Lock, LockEntry

from conftest import BASE_SPEC, run_cli

N = ipaddress.IPv4Network

POOL = pools.Pool("research-use1", "us-east-1", (N("10.64.0.0/16"),))
EUROPE = pools.Pool("research-euw1", "eu-west-1", (N("10.96.0.0/16"),))

SPEC = """\
netspec: 1
name: {name}
region: {region}
cidr: {cidr}
azs: [{region}a, {region}b]
services: [s3, sts]
buckets:
  - name: {name}-data
    access: read
"""


def spec_text(name: str, cidr: str = "{pool: research-use1, size: 20}", region: str = "us-east-1") -> str:
    return SPEC.format(name=name, cidr=cidr, region=region)


def claim(name: str, cidr: str = "{pool: research-use1, size: 20}", region: str = "us-east-1") -> pools.Claim:
    path = f"specs/{name}.yaml"
    doc, _ = load_text(spec_text(name, cidr, region), path)
    return pools.claim(doc, path, path)


def lock_of(*lines: str) -> Lock:
    return lockfile.parse(lockfile.HEADER + "".join(line + "\n" for line in lines), "netspec.lock")


HEADER_LINES = lockfile.HEADER.count("\n")


# --- allocation -------------------------------------------------------------------------------


def test_lowest_free_block_avoids_literals_and_recorded_blocks():
    claims = [claim("alpha"), claim("beta", "{pool: research-use1, size: 18}"), claim("legacy", "10.64.0.0/20")]
    lock = lock_of("research-use1 10.64.16.0/20 gamma specs/gamma.yaml")
    done = pools.allocate([POOL], lock, claims)
    assert done.blocks["specs/alpha.yaml"] == (N("10.64.32.0/20"), "research-use1")
    assert done.blocks["specs/beta.yaml"] == (N("10.64.64.0/18"), "research-use1"), "aligned to its own size"
    assert done.blocks["specs/legacy.yaml"] == (N("10.64.0.0/20"), "research-use1"), "a literal inside the pool"
    assert not done.findings and not done.lock_findings
    entries = done.settle({"specs/alpha.yaml", "specs/beta.yaml"})
    assert [(e.name, str(e.block)) for e in entries] == [
        ("gamma", "10.64.16.0/20"), ("alpha", "10.64.32.0/20"), ("beta", "10.64.64.0/18")]


def test_a_recorded_block_stays_when_specs_come_and_go():
    lock = lock_of("research-use1 10.64.48.0/20 beta specs/beta.yaml")
    done = pools.allocate([POOL], lock, [claim("aaa"), claim("beta")])
    assert done.blocks["specs/beta.yaml"][0] == N("10.64.48.0/20")
    assert done.blocks["specs/aaa.yaml"][0] == N("10.64.0.0/20"), "the lowest free block, below beta's"


def test_a_spec_that_does_not_compile_keeps_its_old_entry_and_records_no_new_one():
    lock = lock_of("research-use1 10.64.48.0/20 beta specs/beta.yaml")
    done = pools.allocate([POOL], lock, [claim("alpha"), claim("beta", "{pool: research-use1, size: 19}")])
    # A new size is a new block; the old one stays taken in this run (its VPC exists until the apply).
    assert done.blocks["specs/alpha.yaml"][0] == N("10.64.0.0/20")
    assert done.blocks["specs/beta.yaml"][0] == N("10.64.64.0/19")
    entries = done.settle(set())
    assert [(e.name, str(e.block)) for e in entries] == [("beta", "10.64.48.0/20")]


def test_blocks_of_specs_outside_a_partial_run_are_never_handed_out():
    other = pools.claim(load_text(spec_text("other", "10.64.0.0/20"), "specs/other.yaml")[0], "specs/other.yaml",
                        "specs/other.yaml", in_run=False)
    done = pools.allocate([POOL], Lock("netspec.lock"), [claim("alpha"), other])
    assert done.blocks["specs/alpha.yaml"][0] == N("10.64.16.0/20")
    assert "specs/other.yaml" not in done.findings


def test_prune_releases_only_entries_no_spec_asks_for():
    lock = lock_of("research-use1 10.64.0.0/20 gone specs/gone.yaml", "research-use1 10.64.16.0/20 kept specs/kept.yaml",
                   "research-use1 10.64.32.0/20 broken specs/broken.yaml")
    broken = pools.claim(None, "specs/broken.yaml", "specs/broken.yaml")  # a spec that does not load
    done = pools.allocate([POOL], lock, [claim("kept"), broken], release=True)
    assert [e.name for e in done.released] == ["gone"]
    assert [e.name for e in done.settle({"specs/kept.yaml"})] == ["kept", "broken"]
    assert [e.name for e in pools.allocate([POOL], lock, [claim("kept"), broken]).settle({"specs/kept.yaml"})] == \
        ["gone", "kept", "broken"], "without --prune nothing is released"


# Each pool and lock code at its exact place: (pools, lock lines, claims) -> (code, path, line, col).
def _exhausted():
    return [pools.Pool("tiny", "us-east-1", (N("10.70.0.0/24"),))], (), [
        claim("one", "{pool: tiny, size: 24}"), claim("two", "{pool: tiny, size: 24}")]


CASES = {
    "NS260": (lambda: ([POOL], (), [claim("alpha", "{pool: research-use2, size: 20}")]),
              ("specs/alpha.yaml", 4, 14), "did you mean `research-use1`?"),
    "NS261": (_exhausted, ("specs/two.yaml", 4, 26), None),
    "NS262": (lambda: ([POOL, EUROPE], (), [claim("alpha", "{pool: research-euw1, size: 20}")]),
              ("specs/alpha.yaml", 4, 14), None),
    "NS263": (lambda: ([POOL], (), [claim("alpha", "10.9.0.0/16")]), ("specs/alpha.yaml", 4, 7), None),
    "NS264": (lambda: ([POOL], ("research-use1 10.64.0.0/20 beta specs/beta.yaml",), [claim("alpha", "10.64.0.0/22")]),
              ("specs/alpha.yaml", 4, 7), None),
    "NS310": (lambda: ([POOL], ("research-use1 10.64.0.0/20", ), []), ("netspec.lock", HEADER_LINES + 1, 1), None),
    "NS311": (lambda: ([POOL], ("research-use1 10.64.16.0/20 alpha specs/alpha.yaml",
                                "research-use1 10.64.16.0/20 beta specs/beta.yaml"), [claim("alpha"), claim("beta")]),
              ("netspec.lock", HEADER_LINES + 2, 1), None),
    "NS313": (lambda: ([POOL], ("research-use1 10.99.0.0/20 alpha specs/alpha.yaml",), [claim("alpha")]),
              ("netspec.lock", HEADER_LINES + 1, 1), None),
}


def test_every_pool_and_lock_code_has_a_case():
    # NS265 and NS312 are tested through the CLI below, NS266 in tests/test_ipam.py, NS314 in
    # tests/test_atlantis.py, NS315 (verify) in tests/test_terraform.py.
    across = {c for c in CODES if c[:4] in ("NS26", "NS31")} - {"NS265", "NS266", "NS312", "NS314", "NS315"}
    assert set(CASES) == across


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_at_its_place(code):
    setup, (path, line, col), hint = CASES[code]
    configured, lines, claims = setup()
    done = pools.allocate(configured, lock_of(*lines), claims)
    found = [f for fs in done.findings.values() for f in fs] + list(done.lock_findings)
    hits = [f for f in found if f.code == code and f.location.path == path]
    assert hits, [(f.code, str(f.location), f.message) for f in found]
    assert (hits[0].location.line, hits[0].location.col) == (line, col), hits[0]
    assert hits[0].message and hits[0].hint
    if hint:
        assert hits[0].hint == hint


def test_a_spec_whose_lock_entry_conflicts_gets_no_block():
    configured, lines, claims = CASES["NS311"][0]()
    done = pools.allocate(configured, lock_of(*lines), claims)
    assert "specs/alpha.yaml" not in done.blocks and "specs/beta.yaml" not in done.blocks
    (finding,) = done.findings["specs/alpha.yaml"]
    assert finding.code == "NS311" and finding.related == (Location("netspec.lock", HEADER_LINES + 2, 1),)
    assert not done.writable, "a lock with errors is never rewritten"


def test_lock_file_round_trips_and_sorts():
    entries = [LockEntry("b-pool", N("10.1.0.0/20"), "zeta", "specs/z.yaml"),
               LockEntry("a-pool", N("10.9.0.0/20"), "eta", "specs/a folder/eta.yaml"),
               LockEntry("a-pool", N("10.2.0.0/20"), "theta", "specs/t.yaml")]
    text = lockfile.render(entries)
    assert text == lockfile.render(list(reversed(entries))), "the same allocations, the same bytes"
    parsed = lockfile.parse(text)
    assert parsed.readable and [e.name for e in parsed.entries] == ["theta", "eta", "zeta"]
    assert parsed.entries[1].spec == "specs/a folder/eta.yaml", "the spec is the rest of the line"
    assert lockfile.render(parsed.entries) == text


def test_a_lock_file_netspec_did_not_write_is_not_read():
    lock = lockfile.parse("research-use1 10.64.0.0/20 alpha specs/alpha.yaml\n")
    assert [f.code for f in lock.findings] == ["NS310"] and not lock.entries


# --- the CLI --------------------------------------------------------------------------------


CONFIG = """\
[pools.research-use1]
region = "us-east-1"
blocks = ["10.64.0.0/16"]
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "netspec.toml").write_text(CONFIG)
    (tmp_path / "specs").mkdir()
    for name in ("alpha", "beta"):
        (tmp_path / "specs" / f"{name}.yaml").write_text(spec_text(name))
    return tmp_path


def test_compile_writes_the_lock_and_validate_and_check_never_do(repo):
    assert run_cli("validate", cwd=repo).returncode == 0
    assert not (repo / "netspec.lock").exists(), "validate writes nothing"
    check = run_cli("compile", "--check", cwd=repo)
    assert check.returncode == 1 and "netspec.lock:1:1: NS312 netspec.lock is not current: compile adds alpha " \
                                      "10.64.0.0/20 (research-use1); adds beta 10.64.16.0/20 (research-use1)" in check.stdout
    assert not (repo / "netspec.lock").exists()
    done = run_cli("compile", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (repo / "netspec.lock").read_text()
    assert text.endswith("research-use1 10.64.0.0/20 alpha specs/alpha.yaml\n"
                         "research-use1 10.64.16.0/20 beta specs/beta.yaml\n")
    assert '"cidr_block": "10.64.16.0/20"' in (repo / "out" / "beta" / "vpc.tf.json").read_text()
    assert run_cli("compile", "--check", cwd=repo).returncode == 0
    # A new spec in a run of that one file still never takes a block of a spec outside the run.
    (repo / "specs" / "aaa.yaml").write_text(spec_text("aaa"))
    (repo / "specs" / "literal.yaml").write_text(spec_text("literal", "10.64.32.0/20"))
    assert run_cli("compile", "specs/aaa.yaml", cwd=repo).returncode == 0
    assert "research-use1 10.64.48.0/20 aaa specs/aaa.yaml\n" in (repo / "netspec.lock").read_text()
    assert (repo / "netspec.lock").read_text().count("\n") == text.count("\n") + 1


def test_check_diff_prints_the_lock_change(repo):
    run_cli("compile", cwd=repo)
    (repo / "specs" / "gamma.yaml").write_text(spec_text("gamma"))
    result = run_cli("compile", "--check", "--diff", cwd=repo)
    assert result.returncode == 1
    assert "+research-use1 10.64.32.0/20 gamma specs/gamma.yaml\n" in result.stdout


def test_merged_branches_that_allocated_the_same_block_are_caught(repo):
    run_cli("compile", cwd=repo)
    base = (repo / "netspec.lock").read_text()
    sides = []
    for name in ("gamma", "delta"):  # two branches, each adding one network
        (repo / "specs" / f"{name}.yaml").write_text(spec_text(name))
        run_cli("compile", f"specs/{name}.yaml", cwd=repo)
        sides.append((repo / "netspec.lock").read_text())
        (repo / "netspec.lock").write_text(base)
        (repo / "specs" / f"{name}.yaml").unlink()
        shutil.rmtree(repo / "out" / name)
    assert "10.64.32.0/20 gamma" in sides[0] and "10.64.32.0/20 delta" in sides[1], "the same block on both branches"
    files = [repo / n for n in ("ours.lock", "base.lock", "theirs.lock")]
    for file, text in zip(files, (sides[0], base, sides[1])):
        file.write_text(text)
    # A merge that keeps both sides' lines (what resolving the conflict by hand usually does).
    subprocess.run(["git", "merge-file", "--union", *map(str, files)], check=True)
    shutil.copy(files[0], repo / "netspec.lock")
    for name in ("gamma", "delta"):
        (repo / "specs" / f"{name}.yaml").write_text(spec_text(name))
    before = (repo / "netspec.lock").read_text()
    result = run_cli("compile", cwd=repo)
    assert result.returncode == 1
    lines = before.splitlines()
    second = max(i for i, line in enumerate(lines, 1) if line.startswith("research-use1 10.64.32.0/20"))
    assert f"netspec.lock:{second}:1: NS311 10.64.32.0/20 of " in result.stdout
    assert "two branches allocated the same addresses" in result.stdout
    assert "specs/gamma.yaml:4:7: NS311" in result.stdout and "specs/delta.yaml:4:7: NS311" in result.stdout
    assert (repo / "netspec.lock").read_text() == before, "a lock with errors is left for a person to resolve"
    assert not (repo / "out" / "gamma").exists() and (repo / "out" / "alpha").exists()


def test_a_lock_netspec_did_not_write_is_never_overwritten(repo):
    (repo / "netspec.lock").write_text("my notes\n")
    result = run_cli("compile", cwd=repo)
    assert result.returncode == 1 and "netspec.lock:1:1: NS310 netspec.lock was not written by netspec" in result.stdout
    assert (repo / "netspec.lock").read_text() == "my notes\n"


def test_a_pool_spec_without_the_repository_is_ns265(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "one.yaml").write_text(spec_text("alpha"))
    result = run_cli("validate", "one.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "one.yaml:4:14: NS260 no pool named 'research-use1' in netspec.toml" in result.stdout
    from netspec import compile_text
    found = compile_text(spec_text("alpha"), "one.yaml").findings
    assert [(f.code, f.location.line, f.location.col) for f in found] == [("NS265", 4, 14)]


def test_a_compile_waits_for_another_that_holds_the_lock(repo):
    """Two compiles of one repository take turns (flock on its folder), so neither hands out a block
    the other is about to record."""
    import fcntl
    import os
    import sys
    import time

    fd = os.open(repo, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        waiting = subprocess.Popen([sys.executable, "-m", "netspec", "compile", "-q"], cwd=repo,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert waiting.poll() is None and not (repo / "netspec.lock").exists(), "it waits for the holder"
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert waiting.wait(timeout=60) == 0, waiting.communicate()
    assert "alpha" in (repo / "netspec.lock").read_text()


def test_workers_allocate_as_one_process(tmp_path):
    """Many specs, some asking a pool: loaded and checked over workers (-j 2), the blocks, the lock,
    the modules and the findings are those of one process."""
    from netspec.cli import jobs
    for count in ("1", "2"):
        repo = tmp_path / f"repo-{count}"
        (repo / "specs").mkdir(parents=True)
        (repo / "netspec.toml").write_text('[pools.p1]\nregion = "us-east-1"\nblocks = ["10.64.0.0/12"]\n')
        for i in range(jobs.PARALLEL_MIN_SPECS + 8):
            cidr = "{pool: p1, size: 20}" if i % 3 else f"10.{64 + i}.0.0/16"  # some literals inside the pool
            (repo / "specs" / f"t{i:02}.yaml").write_text(
                BASE_SPEC.replace("name: ds-team", f"name: t{i:02}").replace("cidr: 10.2.0.0/16", f"cidr: {cidr}"))
        result = run_cli("compile", "-j", count, "--format", "json", cwd=repo)
        assert result.returncode in (0, 1), result.stderr
    one, two = tmp_path / "repo-1", tmp_path / "repo-2"
    assert (one / "netspec.lock").read_text() == (two / "netspec.lock").read_text()
    assert len(lockfile.parse((one / "netspec.lock").read_text(), "netspec.lock").entries) == 21
    files = {repo: {p.relative_to(repo): p.read_bytes() for p in sorted((repo / "out").rglob("*.json"))}
             for repo in (one, two)}
    assert files[one] == files[two] and len(files[one]) > 100
