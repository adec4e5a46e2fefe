"""Semantic rules, one small function per code, grouped by what they check.

Importing this package registers every rule in `base.RULES`.
"""

from . import addressing, buckets, services, tags, workloads, zones  # noqa: F401  (registration)
from .base import RULES, Rule, SpecView, run_rules

__all__ = ["RULES", "Rule", "SpecView", "run_rules"]
