"""Each spec's work, in this process or spread over worker processes (`-j`).

`check_job` checks a spec and builds its model (the pure pipeline), and for `compile`
renders its module, unless the module on disk already is what it compiles to (its files'
headers say so: `writer.ModuleFolder.current`). A spec not loaded yet is read (bounded) and
loaded there too: a run whose specs' contexts depend on their paths alone takes this one step.
When the repository decides across specs (`repository.plan`: a pool's blocks), every spec is
loaded first (`load_spec`), in a step of its own. It returns the result without the model and
the document (`Result.detached`) unless asked to keep the model: the run needs only claims for
the cross-spec checks, where they point, findings and files, and a model or a document costs
more to send between processes than to build.
With the findings cache (cli/cache.py) the first step only reads and hashes each spec, and
`check_job` answers an unchanged one from what an earlier run found: at once for `validate`,
and for `compile` once its module on disk is found current; otherwise it loads and checks the
spec after all, and returns the entry the cache keeps for it.

`Workers.map` runs a step for many specs, in order: in this process for a few specs or
`-j 1`, else in a pool of forked workers (a worker inherits everything this process
has imported, so it starts in milliseconds). Results come back in the specs' order,
whatever the number of workers, so findings and output are the same for every `-j`.
Only the edge does this: the pipeline stays a pure function of the spec's bytes and context.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..codes import code
from ..files import NotRegular, TooLarge, read_bounded
from ..findings import Finding, Location, display_path
from ..context import SpecContext
from ..loader import MAX_SPEC_BYTES, load_bytes, too_large, without_bom
from ..pipeline import Result, check_loaded, render_result
from ..pools import wants_pool
from ..render import RenderOptions, file_names, stamp
from ..writer import LinkedFolder, ModuleFolder
from .cache import Entry, entry_of
from .repository import Source

# Below this many specs a run stays in this process: starting workers (forking, a pipe each)
# costs about as much as checking this many specs (whole runs are timed by bench/run.py).
PARALLEL_MIN_SPECS = 24

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Work:
    """What each spec of a run goes through (sent to the workers, so plain data)."""

    render: RenderOptions | None = None  # None: check only (validate); else render the module
    out: Path | None = None  # where modules are: one already current is not rendered again
    writing: bool = False  # compile writes: temporary files a killed run left make a module not current
    force: bool = False  # render every module, whatever its files' headers say
    keep_model: bool = False  # the command reads the model (explain, graph, inventory, atlantis)


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity, where the system tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def read_spec_file(path: Path) -> bytes | Finding:
    """A spec's bytes, or the finding that says why it was not read: NS304 (not a regular
    file, or unreadable) or NS007 (over the size limit), decided before reading (`files`)."""
    try:
        return read_bounded(path, MAX_SPEC_BYTES)
    except NotRegular as exc:
        return code("NS304").at(Location(display_path(path)), f"{exc}, not a regular file; specs are read only "
                                "from regular files", hint="remove it, or name it so it does not end in .yaml or .yml")
    except TooLarge as exc:
        return too_large(display_path(path), exc.size)
    except OSError as exc:
        return code("NS304").at(Location(display_path(path)), exc.strerror or str(exc))


def _current(work: Work, result: Result) -> bool:
    network, options = result.network, work.render
    assert network is not None and options is not None
    return _module_current(work, network.name, file_names(network, options), network.source.sha256,
                           stamp.inputs(network.source, options.recorded()))


def _module_current(work: Work, name: str, names: list[str], sha256: str, inputs: str) -> bool:
    """The module OUT/<name>/ holds exactly these files, each naming this spec digest and these inputs."""
    assert work.out is not None
    try:
        with ModuleFolder(work.out / name, write=False) as folder:
            return folder.current(names, sha256, inputs, no_leftovers=work.writing)
    except (LinkedFolder, OSError):
        return False  # writing or comparing it reports why


def finish(work: Work, result: Result) -> Result:
    """A checked spec's result as the run needs it: rendered unless current, without its model
    unless the work keeps it."""
    if work.render is not None and result.network is not None and result.ok:
        if not work.force and work.out is not None and _current(work, result):
            result = dataclasses.replace(result, current=True)
        else:
            result = render_result(result, options=work.render)
    return result if work.keep_model else result.detached()


Read = tuple[Path, str, "bytes | Finding"]  # a spec file, its display path, and its bytes (or why there are none)


def read_one(spec: Path, *, folders: dict[str, str | None] | None = None) -> Read:
    """A spec file's bytes (`folders`: as `display_path`'s)."""
    return spec, display_path(spec, folders=folders), read_spec_file(spec)


def load_read(read: Read) -> Source:
    """A spec file read, loaded (or the finding that says why it was not read)."""
    spec, shown, raw = read
    if isinstance(raw, Finding):
        return Source(shown, spec, None, [raw])
    return Source(shown, spec, *load_bytes(raw, shown))


def load_spec(spec: Path) -> Source:
    """One spec file, read and loaded (or the finding that says why not)."""
    return load_read(read_one(spec))


@dataclass(frozen=True)
class Job:
    """A spec's second step, with the findings cache (cli/cache.py): check a loaded spec, or answer from
    what an earlier run found, loading the spec only when its module on disk is not what it compiles to."""

    source: Source  # not loaded when `raw` is given
    context: SpecContext
    raw: bytes | None = None  # the spec's bytes, not loaded yet
    cached: Entry | None = None  # what an earlier run found for these bytes in this context
    digest: str | None = None  # sha256 of the bytes: the result is to be kept in the cache
    unread: Finding | None = None  # why the spec's bytes could not be read (the source is not loaded)

    def quick(self, work: Work) -> bool:
        """Answered from the cache without reading a file: nothing to render (validate), or no module."""
        return self.cached is not None and (work.render is None or self.cached.module is None or not self.cached.ok)


def check_job(work: Work, job: Job) -> tuple[Result, Entry | None]:
    """The spec's result, and the cache entry of a spec checked anew (None: from the cache, or not to keep)."""
    source, context = job.source, job.context
    if job.cached is not None and job.raw is not None:
        hit = job.cached.result(source.path)
        if job.cached.loaded:
            hit = dataclasses.replace(hit, text=without_bom(job.raw).decode("utf-8"))
        module, options = job.cached.module, work.render
        if job.quick(work):
            return hit, None
        assert module is not None and options is not None and hit.name is not None
        if not work.force and work.out is not None and _module_current(
                work, hit.name, module.names(options), module.sha256,
                module.inputs(source.path, context.recorded(), options)):
            return dataclasses.replace(hit, current=True), None
    if not source.loaded:  # loaded here: from the bytes read before, else read here
        raw = job.raw if job.raw is not None else job.unread
        assert source.file is not None, "standard input is loaded when read"
        source = load_read((source.file, source.path, raw if raw is not None else read_spec_file(source.file)))
    result = check_loaded(source.doc, source.findings, source.path, context=context)
    keep = job.digest is not None and not wants_pool(source.doc)
    entry = entry_of(result, job.digest, context.recorded()) if keep and job.digest is not None else None
    return finish(work, result), entry


def _pool_context():  # type: ignore[no-untyped-def]
    import multiprocessing  # imported here: a run of a few specs never needs it
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


class Workers:
    """The worker processes of one run (`-j`): forked once, when the first step with enough specs
    needs them, and shared by every later step of the run; closed when the run leaves the `with`.

    Forked early and with this process's objects frozen (`gc.freeze`) for the fork: a worker then
    never walks, and so never copies, the pages of what the run holds (every spec loaded so far),
    which costs more system time than the work it takes over."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: Any = None

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=kind is not None)  # an error ends the run: queued steps with it
            self._pool = None

    def map(self, step: Callable[[T], R], items: Sequence[T], *, max_chunk: int = 64) -> Iterator[R]:
        """`step` of every item, in the order of `items`, over the workers when there are enough items.
        Items go to a worker `max_chunk` at most at a time, with `step` (and what it holds) sent once a chunk."""
        workers = min(self.jobs, len(items))
        if workers <= 1 or len(items) < PARALLEL_MIN_SPECS:
            yield from (step(item) for item in items)
            return
        import gc
        chunk = max(1, min(max_chunk, len(items) // (workers * 8)))  # a few chunks per worker evens out their loads
        gc.freeze()
        try:
            if self._pool is None:
                from concurrent.futures import ProcessPoolExecutor
                self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=_pool_context())
            results = self._pool.map(step, items, chunksize=chunk)  # submits every chunk: the workers start here
        finally:
            gc.unfreeze()
        yield from results
