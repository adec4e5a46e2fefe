"""netspec diff: every kind of change, how it is classified, the two formats, and the git edge."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BASE_SPEC, compile_ok, run_cli
from netspec.diff import Change, DiffFormat, DiffReport, SpecDiff, Status, diff_networks, render
from netspec.model import Network


def net(text: str) -> Network:
    network = compile_ok(text).network
    assert network is not None
    return network


def edited(*replacements: tuple[str, str], extra: str = "") -> str:
    text = BASE_SPEC
    for old, new in replacements:
        assert old in text, old  # an edit that does not apply would make its test vacuous
        text = text.replace(old, new)
    return text + extra


THREE_ZONES = ("azs: [us-east-1a, us-east-1b]", "azs: [us-east-1a, us-east-1b, us-east-1c]")
READ_WRITE = ("access: read\n", "access: read-write\n")
NEW_BUCKET = ("    access: read\n", "    access: read\n  - name: team-scratch\n    access: write\n")

# (name, before, after, the change expected: kind, subject, before, after, widens, narrows, destructive)
CASES = [
    ("zone added", BASE_SPEC, edited(THREE_ZONES),
     ("zone.added", "us-east-1c", None, "10.2.64.0/19", False, False, False)),
    ("zone removed", edited(THREE_ZONES), BASE_SPEC,
     ("zone.removed", "us-east-1c", "10.2.64.0/19", None, False, False, True)),
    ("subnet cidr changed", BASE_SPEC, edited(extra="subnet_prefix: 20\n"),
     ("zone.changed", "us-east-1b", "10.2.32.0/19", "10.2.16.0/20", False, False, True)),
    ("interface service added", BASE_SPEC, edited(("sts, logs]", "sts, logs, kms]")),
     ("service.added", "kms", None, "Interface", True, False, False)),
    ("gateway service added", BASE_SPEC, edited(("sts, logs]", "sts, logs, dynamodb]")),
     ("service.added", "dynamodb", None, "Gateway", True, False, False)),
    ("service removed", BASE_SPEC, edited(("sts, logs]", "sts]")),
     ("service.removed", "logs", "Interface", None, False, True, False)),
    ("bucket added", BASE_SPEC, edited(NEW_BUCKET),
     ("bucket.added", "team-scratch", None, "write", True, False, False)),
    ("bucket removed", edited(NEW_BUCKET), BASE_SPEC,
     ("bucket.removed", "team-scratch", "write", None, False, True, False)),
    ("read widened to read-write", BASE_SPEC, edited(READ_WRITE),
     ("bucket.access", "my-secure-bucket", "read", "read-write", True, False, False)),
    ("read-write narrowed to read", edited(READ_WRITE), BASE_SPEC,
     ("bucket.access", "my-secure-bucket", "read-write", "read", False, True, False)),
    ("read swapped for write", BASE_SPEC, edited(("access: read\n", "access: write\n")),
     ("bucket.access", "my-secure-bucket", "read", "write", True, True, False)),
    ("wildcard bucket added", BASE_SPEC, edited(("  - name: my", "  - name: raw-*\n    access: read\n  - name: my")),
     ("bucket.added", "raw-*", None, "read", True, False, False)),
    ("tag added", BASE_SPEC, edited(extra="  owner: ana\n"),
     ("tag.added", "owner", None, "ana", False, False, False)),
    ("tag changed", BASE_SPEC, edited(("team: data-science", "team: research")),
     ("tag.changed", "team", "data-science", "research", False, False, False)),
    ("tag removed", BASE_SPEC, edited(("tags:\n  team: data-science\n", "")),
     ("tag.removed", "team", "data-science", None, False, False, False)),
    ("flow logs off", BASE_SPEC, edited(extra="flow_logs: false\n"),
     ("flow_logs.off", "flow_logs", "365 days", None, True, False, False)),
    ("flow logs on", edited(extra="flow_logs: false\n"), BASE_SPEC,
     ("flow_logs.on", "flow_logs", None, "365 days", False, False, False)),
    ("flow log retention", BASE_SPEC, edited(extra="flow_logs:\n  retention_days: 90\n"),
     ("flow_logs.retention", "flow_logs", "365 days", "90 days", False, False, False)),
    ("vpc cidr changed", BASE_SPEC, edited(("cidr: 10.2.0.0/16", "cidr: 10.3.0.0/16")),
     ("cidr.changed", "cidr", "10.2.0.0/16", "10.3.0.0/16", False, False, True)),
    ("region changed", BASE_SPEC, edited(("region: us-east-1", "region: us-west-2"),
                                         ("azs: [us-east-1a, us-east-1b]", "azs: [us-west-2a, us-west-2b]")),
     ("region.changed", "region", "us-east-1", "us-west-2", False, False, True)),
    ("renamed", BASE_SPEC, edited(("name: ds-team", "name: ds-research")),
     ("name.renamed", "name", "ds-team", "ds-research", False, False, True)),
]


@pytest.mark.parametrize("before, after, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_change_is_found_and_classified(before, after, expected):
    result = diff_networks(net(before), net(after))
    found = {(c.kind, c.subject): c for c in result.changes}
    kind, subject, old, new, widens, narrows, destructive = expected
    change = found.get((kind, subject))
    assert change is not None, sorted(found)
    assert (change.before, change.after) == (old, new)
    assert (change.widens, change.narrows, change.destructive) == (widens, narrows, destructive)
    assert change.needs_review == (widens or destructive)
    assert bool(change.reason) == change.needs_review, "what needs review says why"
    assert result.status is Status.CHANGED


def test_only_the_expected_changes_are_reported():
    result = diff_networks(net(BASE_SPEC), net(edited(THREE_ZONES, NEW_BUCKET, READ_WRITE)))
    assert [(c.kind, c.subject) for c in result.changes] == [
        ("zone.added", "us-east-1c"), ("bucket.access", "my-secure-bucket"), ("bucket.added", "team-scratch")]


def test_widening_reasons_name_what_widens():
    wildcard = diff_networks(net(BASE_SPEC), net(edited(("name: my-secure-bucket", "name: raw-*"))))
    added = next(c for c in wildcard.changes if c.kind == "bucket.added")
    assert "wildcard" in added.reason and "raw-..." in added.reason
    swapped = diff_networks(net(BASE_SPEC), net(edited(("access: read\n", "access: write\n")))).changes[0]
    assert "adds write" in swapped.reason and "removes read" in swapped.reason


def test_narrowing_needs_no_review():
    result = diff_networks(net(edited(NEW_BUCKET, READ_WRITE, extra="  owner: ana\n")), net(BASE_SPEC))
    assert result.changes and not result.review
    assert all(not c.widens for c in result.changes)


def test_unchanged_and_comment_only_changes():
    same = diff_networks(net(BASE_SPEC), net("# a comment\n" + BASE_SPEC))
    assert same.status is Status.UNCHANGED and same.changes == () and same.summary() == "no network changes"


def test_added_spec_lists_what_it_opens():
    result = diff_networks(None, net(edited(extra="flow_logs: false\n")), "specs/ds-team.yaml")
    assert result.status is Status.ADDED and result.label == "specs/ds-team.yaml"
    kinds = [c.kind for c in result.changes]
    assert kinds[0] == "network.added" and kinds.count("zone.added") == 2 and kinds.count("service.added") == 5
    assert "region.changed" not in kinds and "cidr.changed" not in kinds
    flagged = {(c.kind, c.subject) for c in result.review}
    assert ("bucket.added", "my-secure-bucket") in flagged and ("service.added", "s3") in flagged
    assert ("flow_logs.off", "flow_logs") in flagged, "a new VPC without flow logs is flagged"


def test_removed_spec_is_destructive():
    result = diff_networks(net(BASE_SPEC), None)
    assert result.status is Status.REMOVED
    (change,) = result.changes
    assert change.kind == "network.removed" and change.destructive and change.needs_review
    assert change.before == "10.2.0.0/16 in us-east-1"


def _report() -> DiffReport:
    changed = diff_networks(net(BASE_SPEC), net(edited(THREE_ZONES, NEW_BUCKET, READ_WRITE)), "specs/ds-team.yaml")
    same = diff_networks(net(BASE_SPEC), net(BASE_SPEC), "specs/other.yaml")
    return DiffReport("main", (changed, same))


def test_markdown_has_a_table_and_a_review_section():
    text = render(_report(), DiffFormat.MARKDOWN)
    assert text.startswith("## netspec diff against `main`\n")
    assert "### `ds-team` (changed, `specs/ds-team.yaml`)" in text
    assert "| change | subject | before | after | effect |" in text
    assert "| zone added | `us-east-1c` |  | `10.2.64.0/19` |  |" in text
    assert "| bucket access changed | `my-secure-bucket` | `read` | `read-write` | **widens** |" in text
    review = text.split("#### ⚠ needs review", 1)[1]
    assert "`team-scratch`" in review and "`my-secure-bucket`" in review and "us-east-1c" not in review
    assert "Unchanged: `specs/other.yaml`" in text
    assert "2 change(s) need review" in text


def test_markdown_without_widening_has_no_review_section():
    report = DiffReport("main", (diff_networks(net(edited(NEW_BUCKET)), net(BASE_SPEC), "a.yaml"),))
    text = render(report, DiffFormat.MARKDOWN)
    assert "⚠" not in text and "nothing needs review" in text


def test_markdown_escapes_table_cells():
    hostile = Change("tag.added", "a|b`c", None, "x|y")
    report = DiffReport("main", (SpecDiff("a.yaml", "a", Status.CHANGED, (hostile,)),))
    row = next(line for line in render(report, DiffFormat.MARKDOWN).splitlines() if line.startswith("| tag added"))
    assert row == "| tag added | `a\\|b'c` |  | `x\\|y` |  |"
    assert row.replace("\\|", "").count("|") == 6, "five cells, however hostile the text"


def test_json_round_trips_with_stable_sorted_keys():
    report = _report()
    text = render(report, DiffFormat.JSON)
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["needs_review"] == 2 and document["base"] == "main" and document["failed"] == []
    first = document["specs"][0]
    assert (first["status"], first["name"], first["needs_review"]) == ("changed", "ds-team", 2)
    assert tuple(Change.from_dict(c) for c in first["changes"]) == report.specs[0].changes
    assert render(report, DiffFormat.JSON) == text, "deterministic"


# --- the command line -------------------------------------------------------------------

def test_two_files(tmp_path: Path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE_SPEC)
    new.write_text(edited(NEW_BUCKET))
    result = run_cli("diff", str(old), str(new), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "## netspec diff against `old.yaml`" in result.stdout and "`team-scratch`" in result.stdout
    as_json = run_cli("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert json.loads(as_json.stdout)["needs_review"] == 1


def test_a_side_that_does_not_compile_exits_1_with_findings(tmp_path: Path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE_SPEC)
    new.write_text(BASE_SPEC.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33"))
    result = run_cli("diff", str(old), str(new), cwd=tmp_path)
    assert result.returncode == 1
    assert "new.yaml:4:7: NS104" in result.stderr
    assert "does not compile, not compared:** `new.yaml`" in result.stdout


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository on main with two specs committed."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    (tmp_path / "specs" / "old-team.yaml").write_text(BASE_SPEC.replace("name: ds-team", "name: old-team"))
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_base_ref_in_a_git_repository(repo: Path):
    (repo / "specs" / "ds-team.yaml").write_text(edited(THREE_ZONES, READ_WRITE))
    (repo / "specs" / "old-team.yaml").unlink()
    (repo / "specs" / "new-team.yaml").write_text(BASE_SPEC.replace("name: ds-team", "name: new-team"))
    result = run_cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    specs = {s["label"]: s for s in json.loads(result.stdout)["specs"]}
    assert {k: s["status"] for k, s in specs.items()} == {
        "specs/ds-team.yaml": "changed", "specs/new-team.yaml": "added", "specs/old-team.yaml": "removed"}
    kinds = {(c["kind"], c["subject"]) for c in specs["specs/ds-team.yaml"]["changes"]}
    assert kinds == {("zone.added", "us-east-1c"), ("bucket.access", "my-secure-bucket")}


def test_default_base_is_the_merge_base_with_main(repo: Path):
    _git(repo, "checkout", "-q", "-b", "feature")
    (repo / "specs" / "ds-team.yaml").write_text(edited(NEW_BUCKET))
    _git(repo, "commit", "-q", "-am", "more buckets")
    result = run_cli("diff", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## netspec diff against `main (merge base ")
    assert "`team-scratch`" in result.stdout and "Unchanged: `specs/old-team.yaml`" in result.stdout


def test_a_moved_spec_is_compared_with_where_it_came_from(repo: Path):
    _git(repo, "mv", "specs/old-team.yaml", "specs/renamed.yaml")
    result = run_cli("diff", "--base", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "removed" not in result.stdout and "`specs/renamed.yaml`" in result.stdout


def test_an_old_side_with_errors_points_at_the_ref(repo: Path):
    (repo / "specs" / "ds-team.yaml").write_text("netspec: 1\nname: Bad\n")
    _git(repo, "commit", "-q", "-am", "broken")
    (repo / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    result = run_cli("diff", "--base", "HEAD", "specs/ds-team.yaml", cwd=repo)
    assert result.returncode == 1 and "HEAD:specs/ds-team.yaml:" in result.stderr


@pytest.mark.parametrize("args, setup, message", [
    (("--base", "no-such-ref"), None, "unknown git ref 'no-such-ref'"),
    (("--base", "HEAD", "specs/typo.yaml"), None, "specs/typo.yaml: no such file or folder"),
    ((), "trunk", "no merge base with main or origin/main"),
    ((), "no-git", "not inside a git repository"),
    (("a.yaml", "b.yaml"), "no-git", "a.yaml"),
])
def test_usage_errors_exit_2(repo: Path, args, setup, message):
    if setup == "trunk":
        _git(repo, "branch", "-m", "main", "trunk")
    elif setup == "no-git":
        shutil.rmtree(repo / ".git")
    # git must not find a repository above the temporary folder (a checkout under /tmp)
    result = run_cli("diff", *args, cwd=repo, env={"GIT_CEILING_DIRECTORIES": str(repo.parent)})
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stdout == ""


def test_a_spec_too_large_at_the_base_is_refused_before_git_hands_it_over(repo: Path):
    (repo / "specs" / "ds-team.yaml").write_text(BASE_SPEC + "# " + "x" * 300_000 + "\n")
    _git(repo, "commit", "-q", "-am", "huge")
    (repo / "specs" / "ds-team.yaml").write_text(BASE_SPEC)
    result = run_cli("diff", "--base", "HEAD", "specs/ds-team.yaml", cwd=repo)
    assert result.returncode == 2 and "specs/ds-team.yaml is 300,234 bytes; specs are limited to 262,144" in result.stderr
