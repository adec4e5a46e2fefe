"""`netspec verify`: terraform init and validate of every compiled module, at the cost of one."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Optional

import typer

from .. import terraform, verify
from ..codes import code
from ..files import NotRegular, TooLarge, read_bounded
from ..findings import Finding, Location, display_path
from ..loader import MAX_SPEC_BYTES, without_bom
from ..render import stamp
from ..report import Format, Verbosity, note
from ..writer import GENERATED_SUFFIXES, MAX_FILE_BYTES, is_generated
from .cache import Verified
from .common import (ConfigOpt, FormatOpt, NoColorOpt, QuietOpt, StrictOpt, UsageError, VerboseOpt, find_specs,
                     finish, run_cache, settings_for)

TERRAFORM_SECONDS = 3600.0  # each of init and validate; 100 modules take about 10 s
# Modules per `terraform validate` run. terraform holds every module it walks: measured on bench/'s
# modules (GOGC=200), 0.6 GB of peak memory for 100 modules, 1.8 GB for 500, so 5,000 in one run
# would need about 15 GB. Each run past the first costs the provider's schema again (about 1.7 s).
# (`terraform init`, run once, reads every module: about 0.7 GB per 1,000, whatever the batch.)
BATCH = 200


def _read(path: Path) -> bytes | None:
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except (OSError, NotRegular, TooLarge):
        return None


def _spec_index(folders: list[Path]) -> dict[tuple[str, str], str]:
    """(file name, sha256 as the compiler hashes it) -> display path, for the specs of the configuration."""
    index: dict[tuple[str, str], str] = {}
    for spec in find_specs([f for f in folders if f.is_dir()], empty_ok=True):
        raw = _read(spec) if spec.is_file() and spec.stat().st_size <= MAX_SPEC_BYTES else None
        if raw is not None:
            index.setdefault((spec.name, hashlib.sha256(without_bom(raw)).hexdigest()), display_path(spec))
    return index


def _provider(folder: Path, files: list[str]) -> dict[str, Any] | None:
    """The module's own `provider "aws"` configuration, from its provider.tf.json (or .tf)."""
    from ..audit.config import parse_document  # reads either format, as the audit does
    for name in ("provider.tf.json", "provider.tf"):
        raw = _read(folder / name) if name in files else None
        if raw is None:
            continue
        document, problem = parse_document(folder / name, raw.decode("utf-8", "replace"))
        if problem is not None or document is None:
            continue
        # JSON: {"provider": {"aws": {...}}} (or a list of bodies); HCL as read: {"provider": [{"aws": {...}}]}
        blocks = document.get("provider")
        bodies = [body for block in (blocks if isinstance(blocks, list) else [blocks]) if isinstance(block, dict)
                  for found in [block.get("aws")] for body in (found if isinstance(found, list) else [found])
                  if isinstance(body, dict)]
        if len(bodies) == 1:
            return {k: v for k, v in bodies[0].items() if k != "//"}
    return None


def _generated(folder: Path) -> list[str]:
    """The names of netspec's generated files in `folder` (regular files carrying its header)."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.endswith(GENERATED_SUFFIXES) and not p.is_symlink() and is_generated(p))


def children_of(out: Path, specs: dict[tuple[str, str], str]) -> tuple[list[verify.Child], dict[str, dict[str, bytes]]]:
    """Every module folder of `out` holding netspec's files, and the files each child gets (`specs`:
    `_spec_index`, to name each child's spec file; empty, none is named)."""
    children, copies = [], {}
    # OUT may be one module's own folder (how a runner calls it, in the project's directory).
    folders = [out] if _generated(out) else sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    for folder in folders:
        generated = _generated(folder)
        contents = {name: raw for name in generated if name not in verify.ROOT_ONLY
                    and (raw := _read(folder / name)) is not None}
        if not contents:
            continue
        spec, sha = stamp.spec_of(next(iter(contents.values()))) or (None, None)
        name = folder.resolve().name
        children.append(verify.Child(name, display_path(folder), tuple(contents), _provider(folder, generated),
                                     spec, sha, specs.get((spec, sha)) if spec and sha else None))
        copies[name] = contents
    return children, copies


def write_root(root: Path, children: list[verify.Child], copies: dict[str, dict[str, bytes]]) -> None:
    """The root module that calls every child, with each child's files copied under it."""
    for child in children:
        folder = root / verify.MODULES_FOLDER / child.name
        folder.mkdir(parents=True)
        for name, raw in copies[child.name].items():
            (folder / name).write_bytes(raw)
    (root / verify.ROOT_FILE).write_text(json.dumps(verify.root_module(children), indent=2) + "\n")


def _environment(scratch: Path) -> dict[str, str]:
    """Offline against the provider mirror NETSPEC_TF_PLUGIN_DIR names; else terraform's own configuration."""
    if not os.environ.get(terraform.PLUGIN_DIR_ENV):
        return terraform.environment(None)
    config = scratch / "cli.tfrc"
    config.write_text(terraform.cli_config(terraform.plugin_dir()))
    return terraform.environment(config)


def _cannot(out: str, why: str) -> Finding:
    return code("NS315").at(Location(out), f"terraform could not check the modules: {why}")


def _toolchain(init_stdout: str, root: Path) -> str | None:
    """terraform's version (init's first JSON message) and the lock of the providers init installed
    (their versions and package hashes); None when either cannot be read (nothing is then cached)."""
    version = next((m["terraform"] for m in verify.messages(init_stdout)
                    if m.get("type") == "version" and isinstance(m.get("terraform"), str)), None)
    lock = _read(root / ".terraform.lock.hcl")
    if version is None or lock is None:
        return None
    return f"terraform {version}\n" + hashlib.sha256(lock).hexdigest()


def _validate(root: Path, part: list[verify.Child], env: dict[str, str], out: str, digests: dict[str, str],
              verified: Verified | None) -> list[Finding]:
    """`terraform validate` of the root calling `part` (every module stays installed by the one init):
    its findings; the modules it found nothing in are kept in `verified`. A run whose report cannot
    be read whole is reported (NS315), never taken for "nothing found"."""
    (root / verify.ROOT_FILE).write_text(json.dumps(verify.root_module(part), indent=2) + "\n")
    validate = terraform.run(["validate", "-json", "-no-color"], root, env, timeout=TERRAFORM_SECONDS)
    diagnostics, whole = verify.read_report(validate.stdout, validate.returncode)
    findings = verify.findings_for(diagnostics, part, out)
    if not whole:
        why = verify.error_text(validate.stderr) or f"exit status {validate.returncode}"
        which = part[0].name if len(part) == 1 else f"{part[0].name} to {part[-1].name}"
        return findings + [_cannot(out, f"`terraform validate` gave no report of {len(part)} module(s) ({which}), "
                                        f"so they are not verified: {why}")]
    troubled = verify.troubled(diagnostics, part)
    if verified is not None and digests and troubled is not None:
        verified.record(digests[c.name] for c in part if c.name not in troubled)
    return findings


def _terraform(children: list[verify.Child], copies: dict[str, dict[str, bytes]], out: str,
               verified: Verified | None, batch: int) -> tuple[list[Finding], int, int]:
    """The findings of terraform init and validate of the children, how many were validated, and how
    many a verify found nothing in before (unchanged since, under the same terraform and providers).
    One init installs every module (it reads each once); validate takes `batch` modules a run, so
    its memory stays bounded however many there are."""
    findings: list[Finding] = []
    validated = known = 0
    with tempfile.TemporaryDirectory(prefix="netspec-verify-") as scratch:
        root = Path(scratch) / "root"
        write_root(root, children, copies)
        try:
            env = _environment(Path(scratch))
            init = terraform.run(["init", "-json", "-backend=false", "-input=false", "-no-color"], root, env,
                                 timeout=TERRAFORM_SECONDS)
            found = verify.diagnostics(init.stdout)
            if init.returncode != 0:
                located = verify.findings_for([d for d in found if d.get("range")], children, out)
                why = "; ".join(d.get("summary", "") for d in found if not d.get("range")) or init.stderr.strip()
                return located + ([] if located and not why else [_cannot(out, f"`terraform init` failed: {why}")]), 0, 0
            toolchain = _toolchain(init.stdout, root) if verified is not None else None
            digests = {c.name: verify.module_digest(c, copies[c.name], toolchain) for c in children} if toolchain else {}
            todo = [c for c in children if not (verified is not None and c.name in digests
                                                and verified.known(digests[c.name]))]
            known = len(children) - len(todo)
            # init's own notes (the lock file's checksums) are not about the modules: validate's diagnostics are.
            for part in verify.batches(todo, batch):
                findings += _validate(root, part, env, out, digests, verified)
                validated += len(part)
        except terraform.TerraformUnavailable as exc:
            findings.append(_cannot(out, str(exc)))
        except (OSError, subprocess.TimeoutExpired) as exc:
            findings.append(_cannot(out, str(exc)))
    # A problem outside every module (the root's) comes back from each run: said once.
    return list(dict.fromkeys(findings)), validated, known


def verify_command(
    out: Optional[Path] = typer.Argument(None, show_default=False, metavar="OUT",
                                         help="Folder of compiled modules, or one module's folder "
                                              "(default: the configuration's `out`, else out/)."),
    fmt: Optional[Format] = FormatOpt,
    strict: Optional[bool] = StrictOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    no_color: bool = NoColorOpt,
    config_file: Optional[Path] = ConfigOpt,
    no_cache: bool = typer.Option(False, "--no-cache", help="Validate every module: neither read nor write "
                                                             "what earlier verifies found nothing in."),
    batch: int = typer.Option(BATCH, "--batch", min=0, metavar="N",
                              help=f"Modules per `terraform validate` run (default {BATCH}: about 1 GB of memory "
                                   "for validate; 0: all in one run). `terraform init` reads every module once."),
) -> None:
    """Run terraform init and validate on every compiled module at once; exit 1 if any is invalid.

    One temporary root module calls each module of OUT, with its own provider configuration,
    so terraform loads the provider once. Each problem is reported on the module file and
    line terraform names, with the module's spec. Offline against the provider mirror that
    NETSPEC_TF_PLUGIN_DIR names; without it, terraform's own configuration decides.

    Examples:

      netspec verify                  # every module in out/

      NETSPEC_TF_PLUGIN_DIR=/opt/tf-plugins netspec verify build/
    """
    settings = settings_for(config_file=config_file, fmt=fmt, strict=strict, quiet=quiet, verbose=verbose,
                            no_color=no_color)
    folder = out or settings.out
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    children, copies = children_of(folder, _spec_index(list(settings.specs)))
    if not children:
        raise UsageError(f"{folder}: no module compiled by netspec in this folder")
    verified = run_cache(settings, no_cache, Verified.open)
    findings, validated, known = _terraform(children, copies, display_path(folder), verified, batch)
    if verified is not None:
        verified.save()
        note(f"verify: terraform validated {validated} module(s); {known} unchanged since a verify found nothing "
             "in them (--no-cache validates every one)", verbosity=settings.verbosity, level=Verbosity.VERBOSE)
    finish(findings, len(children), settings=settings, verb="module(s) verified")
