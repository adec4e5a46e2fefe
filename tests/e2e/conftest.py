"""Session fixtures of the e2e suite: one moto server, and every deployment run once, in parallel.

The deployments run inside one session fixture (a thread pool; terraform mostly waits on
the provider's own waiters, so 3 workers fit on 2 cores) and record what happened. Tests
then only assert on those records, so a failing check never leaves anything running.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .emulator import Emulator, EmulatorError, in_ci, isolated_env, start
from .runs import EXAMPLES, Deployment, Evolution, deploy_example, evolve

WORKERS = 3


@pytest.fixture(scope="session")
def e2e_env(tf_env: dict[str, str]) -> dict[str, str]:
    """tf_env (offline provider mirror) plus isolation from any real AWS endpoint."""
    return isolated_env(tf_env)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Emulator:
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    try:
        server = start(isolated_env(dict(os.environ)), log)
    except (EmulatorError, OSError) as exc:
        if in_ci():
            pytest.fail(f"the AWS emulator could not start: {exc}")  # CI must prove deployments
        pytest.skip(f"the AWS emulator could not start: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def runs(emulator: Emulator, e2e_env: dict[str, str], tmp_path_factory) -> tuple[dict[str, Deployment], Evolution]:
    root: Path = tmp_path_factory.mktemp("deploy")
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="deploy") as pool:
        # The evolution job is the longest chain (apply, two plans, destroy): start it first.
        evolution = pool.submit(evolve, root / "evolution", emulator, e2e_env)
        examples = {spec.stem: pool.submit(deploy_example, spec, root / spec.stem, emulator, e2e_env)
                    for spec in EXAMPLES}
        return {name: job.result() for name, job in examples.items()}, evolution.result()


@pytest.fixture(scope="session")
def deployments(runs) -> dict[str, Deployment]:
    return runs[0]


@pytest.fixture(scope="session")
def evolution(runs) -> Evolution:
    return runs[1]
