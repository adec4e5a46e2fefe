"""The command line: the only part that reads specs from disk and writes out/.

One module per command; this package only assembles them into one `typer` app, in the
order `netspec --help` lists them, and turns a `UsageError` into exit code 2.
"""

from __future__ import annotations

import os
import sys

import typer

from .. import DISTRIBUTION
from ..findings import ExitCode, tidy
from .atlantis import atlantis_command
from .audit import audit_command
from .common import UsageError
from .compile import compile_command, validate_command
from .diff import diff_command
from .explain import explain_command
from .graph import graph_command
from .init import init_command
from .inventory import inventory_command
from .reference import rules_command, rules_markdown, schema_command, services_command
from .verify import verify_command

app = typer.Typer(
    help="Compile short YAML network specs into private AWS VPCs as Terraform JSON modules.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
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

COMMANDS = (
    ("compile", compile_command),
    ("validate", validate_command),
    ("verify", verify_command),
    ("schema", schema_command),
    ("services", services_command),
    ("rules", rules_command),
    ("audit", audit_command),
    ("init", init_command),
    ("explain", explain_command),
    ("diff", diff_command),
    ("graph", graph_command),
    ("inventory", inventory_command),
    ("atlantis", atlantis_command),
)
for _name, _command in COMMANDS:
    app.command(_name)(_command)

__all__ = ["app", "main", "rules_markdown", "UsageError"]


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
