"""The command line: the only part that reads specs from disk and writes out/.

One module per command; this package only assembles them into one `typer` app, in the
order `netspec --help` lists them, and turns a `UsageError` into exit code 2. A command's
module is imported only when that command runs (or `--help` lists it), and parameters are
read without pydantic (`fastparams`): `netspec validate one.yaml` starts in under 1.5x the
time of `import yaml, jsonschema` (bench/run.py --only startup).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping

import typer
from typer.core import TyperGroup

from .. import DISTRIBUTION
from ..findings import ExitCode, tidy
from .common import UsageError
from .fastparams import FastCommand, fast_params

# Every command: its name, in the order `netspec --help` lists them, the module of cli/ that
# defines it, and the function. A command's module is imported when the command is run (or
# help lists it), so `netspec validate` never imports what `diff`, `audit` or `verify` need.
COMMANDS = (
    ("compile", "compile", "compile_command"),
    ("validate", "compile", "validate_command"),
    ("verify", "verify", "verify_command"),
    ("schema", "reference", "schema_command"),
    ("services", "reference", "services_command"),
    ("rules", "reference", "rules_command"),
    ("audit", "audit", "audit_command"),
    ("init", "init", "init_command"),
    ("explain", "explain", "explain_command"),
    ("diff", "diff", "diff_command"),
    ("graph", "graph", "graph_command"),
    ("inventory", "inventory", "inventory_command"),
    ("atlantis", "atlantis", "atlantis_command"),
)


def _command(name: str, module: str, function: str) -> object:
    """One command, built as typer builds it (its options, help and docstring), from its module."""
    callback = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    single = typer.Typer(add_completion=False, rich_markup_mode=None)
    single.command(name, cls=FastCommand)(callback)
    return typer.main.get_command(single)


class _Commands(MutableMapping):
    """The group's commands by name, each built the first time it is asked for."""

    def __init__(self) -> None:
        self._where = {name: (module, function) for name, module, function in COMMANDS}
        self._built: dict[str, object] = {}

    def __getitem__(self, name: str) -> object:
        if name not in self._built:
            module, function = self._where[name]
            self._built[name] = _command(name, module, function)
        return self._built[name]

    def __setitem__(self, name: str, command: object) -> None:
        self._where.setdefault(name, ("", ""))
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


class _LazyGroup(TyperGroup):
    """typer's group, whose commands are imported only when used."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.commands = _Commands()

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        fast_params(self.get_params(ctx))  # --version, --help
        return super().parse_args(ctx, args)


app = typer.Typer(
    help="Compile short YAML network specs into private AWS VPCs as Terraform JSON modules.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__
        sys.stdout.write(f"netspec {__version__} ({DISTRIBUTION} on PyPI)\n")
        raise typer.Exit(ExitCode.CLEAN)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", "-V", help="Print the version and exit.",
                                       callback=_print_version, is_eager=True)) -> None:
    """Compile short YAML network specs into private AWS VPCs as Terraform JSON modules."""

__all__ = ["app", "main", "rules_markdown", "UsageError"]


def __getattr__(name: str) -> object:
    if name == "rules_markdown":  # the reference command's, imported when asked for
        from .reference import rules_markdown
        return rules_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    try:
        app()
    except UsageError as exc:
        sys.stderr.write(f"netspec: {exc}\n")
        raise SystemExit(ExitCode.USAGE) from None
    except Exception as exc:  # a bug: never read as "findings" (1), never a wall of traceback in CI
        if os.environ.get("NETSPEC_DEBUG"):
            raise
        sys.stderr.write(f"netspec: internal error: {type(exc).__name__}: {tidy(str(exc))}\n"
                         "this is a bug in netspec; please report it (NETSPEC_DEBUG=1 shows the traceback)\n")
        raise SystemExit(ExitCode.INTERNAL) from None
