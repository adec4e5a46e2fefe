"""A wheel built from the repository works in a fresh virtual environment, outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from netspec import DISTRIBUTION, __version__

from conftest import BASE_SPEC, ROOT


def run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(args, cwd=cwd, text=True, capture_output=True, timeout=timeout, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], cwd=tmp_path)
    # The distribution's own name ("netspec" on PyPI is an unrelated project) and the one version.
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"{DISTRIBUTION.replace('-', '_')}-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"{DISTRIBUTION.replace('-', '_')}-{__version__}.dist-info/METADATA").decode()
        entry_points = archive.read(f"{DISTRIBUTION.replace('-', '_')}-{__version__}.dist-info/entry_points.txt").decode()
        assert "netspec/schemas/netspec-config.schema.json" in archive.namelist()
    assert f"\nName: {DISTRIBUTION}\n" in metadata and f"\nVersion: {__version__}\n" in metadata
    assert "netspec = netspec.cli:main" in entry_points
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)  # no system site-packages: only what the wheel declares
    python = env_dir / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)
    work = tmp_path / "elsewhere"
    (work / "specs").mkdir(parents=True)
    (work / "specs" / "team.yaml").write_text(BASE_SPEC)
    netspec = env_dir / "bin" / "netspec"
    located = run([str(python), "-c", "import netspec; print(netspec.__file__)"], cwd=work).stdout
    assert str(env_dir) in located, "the venv's copy is used, not the checkout"
    schema = json.loads(run([str(netspec), "schema"], cwd=work).stdout)
    assert schema == json.loads((ROOT / "schemas" / "netspec.schema.json").read_text())
    assert run([str(netspec), "--version"], cwd=work).stdout == f"netspec {__version__} ({DISTRIBUTION} on PyPI)\n"
    run([str(netspec), "compile"], cwd=work)
    assert (work / "out" / "ds-team" / "endpoints.tf.json").is_file()
    (work / "specs" / "team.yaml").write_text("netspec: 1\n")
    bad = subprocess.run([str(netspec), "validate"], cwd=work, text=True, capture_output=True)
    assert bad.returncode == 1 and "NS102" in bad.stdout
    (work / "netspec.toml").write_text("strcit = true\n")  # the configuration schema ships in the wheel
    config = subprocess.run([str(netspec), "validate"], cwd=work, text=True, capture_output=True)
    assert config.returncode == 2 and "netspec.toml:1:1: NS402 unknown key 'strcit'" in config.stdout
