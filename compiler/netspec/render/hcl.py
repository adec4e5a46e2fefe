"""The generated module as native Terraform (HCL) files: `vpc.tf.json` -> `vpc.tf`.

The JSON render output is the single source: `to_hcl` translates those texts, so
the two formats cannot drift apart. Text is emitted by python-hcl2 (`hcl2.dumps`
over its dict form, where `__is_block__` marks blocks and a `${...}` string is an
expression), one top-level block at a time so that layout and comments stay ours.

What needs care, and why:

* Terraform JSON reads every string as a template, and an HCL quoted string is the
  same template language inside a layer of backslash escapes and a closing quote.
  So a string is written as its template text, verbatim, with only that layer added;
  `$${` and `%%{` stay escapes and keep their meaning. A pure reference such as
  `${aws_vpc.main.id}` is written bare (`aws_vpc.main.id`): a template that is a
  single interpolation yields the referenced value itself, in both formats.
* Strings go to hcl2 as quoted-template *expressions* (`${"..."}`), which hcl2 parses
  with its grammar. Its plain-string path strips any `"` that borders an
  interpolation (`\\"${x}\\"` loses both quotes), which would corrupt every policy.
* JSON cannot tell a map attribute from a nested block; only a schema can. The
  blocks netspec writes are listed in `_NESTED_BLOCKS`; every other object is an
  attribute value (`tags = {...}`), and `ingress: []` stays the attribute `ingress = []`.
* `//` is a comment only in a block body; inside a value (a map) it is a real key.
  Body comments become `#` lines above their top-level block.
* Meta-arguments whose JSON strings are expressions rather than templates
  (depends_on, lifecycle, provider, ...) are refused instead of guessed: netspec
  writes none of them.
* The text is what `terraform fmt` makes of it, byte for byte (a test runs
  `terraform fmt -check`): `_aligned` lines up the `=` of consecutive one-line
  attributes the way terraform's formatter (hclwrite) does, and a single-expression
  argument (a precondition's `condition`) keeps netspec's own expression text, which
  hcl2 would respace (`[ for`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import hcl2
from hcl2.const import IS_BLOCK

from ..tfsyntax import interpolation_end
from .stamp import seal

JSON_SUFFIX = ".tf.json"
HCL_SUFFIX = ".tf"
COMMENT_KEY = "//"

# Top-level block types and their label counts.
_LABELS = {"terraform": 0, "locals": 0, "provider": 1, "variable": 1, "output": 1, "module": 1,
           "resource": 2, "data": 2}
# Objects that are nested blocks (not attribute values), by enclosing block type. A JSON list of
# objects there is that many blocks (`precondition`).
_NESTED_BLOCKS = {"terraform": frozenset({"required_providers", "cloud"}), "resource": frozenset({"lifecycle"}),
                  "lifecycle": frozenset({"precondition"}), "cloud": frozenset({"workspaces"})}
# Nested blocks with a label, by enclosing block type: JSON nests one object level per label
# (`"backend": {"s3": {...}}` is `backend "s3" {...}`).
_LABELLED_BLOCKS = {"terraform": frozenset({"backend"})}
# Nested blocks that only a resource type has (its schema says so; JSON cannot): a JSON list of
# objects there is that many blocks. aws_default_security_group's `ingress = []` is, by contrast,
# an attribute ("attributes as blocks"), and stays one.
_NESTED_BY_TYPE = {"aws_default_network_acl": frozenset({"ingress", "egress"}),
                   "aws_availability_zones": frozenset({"filter"})}
# Arguments whose JSON string is one interpolation, `${EXPR}`, written bare (`condition = EXPR`):
# Terraform takes a template that is a single interpolation as the expression's own value.
_SINGLE_EXPRESSIONS = {"precondition": frozenset({"condition"})}
# The same, by resource type, where netspec writes a function call (an IPAM subnet's
# `cidrsubnet(aws_vpc.main.cidr_block, ...)`); a literal value there stays a string.
_SINGLE_EXPRESSIONS_BY_TYPE = {"aws_subnet": frozenset({"cidr_block"})}
# Arguments whose JSON strings Terraform parses as expressions, not templates.
_RESOURCE_META = frozenset({"depends_on", "provider", "provisioner", "connection", "dynamic"})
_EXPRESSION_ARGUMENTS = {"resource": _RESOURCE_META, "data": _RESOURCE_META, "output": frozenset({"depends_on"}),
                         "module": frozenset({"depends_on", "providers"}),
                         "variable": frozenset({"type", "validation"})}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# What netspec interpolates: a plain traversal such as aws_subnet.private_us_east_1a.id.
_TRAVERSAL = r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*"
_REFERENCE = re.compile(r"\$\{" + _TRAVERSAL + r"\}")
# One template token: a literal escape, an interpolation, a directive, or a literal run.
_TOKEN = re.compile(r"\$\$\{|%%\{|\$\{" + _TRAVERSAL + r"\}|\$\{|%\{|[^$%]+|[$%]")
# A literal escape hcl2's grammar can lex: closed by a `}` with plain text between.
_LEXABLE_ESCAPE = re.compile(r"(?:\$\$|%%)\{[^{}$%\"\\\x00-\x1f\x7f]*\}")
# Words HCL reads as literals or syntax where an object key could stand: quoted.
_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if", "else", "endif", "endfor"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}

_DESERIALIZER = hcl2.DeserializerOptions(object_elements_trailing_comma=False)
_FORMATTER = hcl2.FormatterOptions(open_empty_blocks=False)


def to_hcl(files: dict[str, str]) -> dict[str, str]:
    """Each generated `X.tf.json` text as the `X.tf` text holding the same configuration."""
    converted = {}
    for name, text in files.items():
        if not name.endswith(JSON_SUFFIX):
            raise ValueError(f"{name}: not a Terraform JSON file")
        converted[name[: -len(JSON_SUFFIX)] + HCL_SUFFIX] = seal(module_text(json.loads(text)))
    return converted


def module_text(document: dict[str, Any]) -> str:
    """One file: the `//` header as its first comment line, then one block after another."""
    body = dict(document)
    header = body.pop(COMMENT_KEY, None)
    if not isinstance(header, str):
        raise ValueError("a generated file starts with a `//` header")
    sections = [_comment(header)]
    for kind, content in body.items():
        if kind not in _LABELS:
            raise ValueError(f"top-level {kind!r} is not a block netspec translates")
        for labels, block_body in _labelled(kind, content, _LABELS[kind]):
            comments: list[str] = []
            expressions: list[str] = []
            rtype = labels[0] if kind in ("resource", "data") else ""
            block = _block_body(kind, block_body, comments, expressions, rtype)
            for label in reversed(labels):
                block = {_quoted(_checked_label(label)): block}
            text = hcl2.dumps({kind: [block]}, deserializer_options=_DESERIALIZER, formatter_options=_FORMATTER)
            # hcl2 indents the blank line between attributes and nested blocks; no
            # string spans lines (newlines are escaped), so trimming lines is safe.
            text = "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n"))
            text = re.sub(r"\n{3,}", "\n\n", text)  # hcl2 leaves two blank lines between repeated blocks
            text = _aligned(text)
            for index, expression in enumerate(expressions):
                # netspec's own expression text, as written (hcl2 would respace it: `[ for`).
                text = text.replace(_placeholder(index), expression, 1)
            sections.append("".join(_comment(c) for c in comments) + text + "\n")
    return "\n".join(sections)


def _labelled(kind: str, content: Any, depth: int, labels: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(labels, body) pairs of a top-level JSON property: one object level per label."""
    if depth == 0:
        return [(labels, content)]
    if not isinstance(content, dict):
        raise ValueError(f"{kind} {' '.join(labels)}: expected an object keyed by label")
    return [pair for label, inner in content.items() for pair in _labelled(kind, inner, depth - 1, labels + (label,))]


def _placeholder(index: int) -> str:
    return f"__netspec_expression_{index}__"


def _block_body(kind: str, body: Any, comments: list[str], expressions: list[str], rtype: str = "") -> dict[str, Any]:
    """A block body in hcl2's dict form; its `//` comments are collected into `comments`."""
    if not isinstance(body, dict):
        raise ValueError(f"{kind}: a block body must be an object")
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    for name, value in body.items():
        if name == COMMENT_KEY:
            comments.append(str(value))
        elif name in _LABELLED_BLOCKS.get(kind, ()):
            blocks[_checked_name(name)] = [{_quoted(_checked_label(label)): _block_body(name, inner, comments, expressions)}
                                           for label, inner in value.items()]
        elif name in _NESTED_BLOCKS.get(kind, ()) or name in _NESTED_BY_TYPE.get(rtype, ()):
            bodies = value if isinstance(value, list) else [value]
            blocks[_checked_name(name)] = [_block_body(name, b, comments, expressions) for b in bodies]
        elif name in _SINGLE_EXPRESSIONS.get(kind, ()) or (
                name in _SINGLE_EXPRESSIONS_BY_TYPE.get(rtype, ()) and isinstance(value, str) and value.startswith("${")):
            expressions.append(_single_expression(value)[2:-1])
            attributes[_checked_name(name)] = "${" + _placeholder(len(expressions) - 1) + "}"
        elif name in _EXPRESSION_ARGUMENTS.get(kind, ()):
            raise ValueError(f"{kind}: {name!r} holds expressions in JSON, not templates; not translated")
        else:
            attributes[_checked_name(name)] = _value(value)
    # Attributes before nested blocks, the usual reading order of HCL.
    return {**attributes, **blocks, IS_BLOCK: True}


def _value(value: Any) -> Any:
    """An attribute value in hcl2's dict form."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value if _REFERENCE.fullmatch(value) else "${" + _quoted(value) + "}"
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        # Keys are templates in JSON; a bare identifier key is a literal string in
        # HCL, the same thing when it has no template syntax. `//` here is a real key.
        return {_key(key): _value(item) for key, item in value.items()}
    raise TypeError(f"no HCL form for {type(value).__name__}")


def _single_expression(value: Any) -> str:
    """`${EXPR}` as hcl2's expression form, after checking the interpolation spans the whole string."""
    if not (isinstance(value, str) and value.startswith("${") and value.endswith("}")):
        raise ValueError(f"{value!r}: expected a single ${{...}} expression")
    if interpolation_end(value, 0) != len(value):
        raise ValueError(f"{value!r}: more than one interpolation; not translated")
    return value


def _key(key: str) -> str:
    bare = _IDENTIFIER.fullmatch(key) and key not in _KEYWORDS
    return key if bare else "${" + _quoted(key) + "}"


def _quoted(template: str) -> str:
    """A Terraform JSON template as an HCL quoted template with the same meaning."""
    parts = []
    for match in _TOKEN.finditer(template):
        token = match.group()
        if token in ("$${", "%%{"):
            lexable = _LEXABLE_ESCAPE.match(template, match.start())
            parts.append(token if lexable else _unicode(token[0]) + "{")
        elif token.startswith("${") and token.endswith("}"):
            parts.append(token)  # a plain traversal: nothing in it to escape
        elif token in ("${", "%{"):
            raise ValueError(f"{template!r}: only plain references are translated, not this template expression")
        else:
            parts.append("".join(_escaped(c) for c in token))
    return '"' + "".join(parts) + '"'


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    return _unicode(char) if ord(char) < 0x20 or ord(char) == 0x7F else char


def _unicode(char: str) -> str:
    # Also used for the `$` of a `$${` not closed by a plain `}`: hcl2's grammar
    # lexes `$${` only up to the next `}`, and `\u0024{` is the same literal `${`
    # to Terraform (a `\u` escape is never the start of an interpolation).
    return f"\\u{ord(char):04x}"


def _checked_name(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} is not an HCL argument name")
    return name


def _checked_label(label: str) -> str:
    if not _IDENTIFIER.fullmatch(label):
        raise ValueError(f"{label!r} is not a label netspec writes")
    return label


def _comment(text: str) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines() or [""])


_LEAD = re.compile(r'( *)("(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+) *=(?!=)')
_BRACKETS = {"{": 1, "[": 1, "(": 1, "}": -1, "]": -1, ")": -1}


def _net_brackets(expression: str) -> int:
    """Brackets an expression opens and does not close, outside its quoted strings."""
    net, in_string, index = 0, False, 0
    while index < len(expression):
        char = expression[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        else:
            net += _BRACKETS.get(char, 0)
        index += 1
    return net


def _assignment(line: str) -> tuple[str, str] | None:
    """(lead, value) of a one-line attribute or object entry (`  key = value`), else None.

    As in hclwrite's formatter, an attribute whose value opens a bracket it does not close
    on the same line is no assignment for alignment: it ends the run of aligned lines.
    """
    match = _LEAD.match(line)
    if not match:
        return None
    value = line[match.end():].strip()
    if _net_brackets(value) != 0:
        return None
    return match.group(1) + match.group(2), value


def _aligned(text: str) -> str:
    """Each run of consecutive one-line assignments with its `=` in one column: one space
    after the longest lead (indentation and key, counted in characters), one after `=`."""
    lines = text.split("\n")
    parsed = [_assignment(line) for line in lines]
    for i, line in enumerate(lines):
        opener = _LEAD.match(line) if parsed[i] is None else None
        if opener:  # `key = [` or `key = {`: one space each side of `=`, as terraform fmt leaves it
            lines[i] = f"{opener.group(1)}{opener.group(2)} = {line[opener.end():].strip()}"
    start = 0
    while start < len(lines):
        if parsed[start] is None:
            start += 1
            continue
        end = start
        while end < len(lines) and parsed[end] is not None:
            end += 1
        width = max(len(parsed[i][0]) for i in range(start, end))  # type: ignore[index]
        for i in range(start, end):
            lead, value = parsed[i]  # type: ignore[misc]
            lines[i] = f"{lead}{' ' * (width - len(lead))} = {value}"
        start = end
    return "\n".join(lines)
