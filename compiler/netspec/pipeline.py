"""The pure core: spec bytes in, findings and generated files out.

load -> schema -> rules -> model (`check_bytes`) -> render (`render_result`).
Nothing here reads or writes files; `cli/` and `writer.py` are the edges that do.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import partial, policies, suppress
from .build import build_network
from .codes import code
from .context import NO_CONTEXT, SpecContext
from .findings import Finding, Location, has_errors, sort_findings
from .loader import Document, Pointer, load_bytes
from .model import Network
from .render import RenderOptions, render_module
from .rules import SpecView, run_rules
from .schema import findings_for, spec_errors


@dataclass(frozen=True)
class Claim:
    """What a network claims that another spec of the organisation may claim too (crossspec.py)."""

    name: str  # its module, out/<name>/
    region: str
    cidr: ipaddress.IPv4Network | None  # None: AWS VPC IPAM allocates it at apply, overlapping no other
    account: str | None = None
    pool: str | None = None  # the address pool its block lies in (overlaps inside one are the pool's NS264)


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
    # A result kept from an earlier run (cli/cache.py) has no document; it carries what is read of one:
    anchors: Mapping[Pointer, Location] = field(default_factory=dict, compare=False)  # where cross-spec findings point
    declared: str | None = field(default=None, compare=False)  # its `name` as written
    text: str | None = field(default=None, compare=False)  # its text, when it holds inline suppressions

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def name(self) -> str | None:
        return self.claim.name if self.claim else None

    @property
    def written_name(self) -> str | None:
        """Its `name` as the spec writes it, even when the spec has errors; None when that is not a string."""
        if self.document is None:
            return self.declared
        data = self.document.data
        name = data.get("name") if isinstance(data, dict) else None
        return name if isinstance(name, str) else None

    def at(self, pointer: Pointer) -> Location:
        """Where a part of the spec is (for findings about it made after the check), else the spec itself."""
        if self.document is not None:
            return self.document.at(pointer)
        return self.anchors.get(pointer, Location(self.path))

    @property
    def anchor_points(self) -> Mapping[Pointer, Location]:
        """Where cross-spec findings point (ANCHORS; none without a claim): read from the document,
        else as kept without it."""
        if self.document is None:
            return self.anchors
        return {p: self.document.at(p) for p in ANCHORS} if self.claim is not None else {}

    def detached(self) -> "Result":
        """The result without its document and model, carrying what a run still reads of them (where
        cross-spec findings point, its `name` as written, its text when it holds inline suppressions):
        what a worker sends back, a small part of the document's size."""
        if self.document is None:
            return dataclasses.replace(self, network=None)
        text = self.document.text
        return dataclasses.replace(self, network=None, document=None, anchors=self.anchor_points,
                                   declared=self.written_name, text=text if suppress.has_directives(text) else None)


ANCHORS: tuple[Pointer, ...] = (("name",), ("cidr",))  # what cross-spec findings point at (crossspec.py)
UNDECIDED_POOL = "NS265"  # a spec asks a pool for its block, and nothing decided it (see `resolve`)


def resolve(doc: Document, context: SpecContext = NO_CONTEXT) -> tuple[Document, set[Pointer], list[Finding]]:
    """The spec as the rules and the model read it: a pool's block in place of `cidr: {pool, size}`.

    Returns the document, what must be taken out because it is not known (a block no pool
    could give), and the findings of the context (or NS265 when there was none to ask).
    """
    data = doc.data
    findings = list(context.findings)
    cidr = data.get("cidr") if isinstance(data, dict) else None
    if not (isinstance(cidr, dict) and "pool" in cidr):
        return doc, set(), findings
    if context.cidr is None:
        if not context.pools_decided:
            findings.append(code(UNDECIDED_POOL).at(doc.at(("cidr", "pool")), "the block of this pool is decided "
                                                    "across every spec of the repository and netspec.lock"))
        return doc, {("cidr",)}, findings
    return dataclasses.replace(doc, data={**data, "cidr": str(context.cidr)}), set(), findings


def check_document(doc: Document, context: SpecContext = NO_CONTEXT) -> list[Finding]:
    """Schema findings, then the rules' findings on every part of the spec whose shape is valid."""
    return check_and_view(doc, context)[0]


def check_and_view(doc: Document, context: SpecContext = NO_CONTEXT) -> tuple[list[Finding], SpecView | None]:
    """`check_document`'s findings, and the view the rules read when the whole spec had a valid
    shape (the model is built from it).

    A value the loader flagged (NS008, NS009, NS011, NS012) was kept as text or dropped, not
    read as the spec meant it: it is taken out with the invalid parts, so no rule reads it; so is
    a pool's block the context does not know (see `resolve`).
    """
    errors = spec_errors(doc)
    findings = findings_for(errors, doc)
    resolved, unknown, found = resolve(doc, context)
    findings += found
    unreadable = (partial.invalid_pointers(errors, doc.data) | {partial.unit(p, doc.data) for p in doc.flagged if p}
                  | unknown)
    if not errors and not unreadable:
        view = SpecView(resolved)
        return findings + run_rules(view), view
    return findings + run_rules(SpecView(partial.prune(resolved, unreadable)), partial=True), None


def _policy_limits(doc: Document, network: Network) -> list[Finding]:
    findings = []
    for endpoint in network.endpoints:
        if endpoint.policy_json is None:
            continue
        length = policies.deployed_length(endpoint.policy_json)
        if length > policies.MAX_ENDPOINT_POLICY_CHARS:
            pointer = ("buckets",) if endpoint.service.key == "s3" else ("services",)
            findings.append(code("NS301").at(
                doc.key_at(pointer),
                f"the {endpoint.service.key} endpoint policy would be {length:,} characters; "
                f"AWS allows {policies.MAX_ENDPOINT_POLICY_CHARS:,}"))
    return findings


def _account_findings(doc: Document, context: SpecContext) -> list[Finding]:
    """NS270: the state backend's template names {account}, and nothing says which account."""
    data = doc.data
    if context.backend is None or not context.backend.uses("account") or data.get("account") or context.default_account:
        return []
    return [code("NS270").at(doc.key_at(("name",)),
                             f"the state backend of {context.backend.origin.path} names {{account}}, but this network "
                             "names no account")]


def claim_of(network: Network) -> Claim:
    return Claim(network.name, network.region.name, None if network.ipam is not None else network.cidr,
                 network.account, network.pool)


def check_loaded(doc: Document | None, findings: list[Finding], path: str, *,
                 context: SpecContext = NO_CONTEXT) -> Result:
    """Check a loaded spec (the loader's document, None when unusable, and findings) and, when it
    has no errors, build its model (nothing rendered yet). `context`: what other specs and the
    repository configuration decide for it (pools, accounts, the state backend)."""
    findings = list(findings)
    if doc is None:
        return Result(path, tuple(sort_findings(findings + list(context.findings))))
    found, view = check_and_view(doc, context)
    findings += found
    if not has_errors(findings):
        findings += _account_findings(doc, context)
    if has_errors(findings) or view is None:
        return Result(path, tuple(sort_findings(findings)), document=doc)
    network = build_network(view, context)
    findings += _policy_limits(doc, network)
    return Result(path, tuple(sort_findings(findings)), network, document=doc, claim=claim_of(network))


def check_bytes(raw: bytes, path: str, *, context: SpecContext = NO_CONTEXT) -> Result:
    """`check_loaded` of the spec's bytes."""
    doc, findings = load_bytes(raw, path)
    return check_loaded(doc, findings, path, context=context)


def render_result(result: Result, *, options: RenderOptions = RenderOptions()) -> Result:
    """The result with its module's files, when it has a model and no errors."""
    if result.network is None or not result.ok:
        return result
    return dataclasses.replace(result, files=render_module(result.network, options=options))


def compile_bytes(raw: bytes, path: str, *, options: RenderOptions = RenderOptions(),
                  context: SpecContext = NO_CONTEXT) -> Result:
    """Check one spec and, when it has no errors, render its module."""
    return render_result(check_bytes(raw, path, context=context), options=options)


def compile_text(text: str, path: str = "<spec>", *, options: RenderOptions = RenderOptions(),
                 context: SpecContext = NO_CONTEXT) -> Result:
    return compile_bytes(text.encode("utf-8"), path, options=options, context=context)
