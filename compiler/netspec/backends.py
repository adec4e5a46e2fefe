"""Where each module keeps its Terraform state: the configuration's template, filled per network (pure).

`[backend]` in netspec.toml is a template for every module: `type = "s3"` (bucket, region,
a key template, S3-native locking) or `type = "cloud"` (an HCP Terraform organization and a
workspace name template). Templates name `{name}`, `{region}` and `{account}`; `{name}` is
required, so no two modules share a state. The filled values are plain text: inside a
`terraform` block Terraform takes JSON strings literally, never as templates (Terraform
language docs, "JSON Configuration Syntax": "all setting values are taken literally"), and
the configuration's patterns admit no `$`, `%`, quote or space.

Facts, from hashicorp/terraform website/docs/language/backend/s3.mdx and
language/terraform.mdx (pre-2025-08 docs, read 2026-11-29): `bucket`, `key` and `region` are
the S3 backend's required settings; `use_lockfile` enables S3-native state locking, generally
available in Terraform 1.11 (CHANGELOG 1.11.0; that 1.10 had it as an experiment is not
confirmed, so netspec requires 1.11 when it is on); `encrypt` turns on server-side encryption
of the state; `cloud` and `backend` are mutually exclusive; `cloud.workspaces.name` names one
workspace; `hostname` defaults to app.terraform.io.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from .findings import Location

PLACEHOLDERS = ("name", "region", "account")
REQUIRED_PLACEHOLDER = "name"
# Terraform releases where S3-native locking is generally available (see the docstring).
USE_LOCKFILE_TERRAFORM = ">= 1.11.0"
# What each kind's settings are, in the order written: (key, is a template).
KINDS: dict[str, tuple[tuple[str, bool], ...]] = {
    "s3": (("bucket", False), ("key", True), ("region", False), ("encrypt", False), ("use_lockfile", False),
           ("kms_key_id", False)),
    "cloud": (("organization", False), ("hostname", False), ("workspace", True)),
}
DEFAULTS: dict[str, dict[str, object]] = {"s3": {"encrypt": True, "use_lockfile": True}, "cloud": {}}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@dataclass(frozen=True)
class BackendTemplate:
    kind: str  # "s3" | "cloud"
    settings: tuple[tuple[str, object], ...]  # as in the configuration, defaults filled in
    origin: Location = Location("netspec.toml")

    @classmethod
    def of(cls, values: dict[str, object], origin: Location = Location("netspec.toml")) -> "BackendTemplate":
        kind = str(values["type"])
        merged = {**DEFAULTS[kind], **{k: v for k, v in values.items() if k != "type"}}
        return cls(kind, tuple((key, merged[key]) for key, _ in KINDS[kind] if key in merged), origin)

    @property
    def templates(self) -> dict[str, str]:
        kinds = dict(KINDS[self.kind])
        return {k: str(v) for k, v in self.settings if kinds.get(k)}

    def uses(self, placeholder: str) -> bool:
        return any(placeholder in placeholders(t) for t in self.templates.values())

    def problems(self) -> list[tuple[str, str]]:
        """(setting, problem) for templates netspec cannot fill safely."""
        found = []
        for key, template in self.templates.items():
            try:
                used = placeholders(template)
            except ValueError as exc:
                found.append((key, f"{template!r} is not a template: {exc}"))
                continue
            unknown = sorted(used - set(PLACEHOLDERS))
            if unknown:
                found.append((key, f"{template!r} uses {', '.join('{' + u + '}' for u in unknown)}; "
                                   f"the placeholders are {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"))
            elif REQUIRED_PLACEHOLDER not in used:
                found.append((key, f"{template!r} has no {{name}}: every module would share one state"))
        return found

    def fill(self, *, name: str, region: str, account: str | None) -> "StateBackend":
        values = {"name": name, "region": region, "account": account or ""}
        kinds = dict(KINDS[self.kind])
        return StateBackend(self.kind, tuple((k, string.Formatter().vformat(str(v), (), values) if kinds[k] else v)
                                             for k, v in self.settings))


@dataclass(frozen=True)
class StateBackend:
    """A network's state location: the template's settings with its name, region and account filled in."""

    kind: str
    settings: tuple[tuple[str, object], ...]

    def get(self, key: str) -> object:
        return dict(self.settings).get(key)

    def describe(self) -> str:
        if self.kind == "s3":
            return f"s3://{self.get('bucket')}/{self.get('key')} ({self.get('region')})"
        host = self.get("hostname") or "app.terraform.io"
        return f"{host}/{self.get('organization')}/workspaces/{self.get('workspace')}"


