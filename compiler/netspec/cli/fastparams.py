"""Start fast: read the command line's values without importing pydantic when typer would.

Recent typer (0.2x) coerces every option and argument through a pydantic `TypeAdapter`,
built when the parameter is first read, even when its value is absent; importing pydantic
and building the adapters costs about 70 ms, a third of `netspec validate one.yaml`.
netspec's parameters are all of a few plain kinds, and typer's own pydantic-free helpers
(`coerce_cli_path`, `coerce_cli_choice`) do the checks that matter for them, so
`FastCommand` reads them that way:

- no value: what typer gives (None, or () for a list), without building anything;
- a `Path` (or a list of them) given as text: `Path(text)` checked by `coerce_cli_path`,
  exactly as typer checks the Path pydantic made (its messages: "... does not exist.");
- an Enum given as one of its values: `coerce_cli_choice`, as typer reads it;
- a `str` given as text: the text; an `int` given as plain decimal digits: its value.

Anything else (another type, a parser, bytes, a number with a sign or underscores) goes to
typer's own coercion, built then, so a value netspec does not recognise is read and refused
exactly as typer reads and refuses it. With a typer that does not work this way (older
releases coerce through click, without pydantic), `FastCommand` is typer's own command class.
tests/test_cli_startup.py checks both paths give the same values and errors.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperCommand

try:  # typer's runtime coercion (typer >= 0.2x); older releases have none of this
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - another typer: its own coercion, which needs no pydantic
    RuntimeParam = None  # type: ignore[assignment,misc]

_DIGITS = re.compile(r"[0-9]{1,18}")
_PLAIN = object()  # not one of the cases read here: typer's own coercion


def _path(value: Any, param: Any, ctx: Any, info: Any) -> Any:
    if not isinstance(value, str) or info.parser is not None or info.path_type not in (None, Path):
        return _PLAIN
    return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)


def _leaf(annotation: Any, value: Any, param: Any, ctx: Any, info: Any) -> Any:
    if info.parser is not None or not isinstance(value, str):
        return _PLAIN
    if annotation is Path:
        return _path(value, param, ctx, info)
    if annotation is str:
        return value
    if annotation is int and info.min is None and info.max is None and _DIGITS.fullmatch(value):
        return int(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        try:
            return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:  # typer's own coercion words the error
            return _PLAIN
    return _PLAIN


if RuntimeParam is not None:
    class _FastParam(RuntimeParam):  # type: ignore[misc,valid-type]
        """One parameter's coercion: the plain cases here, the rest by typer's own (built when needed)."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation, info = self.annotation, self.parameter_info
            if get_origin(annotation) is list and isinstance(value, (list, tuple)):
                (item,) = get_args(annotation) or (None,)
                items = [_leaf(item, v, param, ctx, info) for v in value]
                if all(i is not _PLAIN for i in items):
                    return items
            elif get_origin(annotation) is None:
                done = _leaf(annotation, value, param, ctx, info)
                if done is not _PLAIN:
                    return done
            real = build_runtime_param(param.type_descriptor)
            param._runtime_param = real
            return real._coerce_value(value, param=param, ctx=ctx)

    def fast_params(params: list[Any]) -> None:
        """Give each typer parameter not yet read the fast coercion."""
        for param in params:
            if isinstance(param, _TyperParameter) and param._runtime_param is None:
                descriptor = param.type_descriptor
                if descriptor.file_annotation is None:
                    param._runtime_param = _FastParam(parameter_info=descriptor.parameter_info,
                                                      annotation=descriptor.annotation)

    class FastCommand(TyperCommand):
        """typer's command, reading its parameters' values without pydantic where it can."""

        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            fast_params(self.get_params(ctx))  # with --help
            return super().parse_args(ctx, args)
else:  # pragma: no cover
    FastCommand = TyperCommand  # type: ignore[misc]

    def fast_params(params: list[Any]) -> None:
        """Nothing to do: this typer needs no pydantic."""
