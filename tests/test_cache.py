"""The findings cache (.netspec_cache/): an unchanged spec is not loaded, checked or modelled again, and
nothing a run prints, writes or exits with depends on whether the cache was there."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netspec.cli import app, cache, jobs

from conftest import BASE_SPEC, SPECS, run_cli

CACHE_FILE = Path(".netspec_cache") / "findings.json"

SUPPRESSED = BASE_SPEC.replace("name: ds-team", "name: legacy").replace(
    "cidr: 10.2.0.0/16", 'cidr: 10.2.0.0/16  # netspec: ignore NS251 reason="shares a block with ds-team until Q3"')
BROKEN = BASE_SPEC.replace("name: ds-team", "name: broken").replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33")
TWIN = BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.9.0.0/16")  # a second ds-team: NS250 both ways


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Specs with every kind of finding a run reports: a warning (NS235), an inline suppression, a
    configured one, an error, and overlapping blocks (NS251) with related locations."""
    specs = tmp_path / "specs"
    (specs / "team").mkdir(parents=True)
    shutil.copy(SPECS / "workshop.yaml", specs / "workshop.yaml")
    (specs / "ds-team.yaml").write_text(BASE_SPEC)
    (specs / "legacy.yaml").write_text(SUPPRESSED)
    (specs / "broken.yaml").write_text(BROKEN)
    (specs / "team" / "other.yaml").write_text(BASE_SPEC.replace("name: ds-team", "name: other"))  # overlaps ds-team
    (tmp_path / "netspec.toml").write_text(
        '[[suppress]]\ncode = "NS251"\npaths = ["specs/team/other.yaml"]\nreason = "a test of configured suppressions"\n')
    return tmp_path


def _runs(project: Path, *args: str) -> tuple[tuple[int, str], tuple[int, str]]:
    """(exit code, stdout) of a run with the cache as it is, and of the same run without it."""
    warm = run_cli(*args, cwd=project)
    cold = run_cli(*args, "--no-cache", cwd=project)
    assert "internal error" not in warm.stderr + cold.stderr, warm.stderr + cold.stderr
    return (warm.returncode, warm.stdout), (cold.returncode, cold.stdout)


def test_no_cache_writes_no_cache_folder(project):
    assert run_cli("validate", "--no-cache", cwd=project).returncode == 1
    assert run_cli("compile", "--no-cache", cwd=project).returncode == 1
    assert not (project / ".netspec_cache").exists()


def test_the_cache_folder_is_tagged_and_ignores_itself(project):
    run_cli("validate", cwd=project)
    folder = project / ".netspec_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / "findings.json").is_file()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_warm_output_is_byte_identical_to_a_run_without_the_cache(project, fmt):
    (project / "specs" / "team" / "twin.yaml").write_text(TWIN)  # and a duplicate name (NS250)
    assert run_cli("compile", cwd=project).returncode == 1  # the broken spec; every other module written
    for args in (("validate", "-f", fmt), ("validate", "-f", fmt, "--strict"), ("validate", "-f", fmt, "-v"),
                 ("compile", "-f", fmt), ("compile", "-f", fmt, "--check"), ("compile", "-f", fmt, "--strict")):
        warm, cold = _runs(project, *args)
        assert warm == cold, args
    text = run_cli("validate", "-v", cwd=project).stdout
    for expected in ("workshop.yaml:13:11: NS235", "NS250", "NS251", "see also specs/ds-team.yaml:4:7",
                     "shares a block with ds-team until Q3", "a test of configured suppressions", "NS104"):
        assert expected in text, expected


def _in_process(project: Path, monkeypatch, *args: str) -> tuple[int, str, int]:
    """A run in this process, counting the specs it loads."""
    loads = []
    real = jobs.load_bytes
    monkeypatch.setattr(jobs, "load_bytes", lambda raw, path: loads.append(path) or real(raw, path))
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, [*args, "-j", "1"])
    monkeypatch.setattr(jobs, "load_bytes", real)
    return result.exit_code, result.stdout, len(loads)


def test_an_unchanged_spec_is_not_loaded_again(project, monkeypatch):
    assert _in_process(project, monkeypatch, "compile")[2] == 5
    for command in (["compile"], ["compile", "--check"], ["validate"], ["validate", "--strict"],
                    ["validate", "-f", "sarif"]):
        code, output, loaded = _in_process(project, monkeypatch, *command)
        assert loaded == 0, command
        cold_code, cold_output, cold_loaded = _in_process(project, monkeypatch, *command, "--no-cache")
        assert (code, output) == (cold_code, cold_output) and cold_loaded == 5, command
    assert _in_process(project, monkeypatch, "compile", "--force")[2] == 5, "--force trusts nothing a run left"


def test_a_changed_spec_is_loaded_and_only_it(project, monkeypatch):
    _in_process(project, monkeypatch, "compile")
    spec = project / "specs" / "team" / "other.yaml"
    spec.write_text(spec.read_text().replace("team: data-science", "team: science"))
    assert _in_process(project, monkeypatch, "compile", "--check")[2] == 1
    assert _in_process(project, monkeypatch, "compile")[2] == 1
    assert '"team": "science"' in (project / "out" / "other" / "vpc.tf.json").read_text()
    warm, cold = _runs(project, "compile", "--check")
    assert warm == cold and "NS302" not in warm[1]


def test_a_changed_folder_account_is_a_miss(project, monkeypatch):
    config = project / "netspec.toml"
    config.write_text(config.read_text() + '[[accounts]]\nid = "111122223333"\nspecs = ["specs/team/**"]\n')
    _in_process(project, monkeypatch, "compile")
    config.write_text(config.read_text().replace("111122223333", "444455556666"))
    _, _, loaded = _in_process(project, monkeypatch, "validate")
    assert loaded == 1, "the spec under specs/team/ is decided another account"
    warm, cold = _runs(project, "compile", "--check")
    assert warm == cold and warm[0] == 1 and "NS302" in warm[1]


def test_another_netspec_build_is_a_miss(project, monkeypatch):
    _in_process(project, monkeypatch, "validate")
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    _, _, loaded = _in_process(project, monkeypatch, "validate")
    assert loaded == 5


def test_a_hand_edited_module_is_found_and_rewritten_with_a_warm_cache(project, monkeypatch):
    _in_process(project, monkeypatch, "compile")
    path = project / "out" / "workshop" / "vpc.tf.json"
    written = path.read_text()
    path.write_text(written.replace('"enable_dns_support": true', '"enable_dns_support": false'))
    code, output, loaded = _in_process(project, monkeypatch, "compile", "--check")
    assert code == 1 and "out/workshop/ is not what specs/workshop.yaml compiles to: vpc.tf.json hand-edited" in output
    assert loaded == 1, "the one spec whose module is not current is compiled in full"
    assert _in_process(project, monkeypatch, "compile")[0] == 1  # the broken spec
    assert path.read_text() == written
    shutil.rmtree(project / "out" / "legacy")
    assert _in_process(project, monkeypatch, "compile")[2] == 1
    assert (project / "out" / "legacy" / "vpc.tf.json").is_file()


def _mac_of(body: bytes) -> bytes:
    key = cache._key()
    assert key is not None
    return cache._mac(key, body)


@pytest.mark.parametrize("content", [
    b"", b"\x00\xff garbage", b"{\n", b"0" * 64 + b"\n{}",
    "a cache another machine wrote".encode(),
])
def test_a_garbage_cache_is_ignored(project, content):
    run_cli("validate", cwd=project)
    (project / CACHE_FILE).write_bytes(content)
    warm, cold = _runs(project, "validate", "-f", "json")
    assert warm == cold and warm[0] == 1


def test_a_cache_that_is_not_this_machines_is_ignored(project):
    """A committed or copied cache claiming the broken spec is clean: its MAC is not under this key."""
    run_cli("validate", cwd=project)
    body = (project / CACHE_FILE).read_bytes().partition(b"\n")[2]
    document = json.loads(body)
    for entry in document["entries"].values():
        entry["findings"] = []
    forged = json.dumps(document).encode()
    (project / CACHE_FILE).write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    warm, cold = _runs(project, "validate")
    assert warm == cold and "NS104" in warm[1]


@pytest.mark.parametrize("damage", [
    lambda d: d.update(entries=[]),
    lambda d: d["entries"]["specs/broken.yaml"].update(findings=[["x"]]),
    lambda d: d["entries"]["specs/broken.yaml"]["findings"][0].__setitem__(2, "fatal"),
    lambda d: d["entries"]["specs/ds-team.yaml"].update(claim=["ds-team", "us-east-1", [167903232, 99], None, None]),
    lambda d: d["entries"]["specs/ds-team.yaml"].update(anchors=[[["name"], ["p", 0, 1]]]),
    lambda d: d.update(format=99),
])
def test_a_well_signed_but_malformed_cache_is_ignored(project, damage):
    run_cli("validate", cwd=project)
    document = json.loads((project / CACHE_FILE).read_bytes().partition(b"\n")[2])
    damage(document)
    body = json.dumps(document).encode()
    (project / CACHE_FILE).write_bytes(_mac_of(body) + b"\n" + body)
    warm, cold = _runs(project, "validate", "-f", "sarif")
    assert warm == cold and warm[0] == 1


def test_a_cache_that_cannot_be_written_changes_nothing(project):
    (project / "netspec.toml").write_text('cache = "not-a-folder"\n')
    (project / "not-a-folder").write_text("a file where the cache folder would be\n")
    warm, cold = _runs(project, "compile", "-f", "json")
    assert warm == cold and warm[0] == 1
    assert (project / "not-a-folder").read_text() == "a file where the cache folder would be\n"


def test_a_cache_folder_that_is_a_link_is_not_written_through(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / ".netspec_cache").symlink_to(elsewhere, target_is_directory=True)
    warm, cold = _runs(project, "validate")
    assert warm == cold and list(elsewhere.iterdir()) == []


def test_the_configuration_moves_or_disables_the_cache(project):
    config = project / "netspec.toml"
    config.write_text('cache = "build/netspec-cache"\n')
    assert run_cli("validate", cwd=project).returncode == 1
    assert (project / "build" / "netspec-cache" / "findings.json").is_file()
    assert not (project / ".netspec_cache").exists()
    config.write_text("cache = false\n")
    shutil.rmtree(project / "build")
    assert run_cli("validate", cwd=project).returncode == 1
    assert not (project / "build").exists() and not (project / ".netspec_cache").exists()
    config.write_text("cache = 3\n")
    bad = run_cli("validate", cwd=project)
    assert bad.returncode == 2 and "netspec.toml:1:9: NS403" in bad.stdout


def test_workers_give_the_same_output_with_a_warm_cache(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    for i in range(40):  # above jobs.PARALLEL_MIN_SPECS: spread over workers
        (specs / f"team-{i}.yaml").write_text(BASE_SPEC.replace("ds-team", f"team-{i}").replace(
            "10.2.0.0/16", f"10.{i % 7}.0.0/16"))
    assert 40 > jobs.PARALLEL_MIN_SPECS
    run_cli("compile", "-j", "2", cwd=tmp_path)
    outputs = set()
    for j in ("1", "2"):
        run = run_cli("compile", "-f", "json", "-j", j, cwd=tmp_path)
        outputs.add((run.returncode, run.stdout))
    warm, cold = _runs(tmp_path, "compile", "-f", "json", "-j", "2")
    assert outputs == {warm} == {cold}
    module = tmp_path / "out" / "team-3" / "vpc.tf.json"
    module.write_text(module.read_text() + " ")
    checks = {run_cli("compile", "--check", "-j", j, cwd=tmp_path).stdout for j in ("1", "2")}
    assert len(checks) == 1 and "out/team-3/ is not what" in checks.pop()


def test_a_spec_asking_a_pool_is_decided_with_every_document(project, monkeypatch):
    """Pools decide blocks across specs: once a spec asks one, the cache answers no spec of the run."""
    run_cli("validate", cwd=project)
    (project / "specs" / "pooled.yaml").write_text(
        BASE_SPEC.replace("name: ds-team", "name: pooled").replace("cidr: 10.2.0.0/16", "cidr: {pool: research, size: 20}"))
    warm, cold = _runs(project, "validate", "-f", "json")
    assert warm == cold
    _, _, loaded = _in_process(project, monkeypatch, "validate")
    # Without pools or a lock, specs are checked in one step: the new spec (the cache knows the
    # others) finds it asks a pool, so the run is made again with every spec loaded first.
    assert loaded == 1 + 6


CI_KEY = "0123456789abcdef" * 4  # 64 characters, as `openssl rand -hex 32` gives


def test_ci_runs_sharing_a_key_share_the_cache_and_no_one_else_does(project, monkeypatch, tmp_path_factory):
    """Each CI run is a new machine: with NETSPEC_CACHE_KEY (a secret its runs share) a cache kept
    between runs is used; without it, or under another key, the same file is ignored."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("first-machine")))
    monkeypatch.setenv(cache.KEY_ENV, CI_KEY)
    assert _in_process(project, monkeypatch, "compile")[2] == 5
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("next-machine")))
    code, output, loaded = _in_process(project, monkeypatch, "compile", "--check")
    assert (code, loaded) == (1, 0), "the next run, on another machine with the same key, loads nothing"
    assert (code, output) == _in_process(project, monkeypatch, "compile", "--check", "--no-cache")[:2]
    saved = (project / CACHE_FILE).read_bytes()
    for env in ({}, {cache.KEY_ENV: CI_KEY[::-1]}):  # a run without the secret (a fork's pull request), another key
        monkeypatch.delenv(cache.KEY_ENV, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        (project / CACHE_FILE).write_bytes(saved)
        assert _in_process(project, monkeypatch, "validate")[2] == 5, env


def test_a_key_short_enough_to_guess_is_refused_aloud(project):
    short = run_cli("validate", "-f", "json", cwd=project, env={cache.KEY_ENV: "hunter2"})
    assert "NETSPEC_CACHE_KEY is 7 characters long" in short.stderr and "is not used" in short.stderr
    assert not (project / ".netspec_cache").exists()
    cold = run_cli("validate", "-f", "json", "--no-cache", cwd=project)
    assert (short.returncode, short.stdout) == (cold.returncode, cold.stdout)
