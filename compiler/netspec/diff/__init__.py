"""What a change to a spec does to the network, for reviewing a pull request (pure; no I/O).

`diff_networks` compares two models facet by facet (zones, services, buckets, ...) and
classifies each change: does it widen what the VPC can reach, narrow it, or replace
infrastructure? (`facets`). The renderers (`report`) turn the result into a PR comment or JSON;
`cli/diff.py` is the edge that reads files and asks git for the old versions.
"""

from __future__ import annotations

from .changes import KIND_TITLES, Change, CostChange, SpecDiff, Status, TotalCost
from .facets import FACETS, Effect, Facet, diff_networks
from .report import RENDERERS, DiffFormat, DiffReport, JsonDiff, MarkdownDiff, render, total_cost

__all__ = ["FACETS", "KIND_TITLES", "RENDERERS", "Change", "CostChange", "DiffFormat", "DiffReport", "Effect", "Facet",
           "JsonDiff", "MarkdownDiff", "SpecDiff", "Status", "TotalCost", "diff_networks", "render", "total_cost"]
