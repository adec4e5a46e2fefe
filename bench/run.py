"""netspec's benchmark: everything issue 11 names, against the libyaml floor.

    python bench/run.py                       # every scenario (about 10 minutes on 2 cores)
    python bench/run.py --quick               # small sizes, one run each: proves the bench works
    python bench/run.py --only startup,crossspec --runs 5 --json results.json

The floor is what a user's own script would cost: `yaml.load(text, Loader=yaml.CSafeLoader)`
of each spec plus `json.dumps` of the same output documents netspec writes. Whole-process
timings run `python -m netspec` of this checkout (its compiler/ first on PYTHONPATH) as a
user would, with byte-code caching on (a run writes __pycache__ first, untimed), and report
the median of --runs runs. Nothing here is a test: targets are printed, never asserted.

Scenarios (each a small function below):
  startup    `netspec validate one.yaml` against `python -c "import yaml, jsonschema"`
  commands   validate, fresh compile, no-change compile and compile --check of 1 to 5,000 specs, and
             audit of their modules
  inprocess  compile per spec in process against the floor per spec
  crossspec  the cross-spec checks alone (crossspec.check_across) on 5,000 checked specs
  stages     load, schema+rules, model, render, write: each stage's time for 1,000 specs
  verify     `netspec verify` of 1, 20 and 100 modules (terraform and the provider mirror), each beside
             its floor (terraform init + validate of the same root, run directly); the largest
             also without terraform.RUNTIME_DEFAULTS, to show what they save
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT / "compiler"), str(BENCH)]

import yaml  # noqa: E402

from specs import specs, write_specs  # noqa: E402

ORG = 5000  # the organisation-scale targets are for this many specs


@dataclass
class Config:
    runs: int = 3  # whole-process runs per measure (the median is reported)
    startup_runs: int = 10
    sizes: tuple[int, ...] = (1, 100, 1000, ORG)
    inprocess_size: int = 1000
    crossspec_size: int = ORG
    stages_size: int = 1000
    verify_counts: tuple[int, ...] = (1, 20, 100)
    verify_runs: int = 3
    only: tuple[str, ...] = ()


QUICK = dict(runs=1, startup_runs=3, sizes=(1, 100), inprocess_size=50, crossspec_size=100, stages_size=50,
             verify_counts=(1, 2), verify_runs=1)


@dataclass
class Measure:
    scenario: str
    name: str
    value: float | None  # seconds, or a ratio when unit is "x"; None: not measured (see note)
    unit: str = "s"
    limit: float | None = None  # the target: value <= limit
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.limit is None or self.value is None else self.value <= self.limit

    def shown(self, value: float | None) -> str:
        if value is None:
            return "-"
        if self.unit == "x":
            return f"{value:.2f}x"
        if value < 0.01:
            return f"{value * 1000:.2f} ms"
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# ---------------------------------------------------------------------------------------- running

def child_env() -> dict[str, str]:
    """This checkout's netspec, byte-code cached as in a normal install, the provider mirror."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "compiler"), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.setdefault("NETSPEC_TF_PLUGIN_DIR", "/opt/tf-plugins")
    env["NO_COLOR"] = "1"
    return env


def netspec(*args: str) -> list[str]:
    return [sys.executable, "-m", "netspec", *args]


def run_once(cmd: list[str], cwd: Path, expect: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env={**child_env(), **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if done.returncode not in expect:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}")
    return took


def median_run(cmd: list[str], cwd: Path, runs: int, *, before: Callable[[], None] | None = None,
               warm: bool = True, env: dict[str, str] | None = None) -> float:
    """The median wall time of `runs` runs (after one untimed run, which also writes byte-code)."""
    if warm:
        if before:
            before()
        run_once(cmd, cwd, env=env)
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(run_once(cmd, cwd, env=env))
    return statistics.median(times)


def median_call(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------------------------------- scenarios

def startup(cfg: Config, tmp: Path) -> list[Measure]:
    write_specs(tmp, 1)
    ours = median_run(netspec("validate", "specs/team-0.yaml"), tmp, cfg.startup_runs)
    floor = median_run([sys.executable, "-c", "import yaml, jsonschema"], tmp, cfg.startup_runs)
    return [Measure("startup", "`netspec validate one.yaml`", ours),
            Measure("startup", '`python -c "import yaml, jsonschema"` (floor)', floor),
            Measure("startup", "start-up: validate one.yaml / floor", ours / floor, "x", 2.0)]


def fresh_compile(repo: Path, runs: int) -> float:
    """The median compile into a new, empty out folder (one untimed first). Each run writes a folder of
    its own: deleting tens of thousands of files just before a timed run leaves the file system work
    (journal, freed blocks) that the run's own sync would then pay for. They are deleted, and the
    deletion synced, after the timing."""
    times = []
    for run in range(runs + 1):
        took = run_once(netspec("compile", "--no-cache", "--out", f"fresh-{run}", "specs"), repo)
        times += [took] if run else []
    for run in range(runs + 1):
        shutil.rmtree(repo / f"fresh-{run}")
    os.sync()
    return statistics.median(times)


def commands(cfg: Config, tmp: Path) -> list[Measure]:
    measures = []
    for size in cfg.sizes:
        repo = tmp / f"org-{size}"
        write_specs(repo, size)
        org = size == ORG
        label = f"{size:,} specs"
        # A CI job on a fresh clone has no findings cache (it lives in .netspec_cache/ under a key in
        # ~/.cache/netspec): the targets are measured cold (--no-cache); a warm cache is shown beside them.
        measures += [
            Measure("commands", f"`netspec validate --no-cache specs/`, {label}",
                    median_run(netspec("validate", "--no-cache", "specs"), repo, cfg.runs), limit=5.0 if org else None),
            Measure("commands", f"`netspec validate specs/`, warm cache, {label}",
                    median_run(netspec("validate", "specs"), repo, cfg.runs)),
            Measure("commands", f"`netspec compile --no-cache specs/`, fresh out/, {label}",
                    fresh_compile(repo, cfg.runs), limit=10.0 if org else None),
        ]
        run_once(netspec("compile", "specs"), repo)
        for args, what in ((("compile",), "`netspec compile"), (("compile", "--check"), "`netspec compile --check")):
            measures += [
                Measure("commands", f"{what} --no-cache specs/`, out/ current, {label}",
                        median_run(netspec(*args, "--no-cache", "specs"), repo, cfg.runs), limit=2.0 if org else None),
                Measure("commands", f"{what} specs/`, out/ current, warm cache, {label}",
                        median_run(netspec(*args, "specs"), repo, cfg.runs), limit=2.0 if org else None),
            ]
        measures.append(Measure("commands", f"`netspec audit out/`, {size:,} modules",
                                median_run(netspec("audit", "out"), repo, cfg.runs)))
        shutil.rmtree(repo)
    return measures


def floor_per_spec(items: list[tuple[bytes, list[object]]]) -> None:
    """What a user's own script costs: libyaml's parse, and the same documents dumped as netspec writes them."""
    for raw, documents in items:
        yaml.load(raw, Loader=yaml.CSafeLoader)
        for document in documents:
            json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def inprocess(cfg: Config, tmp: Path) -> list[Measure]:
    from netspec import compile_bytes
    corpus = specs(cfg.inprocess_size)
    results = [compile_bytes(raw, path) for raw, path in corpus]
    assert all(r.ok for r in results), next(r.findings for r in results if not r.ok)
    items = [(raw, [json.loads(text) for text in r.files.values()]) for (raw, _), r in zip(corpus, results)]
    n = len(corpus)
    # Each result is dropped once made, as the floor drops what it parses and dumps: holding 1,000 results
    # (documents, models, files) would time the garbage collector walking them, which the floor never pays.
    ours = median_call(lambda: [compile_bytes(raw, path).ok for raw, path in corpus], max(cfg.runs, 3)) / n
    floor = median_call(lambda: floor_per_spec(items), max(cfg.runs, 3)) / n
    return [Measure("inprocess", f"compile in process, per spec ({n:,} specs)", ours),
            Measure("inprocess", "floor per spec: CSafeLoader load + json.dumps of the same output", floor),
            Measure("inprocess", "in-process compile / floor", ours / floor, "x", 2.0)]


def crossspec(cfg: Config, tmp: Path) -> list[Measure]:
    from netspec.crossspec import check_across
    from netspec.pipeline import check_bytes
    results = [check_bytes(raw, path) for raw, path in specs(cfg.crossspec_size)]
    took = median_call(lambda: check_across(results), max(cfg.runs, 5))
    limit = 0.1 if cfg.crossspec_size == ORG else None
    return [Measure("crossspec", f"cross-spec checks alone, {cfg.crossspec_size:,} specs", took, limit=limit)]


def stages(cfg: Config, tmp: Path) -> list[Measure]:
    """Each stage of the pipeline over every spec, in this process, in the order a compile runs them."""
    from netspec import config
    from netspec.build import build_network
    from netspec.cli.compile import WriteBack, _write_back
    from netspec.loader import load_bytes
    from netspec.pipeline import Result, check_and_view, claim_of
    from netspec.render import RenderOptions, render_module
    from netspec.report import Verbosity

    corpus = specs(cfg.stages_size)
    clock: dict[str, float] = {}

    def timed(stage: str, work: Callable[[], object]) -> object:
        start = time.perf_counter()
        value = work()
        clock[stage] = time.perf_counter() - start
        return value

    docs = timed("load (YAML, positions kept)", lambda: [load_bytes(raw, path)[0] for raw, path in corpus])
    views = timed("schema + rules", lambda: [check_and_view(doc)[1] for doc in docs])
    networks = timed("model", lambda: [build_network(view) for view in views])
    options = RenderOptions()
    files = timed("render", lambda: [render_module(network, options=options) for network in networks])
    results = [Result(path, (), network, rendered, claim=claim_of(network))
               for (_, path), network, rendered in zip(corpus, networks, files)]
    settings = dataclasses.replace(config.Settings(), out=tmp / "out", verbosity=Verbosity.QUIET)
    timed("write (fresh out/, durable)", lambda: _write_back(results, settings, WriteBack.YES))

    def create_only() -> None:
        """The file system's own floor for that write: the same folders and bytes, created and synced, nothing else."""
        floor = tmp / "floor"
        for i, module in enumerate(files):
            folder = floor / str(i)
            folder.mkdir(parents=True)
            for name, text in module.items():
                (folder / name).write_text(text)
        os.sync()

    timed("floor of that write: the same files created in fresh folders, one sync", create_only)
    n = len(corpus)
    return [Measure("stages", f"{stage}, {n:,} specs", took, note=f"{took / n * 1000:.2f} ms per spec")
            for stage, took in clock.items()]


# terraform as it runs without netspec's RUNTIME_DEFAULTS (an empty TF_LOG_SDK is "unset" to the provider).
PLAIN_TERRAFORM = {"GOGC": "100", "TF_LOG_SDK": ""}


def terraform_floor(repo: Path, runs: int) -> float:
    """verify's floor: `terraform init` + `validate` run directly on the root verify writes for repo/out
    (written here untimed, by verify's own `children_of` and `write_root`), median of `runs` after one
    untimed, with the runtime settings verify gives terraform. What a hand-written root calling every
    module costs: terraform's own work, no netspec."""
    from netspec import terraform
    from netspec.cli.verify import children_of, write_root
    root = repo / "floor-root"
    write_root(root, *children_of(repo / "out", {}))
    config = repo / "floor.tfrc"
    config.write_text(terraform.cli_config(terraform.plugin_dir()))
    env = terraform.environment(config)

    def once() -> float:
        shutil.rmtree(root / ".terraform", ignore_errors=True)
        (root / ".terraform.lock.hcl").unlink(missing_ok=True)
        start = time.perf_counter()
        for args in (["init", "-backend=false", "-input=false", "-no-color"], ["validate", "-json", "-no-color"]):
            done = subprocess.run(["terraform", *args], cwd=root, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"bench: terraform {args[0]} of the floor root failed: {done.stderr[-2000:]}")
        return time.perf_counter() - start

    once()
    took = statistics.median(once() for _ in range(runs))
    shutil.rmtree(root)
    return took


def verify(cfg: Config, tmp: Path) -> list[Measure]:
    if shutil.which("terraform") is None:
        return [Measure("verify", "`netspec verify`", None, note="terraform is not on PATH: not measured")]
    measures, times, floors = [], {}, {}
    for count in cfg.verify_counts:
        repo = tmp / f"verify-{count}"
        write_specs(repo, count)
        run_once(netspec("compile", "specs"), repo)
        # Cold: every module validated (--no-cache), as a first run or a CI job without a kept cache.
        times[count] = median_run(netspec("verify", "--no-cache", "out"), repo, cfg.verify_runs)
        measures.append(Measure("verify", f"`netspec verify --no-cache out/`, {count} module(s)", times[count]))
        floors[count] = terraform_floor(repo, cfg.verify_runs)
        measures.append(Measure("verify", f"terraform init + validate of the same root by hand, {count} module(s) "
                                "(floor)", floors[count]))
        if count == max(cfg.verify_counts):  # what terraform's runtime defaults (terraform.py) save
            plain = median_run(netspec("verify", "--no-cache", "out"), repo, cfg.verify_runs, env=PLAIN_TERRAFORM)
            measures.append(Measure("verify", f"`netspec verify --no-cache out/`, {count} module(s), terraform's own "
                                    "GC and logging", plain, note="GOGC=100, provider SDK logs on: as before RUNTIME_DEFAULTS"))
            run_once(netspec("verify", "out"), repo)  # keeps the modules it found nothing in
            edits = iter(range(1, 1_000_000))

            def change_one() -> None:  # a pull request that changes one spec: its module alone is validated
                spec = repo / "specs" / "team-0.yaml"
                spec.write_text(re.sub(r'cost-center: "[^"]*"', f'cost-center: "1000-{next(edits)}"', spec.read_text()))
                run_once(netspec("compile", "specs"), repo)

            warm = median_run(netspec("verify", "out"), repo, cfg.verify_runs, before=change_one)
            measures.append(Measure("verify", f"`netspec verify out/`, {count} module(s), one changed since the "
                                    "last verify (its cache kept)", warm))
        shutil.rmtree(repo)
    low, high = min(times), max(times)
    if high > low:
        measures.append(Measure("verify", f"verify {high} / verify {low}", times[high] / times[low], "x",
                                2.0 if (low, high) == (1, 100) else None))
        measures.append(Measure("verify", f"floor {high} / floor {low}: terraform's own ratio", floors[high] / floors[low],
                                "x"))
    return measures


SCENARIOS: dict[str, Callable[[Config, Path], list[Measure]]] = {
    "startup": startup, "commands": commands, "inprocess": inprocess, "crossspec": crossspec,
    "stages": stages, "verify": verify,
}


# ---------------------------------------------------------------------------------------- report

def machine() -> dict[str, object]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    terraform = shutil.which("terraform")
    tf_version = None
    if terraform:
        done = subprocess.run([terraform, "version"], capture_output=True, text=True)
        tf_version = done.stdout.splitlines()[0] if done.stdout else None
    return {"cpus": usable, "cpu_model": model, "python": platform.python_version(),
            "pyyaml": yaml.__version__, "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
            "platform": platform.platform(), "terraform": tf_version,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def table(measures: list[Measure]) -> str:
    rows = [("measure", "target", "result", "vs target")]
    for m in measures:
        target = "" if m.limit is None else f"<= {m.shown(m.limit)}"
        verdict = {None: "", True: "met", False: "MISSED"}[m.met]
        result = m.shown(m.value) + (f" ({m.note})" if m.note else "")
        rows.append((m.name, target, result, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each (proves the bench works)")
    parser.add_argument("--only", default="", help=f"comma-separated scenarios: {', '.join(SCENARIOS)}")
    parser.add_argument("--runs", type=int, help="whole-process runs per measure (median reported; default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", help="spec counts for the commands scenario")
    parser.add_argument("--json", metavar="FILE", help="also write the machine and every measure as JSON ('-': stdout)")
    args = parser.parse_args(argv)
    cfg = Config(**QUICK) if args.quick else Config()
    if args.runs:
        cfg = dataclasses.replace(cfg, runs=args.runs, startup_runs=max(args.runs, cfg.startup_runs),
                                  verify_runs=args.runs)
    if args.sizes:
        cfg = dataclasses.replace(cfg, sizes=tuple(args.sizes))
    chosen = [s for s in args.only.split(",") if s] or list(SCENARIOS)
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    about = machine()
    print(f"machine: {about['cpus']} CPU(s), {about['cpu_model']}; Python {about['python']}; "
          f"PyYAML {about['pyyaml']} {'with' if about['libyaml'] else 'WITHOUT'} libyaml; {about['terraform']}; "
          f"load average {about['load_average']}", file=sys.stderr)
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="netspec-bench-") as tmp:
        for name in chosen:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            folder = Path(tmp) / name
            folder.mkdir()
            measures += SCENARIOS[name](cfg, folder)
            print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    about["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(table(measures))
    if args.json:
        document = {"machine": about, "config": dataclasses.asdict(cfg),
                    "measures": [{**dataclasses.asdict(m), "met": m.met} for m in measures]}
        text = json.dumps(document, indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            Path(args.json).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
