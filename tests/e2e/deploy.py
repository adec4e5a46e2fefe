"""Compiling a spec into a working directory and driving terraform against the emulator."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from netspec import compile_text, terraform

from .emulator import OVERRIDE_FILE, write_override


@dataclass(frozen=True)
class Step:
    name: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        text = (self.stderr.strip() or self.stdout.strip())[-3000:]
        return f"terraform {self.name} exited {self.returncode} after {self.seconds:.1f}s:\n{text}"


@dataclass
class Workdir:
    path: Path
    env: dict[str, str]
    steps: list[Step] = field(default_factory=list)

    def tf(self, name: str, *args: str, timeout: float = 300) -> Step:
        started = time.monotonic()
        done = terraform.run([name, *args, "-no-color"], self.path, self.env, timeout=timeout)
        step = Step(name, done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        self.steps.append(step)
        return step

    def init(self) -> Step:
        return self.tf("init", "-input=false")

    def apply(self) -> Step:
        return self.tf("apply", "-auto-approve", "-input=false")

    def destroy(self) -> Step:
        return self.tf("destroy", "-auto-approve", "-input=false")

    def plan_json(self, plan_file: str, *extra: str) -> tuple[Step, dict | None]:
        """`plan -out` then `show -json`; the parsed plan is None when planning failed."""
        step = self.tf("plan", "-input=false", f"-out={plan_file}", *extra)
        if step.returncode not in (0, 2):  # 2 = changes present, with -detailed-exitcode
            return step, None
        shown = self.tf("show", "-json", plan_file)
        if shown.returncode != 0:
            return shown, None
        return step, json.loads(shown.stdout)

    def outputs(self) -> dict[str, object]:
        step = self.tf("output", "-json")
        if step.returncode != 0:
            raise RuntimeError(step.describe())
        return {name: item["value"] for name, item in json.loads(step.stdout).items()}


def compile_spec(text: str, name: str) -> dict[str, str]:
    result = compile_text(text, name)
    assert result.ok, [f"{f.location}: {f.code} {f.message}" for f in result.findings]
    return result.files


def write_module(directory: Path, files: dict[str, str]) -> None:
    """Make `directory` hold exactly this compiled module (plus the emulator override).

    Files of an earlier compile that the new one no longer emits are removed, as
    `netspec compile` would, so a plan sees only the new module.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.tf.json"):
        if old.name != OVERRIDE_FILE and old.name not in files:
            old.unlink()
    for name, text in files.items():
        (directory / name).write_text(text)


def prepare(directory: Path, files: dict[str, str], env: dict[str, str], emulator_url: str, region: str) -> Workdir:
    write_module(directory, files)
    write_override(directory, emulator_url, region, module_text="".join(files.values()))
    return Workdir(directory, env)
