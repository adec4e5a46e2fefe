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
from collections.abc import Mapping
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


# Settings that change only how fast terraform and the providers it starts run, never what they
# report; each applies unless the user's environment already sets it (`runtime_defaults`). Measured
# on `terraform validate` of bench/'s 100 modules under one root (what `netspec verify` runs): the
# terraform process's CPU time 9.1 s -> 6.9 s, all processes' 12.5 s -> 9.0 s.
LOG_ENV = ("TF_LOG", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_MUX",
           "TF_LOG_SDK_HELPER_SCHEMA", "TF_LOG_SDK_FRAMEWORK")
RUNTIME_DEFAULTS = {
    # Without TF_LOG the provider SDK still writes a JSON trace line to stderr for every call (about
    # 40 lines a resource), which terraform parses and drops; "off" stops the writing. Left alone
    # when the user sets any TF_LOG* variable: they asked for logs.
    "TF_LOG_SDK": "off",
    # Go's garbage collector runs when the heap doubles (GOGC=100); terraform's walk of thousands of
    # resources spends about a quarter of its CPU there. 200: a third less CPU, about 1.5x the peak
    # memory (terraform alone: 0.4 GB -> 0.6 GB for 100 modules).
    "GOGC": "200",
}


def runtime_defaults(environ: Mapping[str, str]) -> dict[str, str]:
    """The RUNTIME_DEFAULTS `environ` does not set itself (no TF_LOG_SDK when any TF_LOG* is set)."""
    logging = any(environ.get(name) for name in LOG_ENV)
    return {name: value for name, value in RUNTIME_DEFAULTS.items()
            if name not in environ and not (logging and name in LOG_ENV)}


def environment(config_file: Path | None) -> dict[str, str]:
    """The process environment for unattended terraform runs: offline against a mirror when
    `config_file` is a CLI configuration naming one (`cli_config`), else terraform's own; with
    the RUNTIME_DEFAULTS the user has not set."""
    env = dict(os.environ)
    env.update(runtime_defaults(env))
    env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
    if config_file is not None:
        env.update(TF_CLI_CONFIG_FILE=str(config_file), TF_REGISTRY_DISCOVERY_RETRY="0")
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([terraform_binary(), *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)
