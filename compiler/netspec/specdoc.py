"""docs/spec.md: the spec reference, generated from the JSON Schema so it cannot drift."""

from __future__ import annotations

import json
from typing import Any

import yaml


def _type(node: dict[str, Any]) -> str:
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        values = node["enum"]
        shown = ", ".join(f"`{v}`" for v in values[:8]) + (", ..." if len(values) > 8 else "")
        return f"one of {shown}"
    if "anyOf" in node:
        return " or ".join(_alternative(n) for n in node["anyOf"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"list of {_type(node.get('items', {}))}"
    if kind == "object" and "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        return f"mapping to {_type(node['additionalProperties'])}"
    return {"object": "mapping", "string": "string", "integer": "integer", "boolean": "boolean"}.get(kind, kind)


def _alternative(node: dict[str, Any]) -> str:
    """One form of a value that has several: a mapping shows its keys."""
    if node.get("type") == "object" and node.get("properties"):
        return "`{" + ", ".join(node["properties"]) + "}`"
    return _type(node)


_LIMITS = (("minItems", "at least {} items"), ("maxItems", "at most {} items"),
           ("minLength", "at least {} characters"), ("maxLength", "at most {} characters"),
           ("minimum", "minimum {}"), ("maximum", "maximum {}"),
           ("minProperties", "at least {} entries"), ("maxProperties", "at most {} entries"))


def _limits(node: dict[str, Any]) -> str:
    if "anyOf" in node:  # the limits of the plain forms; a mapping form's keys get their own rows
        return "; ".join(filter(None, (_limits(form) for form in node["anyOf"] if form.get("type") != "object")))
    parts = [text.format(node[key]) for key, text in _LIMITS if key in node]
    if "pattern" in node:
        parts.append(f"pattern `{node['pattern']}`")
    return "; ".join(parts)


def _rows(properties: dict[str, Any], required: list[str], prefix: str) -> list[str]:
    rows = []
    for key, node in properties.items():
        path = f"{prefix}{key}"
        cells = [f"`{path}`", "yes" if key in required else "no", _type(node),
                 node.get("description", ""), _limits(node)]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        items = node.get("items", {})
        if items.get("type") == "object":
            rows += _rows(items.get("properties", {}), items.get("required", []), f"{path}[].")
        for form in node.get("anyOf", []):
            if form.get("type") == "object" and form.get("properties"):
                rows += _rows(form["properties"], form.get("required", []), f"{path}.")
    return rows


def _example(value: Any) -> str:
    """A YAML value that reads back as `value` (a string of digits is quoted)."""
    if isinstance(value, str) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value)


def spec_reference(schema: dict[str, Any]) -> str:
    lines = [f"# Spec reference: {schema['title']}", "", schema["description"], "",
             "Generated from `schemas/netspec.schema.json` by `netspec schema --markdown`; a test keeps it current.",
             "Semantic rules beyond the schema (zones of the region, CIDR fit and overlap, the service catalog,",
             "bucket naming) are listed in [rules.md](rules.md).", "",
             "| key | required | type | meaning | limits |", "| --- | --- | --- | --- | --- |"]
    lines += _rows(schema["properties"], schema.get("required", []), "")
    lines += ["", "## Example", "", "```yaml"]
    for key, node in schema["properties"].items():
        if "examples" in node:
            lines.append(f"{key}: {_example(node['examples'][0])}")
    lines += ["```", ""]
    return "\n".join(lines)
