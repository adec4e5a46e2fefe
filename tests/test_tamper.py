"""The tamper corpus in module form: every modified module fails `netspec audit` with exactly its codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from netspec.audit import audit
from netspec.audit.inputs import load_paths
from netspec.codes import CODES
from tamper.build import build
from tamper.cases import CASES, Case

# Codes the corpus does not cover, and the test that does.
ELSEWHERE = {"NS500": "tests/test_audit.py::test_unreadable_input"}


def test_the_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


def test_every_audit_code_has_a_tamper_case():
    audit_codes = {c for c in CODES if c.startswith("NS5")}
    covered = {code for case in CASES for code in case.expect} | set(ELSEWHERE)
    assert audit_codes - covered == set()


def line_of(path: Path, needle: str, after: str = "") -> int:
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines, 1) if i > start and needle in line)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_tampered_module_fails_with_its_codes(case, tmp_path, monkeypatch):
    # The repository the case lives in is the current directory, as in CI: its specs/ is
    # the only place the module's spec can come from.
    monkeypatch.chdir(tmp_path)
    folder = build(case, tmp_path)
    findings = audit(load_paths([folder]))
    assert {f.code for f in findings} == case.expect, [f"{f.code} {f.message}" for f in findings]
    if case.at is not None:
        code, name, needle, *after = case.at
        located = [f.location for f in findings if f.code == code]
        expected = (folder / name).resolve()
        line = line_of(expected, needle, *after)
        assert any(Path(loc.path).resolve() == expected and loc.line == line for loc in located), (located, name, line)


@pytest.mark.parametrize("example", ["ds-team", "ds-forecasting", "ml-containers"])
def test_untouched_fresh_modules_are_clean(example, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert audit(load_paths([build(Case("clean", frozenset(), example=example), tmp_path)])) == []
