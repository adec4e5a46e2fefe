"""Every compiled example passes `terraform init` and `terraform validate`, offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from netspec import compile_text, terraform
from netspec.render import RenderOptions

from conftest import EXAMPLES, OUT

pytestmark = pytest.mark.terraform


def validate(directory: Path, env: dict[str, str]) -> dict:
    init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], directory, env)
    assert init.returncode == 0, init.stdout + init.stderr
    result = terraform.run(["validate", "-json", "-no-color"], directory, env)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], json.dumps(report["diagnostics"], indent=2)
    return report


@pytest.mark.parametrize("name", sorted(p.name for p in OUT.iterdir() if p.is_dir()))
def test_out_module_validates(name, tf_env, tmp_path):
    # Validate a copy so the checkout gains no .terraform/ or lock file.
    copy = tmp_path / name
    shutil.copytree(OUT / name, copy)
    report = validate(copy, tf_env)
    assert report["warning_count"] == 0, report["diagnostics"]


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_child_module_validates_under_a_root(spec, tf_env, tmp_path):
    """--module output has no provider block; a root that passes one in validates."""
    result = compile_text(spec.read_text(), spec.name, options=RenderOptions(module=True))
    child = tmp_path / "network"
    child.mkdir()
    for file_name, text in result.files.items():
        (child / file_name).write_text(text)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf.json").write_text(json.dumps({
        "provider": {"aws": {"region": result.network.region.name}},
        "module": {"network": {"source": "../network"}},
        "output": {"vpc_id": {"value": "${module.network.vpc_id}"}},
    }))
    validate(root, tf_env)


def test_init_never_reaches_for_the_registry(tf_env, tmp_path):
    """A provider the mirror lacks fails at once instead of trying the network."""
    (tmp_path / "main.tf.json").write_text(json.dumps(
        {"terraform": {"required_providers": {"nope": {"source": "example.com/acme/nope"}}}}))
    init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], tmp_path, tf_env, timeout=60)
    assert init.returncode != 0
    assert "provider" in (init.stdout + init.stderr).lower()
