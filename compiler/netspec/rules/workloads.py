"""Workload rules: every listed workload is a known profile, listed once."""

from __future__ import annotations

import difflib
from typing import Iterator

from .. import workloads
from ..codes import Code
from ..findings import Finding
from .base import SpecView, repeats, rule


@rule("NS224")
def unknown_workload(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, name in view.indexed("workloads"):
        if name not in workloads.PROFILES:
            guess = difflib.get_close_matches(name, list(workloads.PROFILES), n=1, cutoff=0.6)
            hint = f"did you mean `{guess[0]}`?" if guess else f"workloads: {', '.join(workloads.PROFILES)}"
            yield code.at(view.doc.at(("workloads", i)), f"unknown workload {name!r}", hint=hint)


@rule("NS225")
def duplicate_workload(view: SpecView, code: Code) -> Iterator[Finding]:
    names = [name for _, name in view.indexed("workloads")]
    for i, first in repeats(names):
        yield code.at(view.doc.at(("workloads", i)), f"workload {names[i]!r} is listed twice",
                      related=(view.doc.at(("workloads", first)),))
