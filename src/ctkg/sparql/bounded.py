"""Work on a query that may be abandoned: Oxigraph's parse, plan and evaluation under a deadline.

pyoxigraph's ``Store.query`` takes no timeout and cannot be cancelled, and its planner is
superlinear (measured: a 200-pattern BGP of 3 KB takes 13 s to plan; a 1,000-disjunct
FILTER, 12 KB, about 0.9 s). So the work runs in a daemon worker thread and the caller
waits for it at most ``timeout`` seconds; pyoxigraph releases the GIL while it works, so
the wait really ends on time.

When the deadline passes the caller gets a :class:`~ctkg.errors.CTKGError` and the worker is
*abandoned*, not stopped: it runs on, using CPU and memory, until Oxigraph finishes or the
process exits. Being a daemon thread it never keeps the process alive, so for ``ctkg query``
(one query per process) the exit right after the error ends it; a long-lived caller that
runs untrusted queries should run them in a child process it can kill.

The worker gets a large stack (virtual memory, only touched pages are used): Oxigraph's
parser and planner recurse once per nested group or chained operator, and with the default
8 MiB stack a 16 KB chain of ``1+1+…`` overflows it and kills the process (exit 139). With
256 MiB a chain filling the whole size limit of :mod:`ctkg.sparql.limits` is safe.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ctkg.sparql.queryfile import fail

T = TypeVar("T")

#: Seconds a query may take on the embedded store (``ctkg query --timeout`` changes it).
DEFAULT_TIMEOUT = 30.0
#: Stack of a worker thread: deep recursion in Oxigraph must not overflow it (see above).
WORKER_STACK_BYTES = 256 * 1024 * 1024

_STACK_LOCK = threading.Lock()


def run_bounded(work: Callable[[], T], *, timeout: float, source: str | Path = "query",
                what: str = "the query") -> T:
    """``work()`` in a daemon worker thread; its value or its exception, or a CTKGError
    naming ``source`` if it has not finished after ``timeout`` seconds (then abandoned)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def worker() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the waiting caller, raised there
            _release_frames(exc)
            failure.append(exc)

    with _STACK_LOCK:  # threading.stack_size is process-wide: set it only around start()
        previous = threading.stack_size(WORKER_STACK_BYTES)
        try:
            thread = threading.Thread(target=worker, name="ctkg-query", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join(timeout if timeout > 0 else None)
    if thread.is_alive():
        raise fail(f"{what} did not finish within {timeout:g} s and was abandoned "
                   "(--timeout sets the limit)", source)
    if failure:
        raise failure[0]
    return outcome[0]


def _release_frames(exc: BaseException | None) -> None:
    """Drop the locals of the worker's frames held by ``exc`` and the exceptions it chains,
    in the worker: pyoxigraph objects are bound to their thread and must not be freed by
    the caller's thread when it lets go of the exception."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__
