"""The pure core: spec bytes in, findings and generated files out.

load -> schema -> rules -> model (`check_bytes`) -> render (`render_result`).
Nothing here reads or writes files; `cli/` and `writer.py` are the edges that do.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass, field

from . import partial, policies
from .build import build_network
from .codes import code
from .findings import Finding, has_errors, sort_findings
from .loader import Document, load_bytes
from .model import Network
from .render import RenderOptions, render_module
from .rules import run_rules
from .schema import findings_for, spec_errors


@dataclass(frozen=True)
class Claim:
    """What a network claims that another spec of the organisation may claim too (crossspec.py)."""

    name: str  # its module, out/<name>/
    region: str
    cidr: ipaddress.IPv4Network


@dataclass(frozen=True)
class Result:
    """What one spec compiled to. `files` is empty whenever there are errors, and until rendered."""

    path: str
    findings: tuple[Finding, ...]
    network: Network | None = None  # the model; left out when the result crosses processes
    files: dict[str, str] = field(default_factory=dict)
    document: Document | None = field(default=None, compare=False)  # for locating cross-spec findings
    claim: Claim | None = None  # with the model
    current: bool = False  # its module on disk is already what it compiles to: nothing rendered (cli)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def name(self) -> str | None:
        return self.claim.name if self.claim else None


def check_document(doc: Document) -> list[Finding]:
    """Schema findings, then the rules' findings on every part of the spec whose shape is valid.

    A value the loader flagged (NS008, NS009, NS011, NS012) was kept as text or dropped, not
    read as the spec meant it: it is taken out with the invalid parts, so no rule reads it.
    """
    errors = spec_errors(doc)
    findings = findings_for(errors, doc)
    unreadable = partial.invalid_pointers(errors, doc.data) | {partial.unit(p, doc.data) for p in doc.flagged if p}
    if not errors and not unreadable:
        return findings + run_rules(doc)
    return findings + run_rules(partial.prune(doc, unreadable), partial=True)


def _policy_limits(doc: Document, network: Network) -> list[Finding]:
    findings = []
    for endpoint in network.endpoints:
        if endpoint.policy is None:
            continue
        length = policies.deployed_length(policies.to_json(endpoint.policy))
        if length > policies.MAX_ENDPOINT_POLICY_CHARS:
            pointer = ("buckets",) if endpoint.service.key == "s3" else ("services",)
            findings.append(code("NS301").at(
                doc.key_at(pointer),
                f"the {endpoint.service.key} endpoint policy would be {length:,} characters; "
                f"AWS allows {policies.MAX_ENDPOINT_POLICY_CHARS:,}"))
    return findings


def check_bytes(raw: bytes, path: str) -> Result:
    """Check one spec and, when it has no errors, build its model (nothing rendered yet)."""
    doc, findings = load_bytes(raw, path)
    if doc is None:
        return Result(path, tuple(sort_findings(findings)))
    findings += check_document(doc)
    if has_errors(findings):
        return Result(path, tuple(sort_findings(findings)), document=doc)
    network = build_network(doc)
    findings += _policy_limits(doc, network)
    claim = Claim(network.name, network.region.name, network.cidr)
    return Result(path, tuple(sort_findings(findings)), network, document=doc, claim=claim)


def render_result(result: Result, *, options: RenderOptions = RenderOptions()) -> Result:
    """The result with its module's files, when it has a model and no errors."""
    if result.network is None or not result.ok:
        return result
    return dataclasses.replace(result, files=render_module(result.network, options=options))


def compile_bytes(raw: bytes, path: str, *, options: RenderOptions = RenderOptions()) -> Result:
    """Check one spec and, when it has no errors, render its module."""
    return render_result(check_bytes(raw, path), options=options)


def compile_text(text: str, path: str = "<spec>", *, options: RenderOptions = RenderOptions()) -> Result:
    return compile_bytes(text.encode("utf-8"), path, options=options)
