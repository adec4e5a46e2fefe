"""Running terraform offline against a local provider mirror (used by tests and tools).

Nothing here may reach the Terraform registry: `cli_config` writes a CLI
configuration whose only installation source is the filesystem mirror named by
NETSPEC_TF_PLUGIN_DIR. With an unpacked mirror, `terraform init` symlinks the
provider instead of copying it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PLUGIN_DIR_ENV = "NETSPEC_TF_PLUGIN_DIR"
# Where machine images usually carry the mirror; used only when the variable is unset.
DEFAULT_PLUGIN_DIRS = (Path("/opt/tf-plugins"), Path.home() / ".terraform.d" / "plugins")


class TerraformUnavailable(RuntimeError):
    pass


def plugin_dir() -> Path:
    configured = os.environ.get(PLUGIN_DIR_ENV)
    candidates = [Path(configured)] if configured else list(DEFAULT_PLUGIN_DIRS)
    for candidate in candidates:
        if (candidate / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
            return candidate
    raise TerraformUnavailable(
        f"no hashicorp/aws provider mirror found (looked in {', '.join(map(str, candidates))}); "
        f"set {PLUGIN_DIR_ENV} to a folder holding registry.terraform.io/hashicorp/aws/<version>/<os_arch>/")


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformUnavailable("terraform is not on PATH")
    return found


def cli_config(mirror: Path) -> str:
    return (
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}\n'
        '  direct {\n    exclude = ["*/*/*"]\n  }\n'
        "}\n"
    )


def environment(config_file: Path | None) -> dict[str, str]:
    """The process environment for unattended terraform runs: offline against a mirror when
    `config_file` is a CLI configuration naming one (`cli_config`), else terraform's own."""
    env = dict(os.environ)
    env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
    if config_file is not None:
        env.update(TF_CLI_CONFIG_FILE=str(config_file), TF_REGISTRY_DISCOVERY_RETRY="0")
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([terraform_binary(), *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)
