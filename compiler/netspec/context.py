"""What a spec's network takes from outside its own file, decided before the spec is compiled (pure data).

One spec alone cannot know the block a pool gives it (that depends on every other spec
and on netspec.lock), its folder's default account, or the repository's state backend.
The CLI decides these across the run (`pools.allocate`, `accounts.default_for`, the
configuration) and hands each spec its `SpecContext`; the pipeline stays a pure function
of (spec bytes, context).
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass

from .backends import BackendTemplate
from .findings import Finding


@dataclass(frozen=True)
class SpecContext:
    cidr: ipaddress.IPv4Network | None = None  # the block a pool gave a `cidr: {pool, size}` spec
    pool: str | None = None  # the pool its block lies in: allocated from it, or a literal inside it
    pools_decided: bool = False  # the pools step ran for this spec: a missing block is explained by `findings`
    default_account: str | None = None  # the configuration's default for the spec's folder
    backend: BackendTemplate | None = None  # the configuration's state backend template
    findings: tuple[Finding, ...] = ()  # what deciding the above found wrong with this spec

    def recorded(self) -> str:
        """What of this context a module depends on, as text its files' headers digest (`render.stamp`):
        a module compiled under another block, account or backend is not current."""
        backend = [self.backend.kind, [list(item) for item in self.backend.settings]] if self.backend else None
        decided = [str(self.cidr) if self.cidr else None, self.pool, self.default_account, backend]
        return json.dumps(decided, sort_keys=True, default=str) if any(v is not None for v in decided) else ""


NO_CONTEXT = SpecContext()
