"""Which AWS account each network is for: its spec's `account:`, else its folder's default (pure).

The repository configuration may say that every spec under a folder is for one account:

    [[accounts]]
    id = "111122223333"
    name = "research-prod"
    specs = ["specs/research/**"]

The first entry whose globs match the spec's path (relative to the configuration's folder;
`*` stays in one folder, `**` crosses folders) is its default; a spec's own `account:` wins.
A network with an account gets `allowed_account_ids` in its provider block (Terraform then
refuses to plan or apply with credentials of any other account), and that account is its
default perimeter, written as a literal in its policies.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Location
from .suppress import glob_matches


@dataclass(frozen=True)
class AccountDefault:
    id: str  # 12 digits
    specs: tuple[str, ...]  # globs relative to the configuration's folder
    name: str = ""
    origin: Location = Location("netspec.toml")

    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name else self.id


def default_for(relative_spec: str | None, defaults: tuple[AccountDefault, ...]) -> AccountDefault | None:
    """The folder default of a spec (its posix path relative to the configuration's folder)."""
    if relative_spec is None:
        return None
    return next((d for d in defaults if any(glob_matches(g, relative_spec) for g in d.specs)), None)


def spec_account(data: object) -> str | None:
    """A spec's own `account:`, as written; None when absent or not a string (the schema says why)."""
    value = data.get("account") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None
