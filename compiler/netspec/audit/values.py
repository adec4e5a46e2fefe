"""What a configuration value means to the audit: a literal, a reference, or an expression.

Terraform reads every string of a configuration as a template. The audit decides each
string once, when it reads a module, into one of four forms:

* a plain `str`: no interpolation at all, escapes resolved (`$${` is a literal `${`);
* `Reference`: the whole string is one interpolation of a plain reference to a resource
  or data source attribute, e.g. `${aws_vpc.main.id}` or
  `${data.aws_caller_identity.current.account_id}`;
* `Template`: literal text around plain-reference interpolations only, e.g. the policy
  text holding `"${data.aws_caller_identity.current.account_id}"`;
* `Expression`: anything else: a variable or local (`${var.x}`), a function call
  (`${cidrsubnet(...)}`, `${jsonencode(...)}`), a literal or operator inside an
  interpolation (`${0}`, `${true}`, `0.0.0.0/${0}`), a conditional, a `%{` directive,
  a reference with a computed index. The audit never evaluates these.

A plain reference names a managed resource (`<provider>_<type>.<name>`) or a data source
(`data.<provider>_<type>.<name>`), then attribute names or literal indices. `var.`,
`local.`, `module.`, `each.`, `count.`, `self.`, `path.` and `terraform.` are not plain
references: their value is decided outside the resource, by a caller, a variable file or
an expression.

Numbers, booleans and null are literals; lists and objects are decided element by element.
Which forms a check accepts where is the rule of `checks/evaluable.py`.
HCL files are brought into the same form first (`from_hcl`), so a `.tf` and a `.tf.json`
holding the same configuration read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..tfsyntax import interpolation_end

# Terraform JSON, plans and policies nest about 20 levels. What nests deeper is not Terraform's
# output, and would exhaust the recursion of the functions that walk it: refused when read.
MAX_DEPTH = 100


def too_deep(value: Any) -> bool:
    """True when lists and objects nest deeper than MAX_DEPTH (checked level by level, without recursion)."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return True
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)
                 if isinstance(child, (dict, list))]
    return False


# type.name then attribute names or literal indices: aws_subnet.a.id, data.aws_x.y.z[0].w
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_INDEX = r'\[(?:[0-9]+|"[^"\\${}]*")\]'
_REFERENCE = re.compile(
    rf"(?P<target>(?:data\.)?(?P<type>[a-z][a-z0-9]*_[a-z0-9_]*)\.(?P<name>{_NAME}))"
    rf"(?P<rest>(?:{_INDEX})?(?:\.{_NAME}(?:{_INDEX})*)*)")


@dataclass(frozen=True)
class Reference:
    """`${aws_vpc.main.id}`: the value of another resource's attribute."""

    text: str  # "aws_vpc.main.id", as written inside the braces

    @property
    def _match(self) -> re.Match[str]:
        match = _REFERENCE.fullmatch(self.text)
        assert match is not None
        return match

    @property
    def target(self) -> str:
        """"aws_vpc.main", or "data.aws_caller_identity.current" for a data source."""
        return self._match.group("target")

    @property
    def type(self) -> str:
        return self._match.group("type")

    @property
    def is_data(self) -> bool:
        return self.text.startswith("data.")

    @property
    def attribute(self) -> str:
        """The first attribute after the resource: "id" of aws_vpc.main.id ("" for the whole object)."""
        rest = re.sub(_INDEX, "", self._match.group("rest"))
        return rest.split(".")[1] if rest.startswith(".") else ""

    def __str__(self) -> str:
        return "${" + self.text + "}"


@dataclass(frozen=True)
class Template:
    """Literal text with plain-reference interpolations, e.g. a policy naming the account."""

    text: str  # the template as written, `${...}` kept
    references: tuple[Reference, ...]

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Expression:
    """A value the audit cannot evaluate: it is reported where a literal belongs."""

    text: str  # as written

    def __str__(self) -> str:
        return self.text


def is_literal(value: Any) -> bool:
    """A value with nothing left to evaluate: str, number, bool, null, or lists/objects of them."""
    if isinstance(value, (Reference, Template, Expression)):
        return False
    if isinstance(value, list):
        return all(is_literal(v) for v in value)
    if isinstance(value, dict):
        return all(is_literal(v) for v in value.values())
    return True


def references_in(value: Any) -> list[Reference]:
    """Every plain reference a decided value holds, in lists and objects too."""
    if isinstance(value, Reference):
        return [value]
    if isinstance(value, Template):
        return list(value.references)
    if isinstance(value, list):
        return [r for v in value for r in references_in(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in references_in(v)]
    return []


# --- Terraform templates ------------------------------------------------------------


# Where a template may start: `$${` and `%%{` (escaped literals) before `${` and `%{`.
_MARK = re.compile(r"\$\$\{|%%\{|\$\{|%\{")


def decide(text: str) -> str | Reference | Template | Expression:
    """One configuration string as a literal, a Reference, a Template or an Expression."""
    if "${" not in text and "%{" not in text:  # no interpolation, nor an escape of one
        return text
    literal: list[str] = []
    references: list[Reference] = []
    i = 0
    while (found := _MARK.search(text, i)) is not None:
        at, mark = found.start(), found.group()
        literal.append(text[i:at])
        if len(mark) == 3:  # `$${` / `%%{`: a literal `${` / `%{`
            literal.append(mark[1:])
            i = at + 3
            continue
        end = interpolation_end(text, at)
        inner = text[at + 2: end - 1].strip() if end > 0 else ""
        if mark[0] == "%" or end < 0 or not _REFERENCE.fullmatch(inner):
            return Expression(text)
        references.append(Reference(inner))
        i = end
    literal.append(text[i:])
    if not references:
        return "".join(literal)
    if len(references) == 1 and not any(literal):
        return references[0]
    return Template(text, tuple(references))


def decide_all(value: Any) -> Any:
    """Every string in a Terraform JSON value decided (lists and objects element by element)."""
    if isinstance(value, str):
        return decide(value)
    if isinstance(value, list):
        return [decide_all(v) for v in value]
    if isinstance(value, dict):
        return {k: decide_all(v) for k, v in value.items()}
    return value


# --- HCL, as python-hcl2 gives it -------------------------------------------------

# Keys python-hcl2 adds to its dicts: block markers and comments, not configuration.
_HCL_MARKERS = frozenset({"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"})
_HCL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _hcl_unescape(body: str) -> str:
    """The body of an HCL quoted template in Terraform JSON template form.

    Backslash escapes are resolved. A `$` or `%` written as a `\\u` escape before `{` is a
    literal in HCL (an escape never starts an interpolation), so it becomes `$${` / `%%{`,
    the JSON spelling of the same literal.
    """
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            kind = body[i + 1]
            if kind in _HCL_ESCAPES:
                produced, i = _HCL_ESCAPES[kind], i + 2
            elif kind in "uU":
                width = 4 if kind == "u" else 8
                digits = body[i + 2: i + 2 + width]
                try:
                    produced = chr(int(digits, 16))
                except ValueError:
                    produced = kind  # not an escape HCL accepts; Terraform refuses the file
                i += 2 + width
            else:
                produced, i = kind, i + 2
            if produced in "$%" and body.startswith("{", i):
                produced += produced
            out.append(produced)
        else:
            out.append(char)
            i += 1
    return "".join(out)


def from_hcl(value: Any) -> Any:
    """A value of `hcl2.loads` in Terraform JSON form (strings still undecided templates).

    python-hcl2 keeps a quoted string with its quotes and escapes (`"\\"a\\""`), gives any
    other expression as `${...}`, and marks blocks with `__is_block__`.
    """
    if isinstance(value, str):
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            return _hcl_unescape(value[1:-1])
        return value  # `${expression}`: the same meaning as in Terraform JSON
    if isinstance(value, list):
        return [from_hcl(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): from_hcl(v) for k, v in value.items() if k not in _HCL_MARKERS}
    return value


def unquote(key: str) -> str:
    """An HCL label or object key without its quotes."""
    if len(key) >= 2 and key.startswith('"') and key.endswith('"'):
        return _hcl_unescape(key[1:-1])
    return key
