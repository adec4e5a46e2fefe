"""Each spec's work, in this process or spread over worker processes (`-j`).

`check_spec` is what every spec of a run goes through: read it (bounded), check it and
build its model (the pure pipeline), and for `compile` render its module, unless the
module on disk already is what it compiles to (its files' headers say so:
`writer.ModuleFolder.current`). It returns the result without the model, which is all
the run needs afterwards (claims for the cross-spec checks, findings, files): a model
costs more to send between processes than to build.

`check_specs` runs it for many specs, in order: in this process for a few specs or
`-j 1`, else in a pool of forked workers (a worker inherits everything this process
has imported, so it starts in milliseconds). Results come back in the specs' order,
whatever the number of workers, so findings and output are the same for every `-j`.
Only the edge does this: the pipeline stays a pure function of the spec's bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..codes import code
from ..files import NotRegular, TooLarge, read_bounded
from ..findings import Finding, Location, display_path
from ..loader import MAX_SPEC_BYTES, too_large
from ..pipeline import Result, check_bytes, render_result
from ..render import RenderOptions, file_names, stamp
from ..writer import LinkedFolder, ModuleFolder

# Below this many specs a run stays in this process: starting workers (forking, a pipe each)
# costs about as much as checking this many specs (bench/bench_compile.py measures the crossover).
PARALLEL_MIN_SPECS = 24


@dataclass(frozen=True)
class Work:
    """What each spec of a run goes through (sent to the workers, so plain data)."""

    render: RenderOptions | None = None  # None: check only (validate); else render the module
    out: Path | None = None  # where modules are: one already current is not rendered again
    writing: bool = False  # compile writes: temporary files a killed run left make a module not current
    force: bool = False  # render every module, whatever its files' headers say


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity, where the system tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def read_spec_file(path: Path) -> bytes | Finding:
    """A spec's bytes, or the finding that says why it was not read: NS304 (not a regular
    file, or unreadable) or NS007 (over the size limit), decided before reading (`files`)."""
    shown = display_path(path)
    try:
        return read_bounded(path, MAX_SPEC_BYTES)
    except NotRegular as exc:
        return code("NS304").at(Location(shown), f"{exc}, not a regular file; specs are read only from regular files",
                                hint="remove it, or name it so it does not end in .yaml or .yml")
    except TooLarge as exc:
        return too_large(shown, exc.size)
    except OSError as exc:
        return code("NS304").at(Location(shown), exc.strerror or str(exc))


def _current(work: Work, result: Result) -> bool:
    network, options = result.network, work.render
    assert network is not None and options is not None and work.out is not None
    try:
        with ModuleFolder(work.out / network.name, write=False) as folder:
            return folder.current(file_names(network, options), network.source.sha256,
                                  stamp.inputs(network.source, options.recorded()), no_leftovers=work.writing)
    except (LinkedFolder, OSError):
        return False  # writing or comparing it reports why


def finish(work: Work, result: Result) -> Result:
    """A checked spec's result as the run needs it: rendered unless current, without its model."""
    if work.render is not None and result.network is not None and result.ok:
        if not work.force and work.out is not None and _current(work, result):
            result = dataclasses.replace(result, current=True)
        else:
            result = render_result(result, options=work.render)
    return dataclasses.replace(result, network=None)


def check_spec(work: Work, spec: Path) -> Result:
    """One spec file's result."""
    shown = display_path(spec)
    raw = read_spec_file(spec)
    if isinstance(raw, Finding):
        return Result(shown, (raw,))
    return finish(work, check_bytes(raw, shown))


def _pool_context():  # type: ignore[no-untyped-def]
    import multiprocessing  # imported here: a run of a few specs never needs it
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def check_specs(work: Work, specs: Sequence[Path], *, jobs: int) -> Iterator[Result]:
    """Every spec's result, in the order of `specs`, over `jobs` worker processes when there are enough specs."""
    workers = min(jobs, len(specs))
    if workers <= 1 or len(specs) < PARALLEL_MIN_SPECS:
        yield from (check_spec(work, spec) for spec in specs)
        return
    from concurrent.futures import ProcessPoolExecutor
    chunk = max(1, min(64, len(specs) // (workers * 8)))  # a few chunks per worker evens out their loads
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        yield from pool.map(functools.partial(check_spec, work), specs, chunksize=chunk)
