"""Endpoint policy documents: from policy text to a list of plain statements.

The text is a literal, or a template whose interpolations are all plain references
(`values.Template`): `${data.aws_caller_identity.current.account_id}` stays in the
parsed statement as written, so a check can tell "the deploying account" from any other
value. A policy built by an expression (`jsonencode(...)`, a variable, a data source's
`json`) is not parsed here at all: NS511 reports it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .values import MAX_DEPTH, Template, too_deep


@dataclass(frozen=True)
class Statement:
    effect: str
    principals: tuple[str, ...]  # every principal value; ("*",) for Principal "*"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_action: bool  # NotAction: allows everything except the listed actions
    not_resource: bool  # NotResource: every resource except the listed ones
    condition: dict[str, Any]
    sid: str = ""

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def any_principal(self) -> bool:
        # NotPrincipal in an Allow means "everyone but these": as open as "*".
        return "*" in self.principals


class PolicyError(ValueError):
    """The policy text is not a policy document netspec audit can read."""


def policy_text(value: Any) -> str | None:
    """The text of a policy value the audit can read: a literal or a template of references."""
    if isinstance(value, Template):
        return value.text
    return value if isinstance(value, str) and value else None


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


def parse(text: str) -> list[Statement]:
    """Statements of a policy given as JSON text."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"policy is not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise PolicyError("policy is nested too deeply") from None
    if too_deep(document):
        raise PolicyError(f"policy nests deeper than {MAX_DEPTH} levels") from None
    if not isinstance(document, dict):
        raise PolicyError("policy is not a JSON object")
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not all(isinstance(s, dict) for s in items):
        raise PolicyError("policy has no Statement list")
    return [Statement(
        effect=str(s.get("Effect", "")),
        principals=("*",) if "NotPrincipal" in s else _principals(s.get("Principal")),
        actions=_strings(s.get("Action", s.get("NotAction"))),
        resources=_strings(s.get("Resource", s.get("NotResource"))),
        not_action="NotAction" in s,
        not_resource="NotResource" in s,
        condition=s.get("Condition") if isinstance(s.get("Condition"), dict) else {},
        sid=str(s.get("Sid", "")),
    ) for s in items]
