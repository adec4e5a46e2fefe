"""`netspec verify`, the pure part: one root module that calls every compiled module, terraform's
reports read (never a cut-short one taken for "nothing found"), and its diagnostics mapped back
to the module files (and specs) they are about.

`terraform init` and `validate` cost about three seconds per configuration, most of it
loading the provider; one root that calls each module as a child costs that once. The
children are copies of netspec's generated files without the root-only ones (the provider
block and the state backend: a child module may have neither). Each child gets its own
provider configuration back from the root: one aliased `aws` provider per distinct
configuration found in the modules' `provider.tf.json` (in practice one per region), passed
as `providers = {aws = aws.<alias>}`; a module compiled with `--module` has none and uses
the root's default `aws` provider, as it would in the user's own root.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .codes import code
from .findings import Finding, Location

MODULES_FOLDER = "modules"  # children live in ROOT/modules/<name>/
ROOT_FILE = "main.tf.json"
# Only a root module may hold these; netspec writes them unless compiling with --module.
ROOT_ONLY = frozenset({"provider.tf.json", "provider.tf", "backend.tf.json", "backend.tf"})
AWS_SOURCE = "hashicorp/aws"


@dataclass(frozen=True)
class Child:
    """One compiled module, as the root calls it."""

    name: str  # its folder's name (a network's name: also a valid module name)
    shown: str  # how findings name its folder (out/ds-team)
    files: tuple[str, ...]  # netspec's files copied into the child, root-only ones left out
    provider: Mapping[str, Any] | None = None  # its own `provider.aws` body, None: none of its own
    spec: str | None = None  # the spec file named by its headers, and that spec's sha256
    sha256: str | None = None
    spec_path: str | None = field(default=None, compare=False)  # the spec found with that sha256


def _alias(region: object, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", str(region or "default").lower()).strip("_") or "default"
    alias, n = base, 1
    while alias in taken:
        n += 1
        alias = f"{base}_{n}"
    return alias


def provider_aliases(children: Iterable[Child]) -> dict[str, str]:
    """Each distinct provider configuration (as JSON) -> its alias, named after its region."""
    aliases: dict[str, str] = {}
    for child in children:
        if child.provider is not None:
            key = json.dumps(child.provider, sort_keys=True)
            if key not in aliases:
                aliases[key] = _alias(child.provider.get("region"), set(aliases.values()))
    return aliases


def root_module(children: list[Child]) -> dict[str, Any]:
    """The root configuration that calls every child, each with its own provider configuration."""
    aliases = provider_aliases(children)
    document: dict[str, Any] = {
        "//": "Written by `netspec verify` to validate every compiled module at once.",
        "terraform": {"required_providers": {"aws": {"source": AWS_SOURCE}}},
        "provider": {"aws": [{**json.loads(key), "alias": alias} for key, alias in aliases.items()]},
        "module": {},
    }
    if not aliases:
        del document["provider"]
    for child in children:
        call: dict[str, Any] = {"source": f"./{MODULES_FOLDER}/{child.name}"}
        if child.provider is not None:
            call["providers"] = {"aws": f"aws.{aliases[json.dumps(child.provider, sort_keys=True)]}"}
        document["module"][child.name] = call
    return document


def module_digest(child: Child, files: Mapping[str, bytes], toolchain: str) -> str:
    """What `terraform validate` of a child depends on: its name, its files, the provider configuration
    it is given, and `toolchain` (terraform's version and the lock of the providers init installed)."""
    digest = hashlib.sha256(json.dumps([toolchain, child.name, child.provider], sort_keys=True).encode("utf-8"))
    for name in sorted(files):
        digest.update(b"\0" + name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def troubled(diagnostics: Iterable[Mapping[str, Any]], children: list[Child]) -> set[str] | None:
    """The names of the children some diagnostic is about; None when one is about none of them (the
    root, or a place it does not name): then no child can be said to be clean."""
    by_name = {child.name: child for child in children}
    names = set()
    for diagnostic in diagnostics:
        child = _where(diagnostic, by_name, "")[1]
        if child is None:
            return None
        names.add(child.name)
    return names


def _where(diagnostic: Mapping[str, Any], children: Mapping[str, Child], out: str) -> tuple[Location, Child | None]:
    span = diagnostic.get("range") or {}
    parts = Path(str(span.get("filename", ""))).parts
    start = span.get("start") or {}
    line, col = int(start.get("line") or 1), int(start.get("column") or 1)
    if len(parts) == 3 and parts[0] == MODULES_FOLDER and parts[1] in children:
        child = children[parts[1]]
        return Location(f"{child.shown}/{parts[2]}", line, col), child
    address = str(diagnostic.get("address") or "")
    named = re.match(r"module\.([A-Za-z0-9_-]+)", address)
    if named and named.group(1) in children:
        child = children[named.group(1)]
        return Location(child.shown), child
    return Location(out), None


def findings_for(diagnostics: Iterable[Mapping[str, Any]], children: list[Child], out: str) -> list[Finding]:
    """terraform validate's diagnostics as located findings: NS308 (error) or NS309 (warning), on
    the module file and line they are about, naming the module and, where found, its spec."""
    by_name = {child.name: child for child in children}
    findings = []
    for diagnostic in diagnostics:
        where, child = _where(diagnostic, by_name, out)
        summary = str(diagnostic.get("summary") or "terraform reports a problem").strip()
        detail = " ".join(str(diagnostic.get("detail") or "").split())
        about = f"module {child.name}" + (f" (from {child.spec})" if child and child.spec else "") if child else "the modules"
        message = f"terraform validate: {about}: {summary}" + (f": {detail}" if detail else "")
        related = (Location(child.spec_path),) if child and child.spec_path else ()
        kind = "NS309" if diagnostic.get("severity") == "warning" else "NS308"
        findings.append(code(kind).at(where, message, related=related))
    return findings


# What stands in terraform's report when it says the modules are invalid (or exits with a failure)
# but names no error.
INVALID_UNNAMED: Mapping[str, Any] = {"severity": "error", "summary": "terraform validate found the modules invalid "
                                      "without naming a problem"}


def messages(stdout: str) -> list[dict[str, Any]]:
    """The JSON messages of `terraform init -json`, one a line (other lines skipped)."""
    found = []
    for line in stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(message, dict):
            found.append(message)
    return found


def diagnostics(stdout: str) -> list[dict[str, Any]]:
    """Diagnostics of `terraform init -json` (one JSON message a line) or `validate -json` (one document)."""
    found = [m["diagnostic"] for m in messages(stdout) if isinstance(m.get("diagnostic"), dict)]
    if not found:
        try:
            listed = json.loads(stdout).get("diagnostics")
        except (json.JSONDecodeError, AttributeError):
            listed = None
        found = [d for d in listed if isinstance(d, dict)] if isinstance(listed, list) else []
    return found


def read_report(stdout: str, returncode: int) -> tuple[list[dict[str, Any]], bool]:
    """`terraform validate -json`'s diagnostics, and whether its whole report was read (a run cut short
    reports nothing, which must not pass for "nothing found"). A report of invalid modules (or a
    failed run) that names no error gets INVALID_UNNAMED, so it cannot pass either."""
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        return diagnostics(stdout), False
    if (not isinstance(report, dict) or not isinstance(report.get("valid"), bool)
            or not isinstance(report.get("diagnostics") or [], list)):
        return diagnostics(stdout), False
    found = [d for d in report.get("diagnostics") or [] if isinstance(d, dict)]
    if (report["valid"] is False or returncode != 0) and not any(d.get("severity") == "error" for d in found):
        found.append(dict(INVALID_UNNAMED))
    return found, True


def error_text(stderr: str) -> str:
    """terraform's first error on its stderr, in one line: its summary and the detail's first line
    (else the last line it printed)."""
    lines = [line for line in (raw.strip("│╷╵ \t") for raw in stderr.splitlines()) if line]
    at = next((i for i, line in enumerate(lines) if line.startswith("Error:")), None)
    if at is None:
        return lines[-1] if lines else ""
    return ": ".join(lines[at:at + 2])


def batches(todo: list[Child], size: int) -> list[list[Child]]:
    """`todo` in runs of at most `size` modules (0: one run), in order."""
    size = size or max(len(todo), 1)
    return [todo[at:at + size] for at in range(0, len(todo), size)]
