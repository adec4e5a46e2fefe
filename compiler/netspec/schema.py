"""Check a loaded spec against the JSON Schema, reporting located findings.

schemas/netspec.schema.json is the single source of truth for the spec's shape.
The wheel carries a copy inside the package (see pyproject.toml); a checkout
reads it straight from schemas/.
"""

from __future__ import annotations

import difflib
import functools
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:  # jsonschema is imported when a document needs it: a valid spec does not (schemafast.py)
    import jsonschema
    from jsonschema.exceptions import ValidationError

from .codes import code
from .findings import Finding
from .loader import Document, Pointer
from .schemafast import compile_accept

SCHEMA_NAME = "netspec.schema.json"


def schema_path(name: str = SCHEMA_NAME) -> Path:
    """The installed copy of a schema, or the checkout's schemas/ file in a development install."""
    packaged = Path(str(resources.files("netspec"))) / "schemas" / name
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas" / name


def schema_text(name: str = SCHEMA_NAME) -> str:
    return schema_path(name).read_text(encoding="utf-8")


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(schema_text())


@functools.cache
def validator(name: str = SCHEMA_NAME) -> jsonschema.Draft202012Validator:
    """A validator of one of the schemas in schemas/ (formats such as `date` are checked)."""
    import jsonschema
    return jsonschema.Draft202012Validator(json.loads(schema_text(name)),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def fast_accept(name: str = SCHEMA_NAME) -> Callable[[Any], bool] | None:
    """A check that is True only for documents certainly valid under `validator(name)`'s schema,
    from the same text (schemafast.py); None when that schema needs jsonschema for everything."""
    return compile_accept(json.loads(schema_text(name)))


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a mapping", type(None): "nothing (null)"}
    return names.get(type(value), type(value).__name__)


def _hint(error: ValidationError) -> str | None:
    hint = error.schema.get("x-hint") if isinstance(error.schema, dict) else None
    return hint


# One small formatter per JSON Schema keyword: (error, doc) -> (pointer, message, code, hint override).
_Result = tuple[Pointer, str, str, str | None, bool]


def _additional(error: ValidationError, doc: Document) -> list[_Result]:
    allowed = sorted(error.schema.get("properties", {}))
    extras = sorted(set(error.instance) - set(allowed))
    results = []
    for key in extras:
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{guess[0]}`?" if guess else f"allowed keys here: {', '.join(allowed)}"
        results.append((tuple(error.absolute_path) + (key,), f"unknown key {key!r}", "NS101", hint, True))
    return results


def _required(error: ValidationError, doc: Document) -> list[_Result]:
    missing = error.message.split("'")[1] if "'" in error.message else error.message
    prop = error.schema.get("properties", {}).get(missing, {})
    return [(tuple(error.absolute_path), f"missing required key {missing!r}", "NS102",
             prop.get("x-hint") or prop.get("description"), False)]


def _type(error: ValidationError, doc: Document) -> list[_Result]:
    expected = error.validator_value
    expected = " or ".join(expected) if isinstance(expected, list) else expected
    return [(tuple(error.absolute_path), f"expected {expected}, got {_type_name(error.instance)}", "NS103", _hint(error), False)]


def _const(error: ValidationError, doc: Document) -> list[_Result]:
    path = tuple(error.absolute_path)
    code_id = "NS105" if path == ("netspec",) else "NS104"
    return [(path, f"{error.instance!r} is not allowed here; expected {error.validator_value!r}", code_id, _hint(error), False)]


def _value(error: ValidationError, doc: Document) -> list[_Result]:
    path = tuple(error.absolute_path)
    shown = error.instance if not isinstance(error.instance, (dict, list)) else _type_name(error.instance)
    messages: dict[str, Callable[[], str]] = {
        "enum": lambda: f"{shown!r} is not one of {', '.join(map(str, error.validator_value))}",
        "pattern": lambda: f"{shown!r} does not have the expected form",
        "minItems": lambda: f"needs at least {error.validator_value} item(s), has {len(error.instance)}",
        "maxItems": lambda: f"allows at most {error.validator_value} items, has {len(error.instance)}",
        "minLength": lambda: f"{shown!r} is shorter than {error.validator_value} characters",
        "maxLength": lambda: f"{str(shown)[:40]!r}... is longer than {error.validator_value} characters",
        "minimum": lambda: f"{shown!r} is below the minimum {error.validator_value}",
        "maximum": lambda: f"{shown!r} is above the maximum {error.validator_value}",
        "minProperties": lambda: f"needs at least {error.validator_value} entries",
        "maxProperties": lambda: f"allows at most {error.validator_value} entries",
        "format": lambda: f"{shown!r} is not a valid {error.validator_value}",
    }
    message = messages.get(error.validator, lambda: error.message)()
    return [(path, message, "NS104", _hint(error), False)]


def _property_names(error: ValidationError, doc: Document) -> list[_Result]:
    # jsonschema reports the offending key as the instance, at the parent's path.
    key = error.instance
    return [(tuple(error.absolute_path) + (key,), f"{key!r} is not a valid key here", "NS104", _hint(error), True)]


def _any_of(error: ValidationError, doc: Document) -> list[_Result]:
    # The alternative that got furthest into the value explains the problem best.
    deepest = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"), default=None)
    if deepest is not None and deepest.validator not in ("type", "anyOf", "oneOf"):
        return _format(deepest, doc)
    return [(tuple(error.absolute_path), f"{_type_name(error.instance)} is not allowed here", "NS103", _hint(error), False)]


_FORMATTERS: dict[str, Callable[[ValidationError, Document], list[_Result]]] = {
    "additionalProperties": _additional,
    "required": _required,
    "type": _type,
    "const": _const,
    "anyOf": _any_of,
    "oneOf": _any_of,
}


def _format(error: ValidationError, doc: Document) -> list[_Result]:
    if error.validator == "propertyNames" or (error.relative_schema_path and "propertyNames" in error.relative_schema_path):
        return _property_names(error, doc)
    return _FORMATTERS.get(str(error.validator), _value)(error, doc)


def check_schema(doc: Document) -> list[Finding]:
    """Every schema violation in the spec, located."""
    return check_against(doc, validator())


def spec_errors(doc: Document) -> list[ValidationError]:
    """The spec's schema errors, for `findings_for` and for taking the invalid parts out (partial.py).

    A spec the fast check accepts has none; any other goes to jsonschema, the only source of findings.
    """
    accept = fast_accept()
    if accept is not None and accept(doc.data):
        return []
    return list(validator().iter_errors(doc.data))


def check_against(doc: Document, checker: jsonschema.Draft202012Validator, *,
                  codes: Mapping[str, str] | None = None) -> list[Finding]:
    """Every violation of `checker`'s schema in a located document (a spec, or a config file).

    `codes` renames the spec's codes for another kind of document (NS101 -> NS402, ...).
    """
    return findings_for(checker.iter_errors(doc.data), doc, codes=codes)


def findings_for(errors: Iterable[ValidationError], doc: Document, *,
                 codes: Mapping[str, str] | None = None) -> list[Finding]:
    """Located findings for schema errors of `doc`."""
    findings: list[Finding] = []
    for error in errors:
        for pointer, message, code_id, hint, on_key in _format(error, doc):
            if pointer in doc.flagged:
                continue  # the loader already explained this value (NS008)
            location = doc.key_at(pointer) if on_key else doc.at(pointer)
            # A finding about a key is described from its parent ("buckets[0]: unknown key 'nmae'").
            context = _describe(pointer[:-1] if on_key else pointer)
            code_id = (codes or {}).get(code_id, code_id)
            findings.append(code(code_id).at(location, f"{context}: {message}" if context else message, hint=hint))
    return findings


def _describe(pointer: Pointer) -> str:
    parts = []
    for part in pointer:
        parts.append(f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else str(part)))
    return "".join(parts)
