"""Terraform JSON building blocks shared by every emitter.

Two kinds of string reach the output: references netspec writes (`ref`), and
strings that came from the spec (`literal`). Terraform reads every JSON string as
a template, so `literal` escapes `${` and `%{`: no user string can become an
expression, whatever earlier checks let through.
"""

from __future__ import annotations

import functools
import json
from json.encoder import encode_basestring as _string  # json's own escaping, in C
from typing import Any, Callable

from ..model import Network

Body = dict[str, Any]


def literal(text: str) -> str:
    """A spec-supplied string, made inert inside a Terraform template."""
    if "{" not in text:  # most strings: nothing to escape
        return text
    return text.replace("${", "$${").replace("%{", "%%{")


def ref(address: str, attribute: str) -> str:
    """An interpolated reference such as ${aws_vpc.main.id}."""
    return "${" + f"{address}.{attribute}" + "}"


def tags(network: Network, name: str) -> dict[str, str]:
    """Tags for one resource: the spec's tags plus netspec's own."""
    return {**_network_tags(network.tags, network.name), "Name": literal(name)}


@functools.lru_cache(maxsize=64)
def _network_tags(spec_tags: tuple[tuple[str, str], ...], network_name: str) -> dict[str, str]:
    """The tags every resource of a network carries (made once per network; `tags` copies them)."""
    result = {literal(k): literal(v) for k, v in spec_tags}
    result.update({"ManagedBy": "netspec", "NetspecName": literal(network_name)})
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
    indented output in pure Python, about three times slower than this: each container is
    joined from its items' texts, and strings (most values) are spelled without a call of their own.
    """
    return _text(document, "") + "\n"


_SCALARS: dict[type, Callable[[Any], str]] = {
    bool: lambda value: "true" if value else "false",
    int: int.__repr__,
    type(None): lambda value: "null",
}


def _text(value: Any, indent: str) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        return scalar(value)
    if kind is dict and value:
        inner = indent + "  "
        entries = []
        for key in sorted(value):
            if type(key) is not str:
                break  # json's own spelling below
            item = value[key]
            entries.append(_string(key) + ": " + (_string(item) if type(item) is str else _text(item, inner)))
        else:
            return "{\n" + inner + (",\n" + inner).join(entries) + "\n" + indent + "}"
    elif (kind is list or kind is tuple) and value:
        inner = indent + "  "
        items = [_string(item) if type(item) is str else _text(item, inner) for item in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"
    elif kind is dict:
        return "{}"
    elif kind is list or kind is tuple:
        return "[]"
    # floats (json spells NaN and the infinities its own way) and anything unusual
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + indent)
