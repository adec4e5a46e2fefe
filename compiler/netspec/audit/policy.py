"""Endpoint policy documents: from Terraform text to a list of plain statements.

In Terraform JSON a policy is a string that may hold `${...}` interpolations (the
account ID, an endpoint ID). They are replaced by a placeholder before parsing, so
the structure can be checked even though the values are only known at apply time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Stands in for any interpolated value; shaped like an account ID because that is
# what the generated policies interpolate (aws:PrincipalAccount).
PLACEHOLDER = "123456789012"


@dataclass(frozen=True)
class Statement:
    effect: str
    principals: tuple[str, ...]  # every principal value; ("*",) for Principal "*"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_action: bool  # NotAction: allows everything except the listed actions
    not_resource: bool  # NotResource: every resource except the listed ones
    condition: dict[str, Any]

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


class PolicyError(ValueError):
    """The policy text is not a policy document netspec audit can read."""


def substitute(text: str) -> str:
    """Replace each `${...}` (braces may nest) with PLACEHOLDER; `$${` is Terraform's literal `${`."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i):
            out.append("${")
            i += 3
        elif text.startswith("${", i):
            depth, j = 1, i + 2
            while j < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            out.append(PLACEHOLDER)
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def _principals(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(p for v in value.values() for p in _strings(v))
    return _strings(value)


def parse(policy: Any) -> list[Statement]:
    """Statements of a policy given as JSON text (Terraform, plan) or as an already parsed object."""
    if isinstance(policy, str):
        try:
            document = json.loads(substitute(policy))
        except json.JSONDecodeError as exc:
            raise PolicyError(f"policy is not valid JSON ({exc.msg})") from None
    else:
        document = policy
    if not isinstance(document, dict):
        raise PolicyError("policy is not a JSON object (an expression netspec audit cannot read?)")
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not all(isinstance(s, dict) for s in items):
        raise PolicyError("policy has no Statement list")
    return [Statement(
        effect=str(s.get("Effect", "")),
        # NotPrincipal in an Allow means "everyone but these": as open as "*".
        principals=("*",) if "NotPrincipal" in s else _principals(s.get("Principal")),
        actions=_strings(s.get("Action", s.get("NotAction"))),
        resources=_strings(s.get("Resource", s.get("NotResource"))),
        not_action="NotAction" in s,
        not_resource="NotResource" in s,
        condition=s.get("Condition") if isinstance(s.get("Condition"), dict) else {},
    ) for s in items]
