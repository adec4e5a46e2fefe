"""Terraform JSON building blocks shared by every emitter.

Two kinds of string reach the output: references netspec writes (`ref`), and
strings that came from the spec (`literal`). Terraform reads every JSON string as
a template, so `literal` escapes `${` and `%{`: no user string can become an
expression, whatever earlier checks let through.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Network

Body = dict[str, Any]


def literal(text: str) -> str:
    """A spec-supplied string, made inert inside a Terraform template."""
    return text.replace("${", "$${").replace("%{", "%%{")


def ref(address: str, attribute: str) -> str:
    """An interpolated reference such as ${aws_vpc.main.id}."""
    return "${" + f"{address}.{attribute}" + "}"


def tags(network: Network, name: str) -> dict[str, str]:
    """Tags for one resource: the spec's tags plus netspec's own."""
    result = {literal(k): literal(v) for k, v in network.tags}
    result.update({"Name": literal(name), "ManagedBy": "netspec", "NetspecName": literal(network.name)})
    return result


def resources(*blocks: tuple[str, str, Body]) -> Body:
    """{"resource": {type: {name: body}}} from (type, name, body) triples."""
    merged: Body = {}
    for rtype, name, body in blocks:
        merged.setdefault(rtype, {})[name] = body
    return merged


def dumps(document: Body) -> str:
    """The one serialisation of a generated file: sorted keys, two-space indent, newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
