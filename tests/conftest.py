"""Shared fixtures: the repository's examples, compiling helpers, offline terraform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netspec import compile_text, terraform
from netspec.pipeline import Result

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
OUT = ROOT / "out"
EXAMPLES = sorted(SPECS.glob("*.yaml"))

BASE_SPEC = """\
netspec: 1
name: ds-team
region: us-east-1
cidr: 10.2.0.0/16
azs: [us-east-1a, us-east-1b]
services: [s3, sagemaker.api, sagemaker.runtime, sts, logs]
buckets:
  - name: my-secure-bucket
    access: read
tags:
  team: data-science
"""


def compile_ok(text: str, **kwargs) -> Result:
    result = compile_text(text, "spec.yaml", **kwargs)
    assert result.ok, [f"{f.location}: {f.code} {f.message}" for f in result.findings]
    return result


def module(result: Result) -> dict[str, dict]:
    """The generated files, parsed."""
    return {name: json.loads(text) for name, text in result.files.items()}


def resources(result: Result) -> dict[str, dict]:
    """Every resource body by address (type.name), across files."""
    found = {}
    for document in module(result).values():
        for rtype, items in document.get("resource", {}).items():
            for name, body in items.items():
                found[f"{rtype}.{name}"] = body
    return found


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netspec", *args], cwd=cwd or ROOT, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture(scope="session", autouse=True)
def _no_cache_left_in_the_checkout():
    """Runs in the repository itself keep their findings cache there (.netspec_cache/, ignored by git):
    the suite takes away the one it made."""
    import shutil
    folder = ROOT / ".netspec_cache"
    existed = folder.exists()
    yield
    if not existed:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory) -> dict[str, str]:
    """Environment for offline terraform runs against the local provider mirror."""
    try:
        mirror = terraform.plugin_dir()
        terraform.terraform_binary()
    except terraform.TerraformUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))  # CI must prove the modules, never skip silently
        pytest.skip(str(exc))
    config = tmp_path_factory.mktemp("tf") / "cli.tfrc"
    config.write_text(terraform.cli_config(mirror))
    return terraform.environment(config)
