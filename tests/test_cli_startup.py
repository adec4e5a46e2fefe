"""Start-up: `netspec validate one.yaml` imports only what validating needs.

Behavioural, not timed (bench/ times it): after a one-spec validate, the modules other
commands need (HCL, diff, audit, verify, git, worker pools, rich, pydantic) are not loaded;
and the command line reads its values without pydantic exactly as typer reads them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer.main

from netspec.cli import COMMANDS, app, fastparams

from conftest import ROOT

# What a one-spec validate must not import: each is needed only by another command, by many
# specs (worker pools), by typer's pydantic coercion netspec does without (cli/fastparams.py), or
# (jsonschema) by a spec the fast schema check does not accept (schemafast.py).
NOT_FOR_VALIDATE = ("hcl2", "lark", "rich", "pydantic", "multiprocessing.pool", "concurrent.futures", "jsonschema",
                    "netspec.cli.diff", "netspec.diff", "netspec.gitrev", "netspec.cli.audit", "netspec.audit",
                    "netspec.cli.verify", "netspec.verify", "netspec.terraform", "netspec.cli.graph", "netspec.graph",
                    "netspec.cli.inventory", "netspec.inventory", "netspec.cli.explain", "netspec.explain",
                    "netspec.cli.atlantis", "netspec.cli.reference", "netspec.cli.init", "netspec.scaffold")

_PROBE = """
import json, sys
sys.argv = ["netspec", *sys.argv[1:]]
from netspec.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _probe(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ}, timeout=120)
    last = json.loads(done.stdout.strip().splitlines()[-1])
    return last["code"], set(last["modules"])


def test_validate_one_spec_imports_only_what_it_needs():
    code, modules = _probe("validate", "specs/ds-team.yaml", "--format", "json", "-j", "2")
    assert code == 0
    loaded = sorted(m for m in NOT_FOR_VALIDATE if m in modules)
    assert not loaded, f"a one-spec validate imported {loaded}"
    assert "netspec.cli.compile" in modules  # the probe did run validate


def test_a_command_imports_its_own_module():
    code, modules = _probe("graph", "specs/ds-team.yaml")
    assert code == 0 and "netspec.cli.graph" in modules and "netspec.cli.diff" not in modules


def _params():
    for name, _module, _function in COMMANDS:
        command = typer.main.get_command(app).commands[name]
        for param in command.params:
            if isinstance(param, fastparams._TyperParameter):
                yield name, command, param


SAMPLES = ["specs/ds-team.yaml", "specs", "no-such-file.yaml", "-", "json", "JSON", "hcl", "text", "4", "0", "-3",
           "1_0", " 7", "x"]


def _outcome(coerce, value, param, ctx):
    try:
        return ("value", coerce(value, param=param, ctx=ctx))
    except Exception as exc:  # the error typer would report, compared word for word
        return ("error", type(exc).__name__, str(exc))


@pytest.mark.skipif(fastparams.RuntimeParam is None, reason="this typer coerces without pydantic anyway")
def test_fast_coercion_reads_every_value_as_typer_does(tmp_path):
    unreadable = tmp_path / "secret.yaml"
    unreadable.write_text("x")
    unreadable.chmod(0)
    checked = 0
    for name, command, param in _params():
        descriptor = param.type_descriptor
        real = fastparams.build_runtime_param(descriptor)
        fast = fastparams._FastParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
        ctx = command.make_context(name, ["--help"], resilient_parsing=True)
        values = SAMPLES + [str(unreadable)]
        if param.multiple or param.nargs == -1:
            values = [(v,) for v in values] + [tuple(SAMPLES[:3])]
        for value in values:
            param._runtime_param = None
            expected = _outcome(real.coerce, value, param, ctx)
            param._runtime_param = fast
            assert _outcome(fast.coerce, value, param, ctx) == expected, (name, param.name, value)
            checked += 1
    assert checked > 500
