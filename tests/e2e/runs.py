"""The deployment jobs: full lifecycle of each example, and the evolution of a two-zone spec.

Every job records its steps and never raises, and it always tries to destroy what it applied:
the tests assert on the records afterwards.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .deploy import Step, Workdir, compile_spec, prepare, write_module
from .emulator import Emulator
from .state import Deployed, collect, leftovers

SPECS = Path(__file__).resolve().parents[2] / "specs"
EXAMPLES = sorted(SPECS.glob("*.yaml"))


@dataclass
class Deployment:
    name: str
    spec: dict
    files: dict[str, str]
    apply: Step | None = None
    outputs: dict | None = None
    state: Deployed | None = None
    replan: Step | None = None
    replan_json: dict | None = None
    destroy: Step | None = None
    leftovers: list[str] = field(default_factory=list)
    error: str | None = None  # an exception in the job itself (not a terraform failure)
    steps: list[Step] = field(default_factory=list)


def log_group_name(spec: dict) -> str:
    return f"/netspec/{spec['name']}/vpc-flow-logs"


def flow_log_role(spec: dict) -> str:
    return f"{spec['name']}-{spec['region']}-flowlogs"


def _record_leftovers(record, emulator: Emulator, spec: dict, vpc_id: str | None) -> None:
    if vpc_id:
        record.leftovers = leftovers(emulator, spec["region"], vpc_id, log_group_name(spec), flow_log_role(spec))


def deploy_example(spec_path: Path, directory: Path, emulator: Emulator, env: dict[str, str]) -> Deployment:
    """init, apply, read back with boto3, re-plan for drift, destroy."""
    text = spec_path.read_text()
    spec = yaml.safe_load(text)
    record = Deployment(spec["name"], spec, {})
    work: Workdir | None = None
    try:
        record.files = compile_spec(text, spec_path.name)
        work = prepare(directory, record.files, env, emulator.url, spec["region"])
        init = work.init()
        if init.returncode != 0:
            record.apply = init  # the failure shows where apply would have been
            return record
        record.apply = work.apply()
        if record.apply.returncode != 0:
            return record
        record.outputs = work.outputs()
        record.state = collect(emulator, spec["region"], str(record.outputs["vpc_id"]), log_group_name(spec))
        record.replan, record.replan_json = work.plan_json("replan.tfplan", "-detailed-exitcode")
    except Exception:  # noqa: BLE001 - recorded and reported by the tests
        record.error = traceback.format_exc()
    finally:
        if work is not None and record.apply is not None and record.apply.name == "apply":
            try:
                record.destroy = work.destroy()
                _record_leftovers(record, emulator, spec, (record.outputs or {}).get("vpc_id"))
            except Exception:  # noqa: BLE001
                record.error = (record.error or "") + traceback.format_exc()
        if work is not None:
            record.steps = work.steps
    return record


# A two-zone network that grows a zone and a service, then narrows a bucket's access.
EVOLUTION_BASE = {
    "netspec": 1,
    "name": "evolving-team",
    "region": "us-east-1",
    "cidr": "10.60.0.0/16",
    "azs": ["us-east-1a", "us-east-1b"],
    "services": ["s3", "sts", "logs"],
    "buckets": [{"name": "evolving-team-data", "access": "read-write"}],
    "tags": {"team": "evolution"},
}
EVOLUTION_NEW_ZONE = "us-east-1c"
EVOLUTION_NEW_SERVICE = "ecr.api"


def evolution_specs() -> dict[str, dict]:
    grown = {**EVOLUTION_BASE, "azs": [*EVOLUTION_BASE["azs"], EVOLUTION_NEW_ZONE],
             "services": [*EVOLUTION_BASE["services"], EVOLUTION_NEW_SERVICE]}
    narrowed = {**EVOLUTION_BASE, "buckets": [{"name": "evolving-team-data", "access": "read"}]}
    return {"base": EVOLUTION_BASE, "grown": grown, "narrowed": narrowed}


@dataclass
class Evolution:
    apply: Step | None = None
    grow_plan: Step | None = None
    grow_json: dict | None = None
    narrow_plan: Step | None = None
    narrow_json: dict | None = None
    destroy: Step | None = None
    leftovers: list[str] = field(default_factory=list)
    error: str | None = None
    steps: list[Step] = field(default_factory=list)


def evolve(directory: Path, emulator: Emulator, env: dict[str, str]) -> Evolution:
    """Apply the base spec, plan the grown and the narrowed spec against it, destroy the base.

    The evolved plans are never applied: stock moto's ModifyVpcEndpoint does not add the
    gateway route to a new route table, after which destroy fails (InvalidRoute.NotFound).
    """
    record = Evolution()
    region = EVOLUTION_BASE["region"]
    work: Workdir | None = None
    vpc_id = None
    files: dict[str, dict[str, str]] = {}
    try:
        files = {key: compile_spec(yaml.safe_dump(value, sort_keys=False), f"{key}.yaml")
                 for key, value in evolution_specs().items()}
        work = prepare(directory, files["base"], env, emulator.url, region)
        init = work.init()
        if init.returncode != 0:
            record.apply = init
            return record
        record.apply = work.apply()
        if record.apply.returncode != 0:
            return record
        vpc_id = work.outputs()["vpc_id"]
        write_module(directory, files["grown"])
        record.grow_plan, record.grow_json = work.plan_json("grown.tfplan")
        write_module(directory, files["narrowed"])
        record.narrow_plan, record.narrow_json = work.plan_json("narrowed.tfplan")
    except Exception:  # noqa: BLE001
        record.error = traceback.format_exc()
    finally:
        if work is not None and record.apply is not None and record.apply.name == "apply":
            try:
                write_module(directory, files["base"])  # destroy what was applied, with its own config
                record.destroy = work.destroy()
                _record_leftovers(record, emulator, EVOLUTION_BASE, vpc_id)
            except Exception:  # noqa: BLE001
                record.error = (record.error or "") + traceback.format_exc()
        if work is not None:
            record.steps = work.steps
    return record
