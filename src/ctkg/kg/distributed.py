"""The per-document stage (compile + validation units) on a Dask distributed cluster.

Why Dask: the stage is a Python map of pure functions (:mod:`ctkg.kg.parallel`), and a Dask
client gives a ``concurrent.futures.Executor`` for exactly that, on a cluster of any size,
with a scheduler the user already knows how to run (``dask scheduler`` / ``dask worker``).
The union-level steps (checks, QC, serialization) stay in the building process. Optional:
``pip install "ctkg[distributed]"``; without it ``--scheduler`` stops with that advice.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager
from typing import Any

from ctkg.errors import CTKGError, Problem
from ctkg.kg.parallel import ExecutorFactory

EXTRA = 'pip install "ctkg[distributed]"'


def _problem(message: str) -> CTKGError:
    return CTKGError([Problem("--scheduler", None, message)])


def parse_scheduler(spec: str) -> tuple[str, int]:
    """``("local", N)`` for ``local:N``, else ``("address", 0)`` for ``tcp://host:port``."""
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise _problem(f"{spec!r}: expected local:N with N >= 1 worker processes")
        return "local", int(count)
    if "://" not in spec:
        raise _problem(f"{spec!r}: expected a scheduler address such as tcp://host:8786 "
                       "or local:N")
    return "address", 0


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise _problem(f"Dask distributed is not installed ({exc}); install the extra: "
                       f"{EXTRA}") from exc
    return distributed


@contextmanager
def cluster(spec: str, timeout: float = 30) -> Iterator[ExecutorFactory]:
    """Connect to the scheduler ``spec`` names (starting a LocalCluster of N worker
    processes on loopback for ``local:N``) and yield a factory of executors on it; the
    client (and a local cluster) close on exit."""
    kind, workers = parse_scheduler(spec)
    distributed = _import_distributed()
    with ExitStack() as stack:
        try:
            if kind == "local":
                local = stack.enter_context(distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    host="127.0.0.1", dashboard_address=None))
                client = stack.enter_context(distributed.Client(local, timeout=timeout))
            else:
                client = stack.enter_context(distributed.Client(spec, timeout=timeout))
        except OSError as exc:
            raise _problem(f"cannot reach the Dask scheduler {spec}: {exc}") from exc
        try:  # a scheduler without workers would wait for ever
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as exc:
            raise _problem(f"no Dask worker joined the scheduler {spec} within {timeout:.0f} s "
                           "(start some with: dask worker ADDRESS)") from exc

        def executor() -> Executor:
            pool: Executor = client.get_executor()
            return pool

        yield executor
