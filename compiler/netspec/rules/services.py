"""Service catalog rules: every listed service exists, once, in this partition."""

from __future__ import annotations

import difflib
from typing import Iterator

from .. import catalog
from ..codes import Code
from ..findings import Finding
from .base import SpecView, repeats, rule


@rule("NS220")
def unknown_service(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, name in view.indexed("services"):
        if name not in catalog.SERVICES:
            guess = difflib.get_close_matches(name, list(catalog.SERVICES), n=1, cutoff=0.6)
            hint = f"did you mean `{guess[0]}`?" if guess else f"known services: {', '.join(catalog.SERVICES)}"
            yield code.at(view.doc.at(("services", i)), f"unknown service {name!r}", hint=hint)


@rule("NS221")
def duplicate_service(view: SpecView, code: Code) -> Iterator[Finding]:
    services = view.data["services"]
    for i, first in repeats(services):
        yield code.at(view.doc.at(("services", i)), f"service {services[i]!r} is listed twice",
                      related=(view.doc.at(("services", first)),))


@rule("NS222")
def service_unavailable(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.region is None:
        return
    for i, name in view.indexed("services"):
        service = catalog.SERVICES.get(name)
        if service is not None and not catalog.available_in(service, view.region):
            yield code.at(view.doc.at(("services", i)),
                          f"{name} is not offered by netspec in {view.region.name} (partition {view.region.partition})")


@rule("NS223")
def ecr_needs_s3(view: SpecView, code: Code) -> Iterator[Finding]:
    # ECR serves image layers from S3, so pulls through ecr.dkr fail without the S3 gateway.
    services = list(view.data["services"])
    if "ecr.dkr" in services and "s3" not in services:
        yield code.at(view.doc.at(("services", services.index("ecr.dkr"))),
                      "ecr.dkr needs the s3 gateway endpoint: ECR serves image layers from S3")
