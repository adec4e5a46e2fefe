"""Terraform JSON building blocks shared by every emitter.

Two kinds of string reach the output: references netspec writes (`ref`), and
strings that came from the spec (`literal`). Terraform reads every JSON string as
a template, so `literal` escapes `${` and `%{`: no user string can become an
expression, whatever earlier checks let through.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # json's own escaping, in C
from typing import Any, Callable

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
    """The one serialisation of a generated file: sorted keys, two-space indent, newline.

    Byte for byte `json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"`
    (a test compares them on any JSON value), written out here because `json` serialises
    indented output in pure Python, about three times slower than this.
    """
    parts: list[str] = []
    _write(document, "", parts.append)
    parts.append("\n")
    return "".join(parts)


def _write(value: Any, indent: str, put: Callable[[str], None]) -> None:
    kind = type(value)
    if kind is str:
        put(_string(value))
    elif kind is dict and value and all(type(key) is str for key in value):
        inner = indent + "  "
        put("{\n")
        for i, key in enumerate(sorted(value)):
            put(f",\n{inner}" if i else inner)
            put(_string(key))
            put(": ")
            _write(value[key], inner, put)
        put(f"\n{indent}}}")
    elif (kind is list or kind is tuple) and value:
        inner = indent + "  "
        put("[\n")
        for i, item in enumerate(value):
            put(f",\n{inner}" if i else inner)
            _write(item, inner, put)
        put(f"\n{indent}]")
    else:  # numbers, booleans, null, empty or unusual collections: json's own spelling
        put(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + indent))
