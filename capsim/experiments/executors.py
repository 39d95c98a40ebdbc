"""How to run: executors that map a top-level function over chunks, results in order.

An executor is anything with ``map(function, chunks)`` returning an iterator of the
results in the order of ``chunks``. What is run (a design, its chunks) never depends on
the executor, and every chunk's numbers depend only on its scenario, seed and
replication indices, so all executors give bit-identical results.

``function`` must be a module-level function and ``chunks`` picklable data: that is
what lets the same call run in a Jupyter kernel, a ``spawn``/``forkserver`` process
pool or a Dask cluster.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

CONNECT_TIMEOUT_SECONDS = 10.0
"""How long :class:`DaskExecutor` waits for a scheduler before giving up."""


class WorkerLostError(RuntimeError):
    """A worker process died (killed, or out of memory) before finishing its chunk."""


class Executor(Protocol):
    """Runs ``function`` on each chunk and yields the results in the chunks' order."""

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        """Results of ``function(chunk)`` for each chunk, in order."""
        ...

    @property
    def workers(self) -> int:
        """How many chunks run at once (for choosing a chunk size)."""
        ...


class SerialExecutor:
    """Runs every chunk here, one after another.

    >>> list(SerialExecutor().map(abs, [-1, 2, -3]))
    [1, 2, 3]
    """

    workers = 1

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        """Results of ``function(chunk)`` for each chunk, in order."""
        return (function(chunk) for chunk in chunks)

    def __repr__(self) -> str:
        return "SerialExecutor()"


class ProcessExecutor:
    """Runs chunks in a pool of local worker processes (``concurrent.futures``).

    Parameters
    ----------
    workers
        Number of processes; ``None`` means one per available core.
    start_method
        ``"forkserver"`` (the default where it exists: safe in threaded programs such as
        Jupyter, and quick to start) or ``"spawn"``.
    """

    def __init__(self, workers: int | None = None, start_method: str | None = None) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1 (got {workers})")
        self._workers = workers
        self.start_method = start_method

    @property
    def workers(self) -> int:
        """Number of worker processes."""
        return self._workers or available_cores()

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        """Results of ``function(chunk)`` for each chunk, in order.

        At most two chunks per worker are in flight, so results stream through the
        parent rather than pile up. Interrupting the iteration cancels what is queued.
        A worker that dies stops the map with :class:`WorkerLostError`; the chunks
        already yielded stay good (a stored experiment resumes from them). Workers
        exit as soon as this process dies, however it dies (see :func:`_start_worker`).
        """
        method = self.start_method or _default_start_method()
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Workers forked from a server that has imported capsim start in milliseconds.
            context.set_forkserver_preload(["capsim.experiments.tasks"])
        lifeline, keep = context.Pipe(duplex=False)
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(lifeline,),
        )
        return _ordered(pool, function, chunks, 2 * self.workers, lifeline=(lifeline, keep))

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self._workers})"


def _start_worker(lifeline: Connection) -> None:
    """Set up a pool worker: leave Ctrl-C to the parent, and die with it.

    Ctrl-C reaches every process of the terminal's job; the parent stops the pool, so a
    worker ignores it rather than print a traceback when it comes between two chunks.

    Only the parent holds the writing end of ``lifeline``, so the worker reads end of
    file exactly when the parent has gone, even by SIGKILL, and exits at once. Without
    this, workers forked from the forkserver would wait forever on a call queue whose
    writing end they hold themselves, and they, the forkserver and the resource tracker
    (which wait on the workers) would keep the caller's pipes open.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        wait([lifeline])
        os._exit(1)

    threading.Thread(target=watch, name="capsim-lifeline", daemon=True).start()


def _ordered(
    pool: ProcessPoolExecutor,
    function: Callable[[T], R],
    chunks: Iterable[T],
    window: int,
    lifeline: tuple[Connection, Connection],
) -> Iterator[R]:
    pending: deque[Future[R]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(function, chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        raise WorkerLostError(
            "a worker process died (killed, or out of memory) before finishing its runs"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for end in lifeline:  # after the workers have gone, so that none of them is cut off
            end.close()


class DaskExecutor:
    """Runs chunks on a Dask cluster (needs ``pip install 'capsim[dask]'``).

    Parameters
    ----------
    client_or_address
        A ``distributed.Client``, or the address of a scheduler (``tcp://host:8786``).
    local_cluster
        Start a ``LocalCluster`` on this machine (bound to 127.0.0.1) instead; it is
        closed by :meth:`close` or at the end of a ``with`` block.
    workers
        Worker processes of the local cluster (``None``: one per available core).
    timeout
        Seconds to wait for a scheduler at an address.

    Nothing connects until the first :meth:`map`. A scheduler that does not answer
    within ``timeout`` is a ``ConnectionError``.
    """

    def __init__(
        self,
        client_or_address: Client | str | None = None,
        local_cluster: bool = False,
        workers: int | None = None,
        timeout: float = CONNECT_TIMEOUT_SECONDS,
    ) -> None:
        if (client_or_address is None) == (not local_cluster):
            raise ValueError(
                "give a distributed.Client or a scheduler address, or local_cluster=True"
            )
        self.client_or_address = client_or_address
        self.local_cluster = local_cluster
        self._workers = workers
        self.timeout = timeout
        self._client: Any = None
        self._owned: list[Any] = []

    @property
    def workers(self) -> int:
        """Worker threads of the cluster (cores of this machine until connected)."""
        if self._client is None:
            return self._workers or available_cores()
        threads: dict[str, int] = self._client.nthreads()
        return max(1, sum(threads.values()))

    def client(self) -> Any:
        """The ``distributed.Client``, connecting (or starting the local cluster) first."""
        if self._client is not None:
            return self._client
        try:
            distributed = importlib.import_module("distributed")
        except ImportError as error:
            raise ImportError(
                "DaskExecutor needs dask.distributed: pip install 'capsim[dask]'"
            ) from error
        if self.local_cluster:
            cluster = distributed.LocalCluster(
                n_workers=self._workers or available_cores(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._client = distributed.Client(cluster)
            self._owned = [self._client, cluster]
        elif isinstance(self.client_or_address, str):
            address = self.client_or_address
            try:
                self._client = distributed.Client(address, timeout=self.timeout)
            except (OSError, TimeoutError) as error:
                raise ConnectionError(
                    f"no Dask scheduler answered at {address} within {self.timeout:g} s: {error}"
                ) from None
            self._owned = [self._client]
        else:
            self._client = self.client_or_address
        return self._client

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        """Results of ``function(chunk)`` for each chunk, in order."""
        client = self.client()
        futures = client.map(function, list(chunks), pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            client.cancel(futures)

    def close(self) -> None:
        """Close what this executor started (the client it opened, the local cluster)."""
        for resource in self._owned:
            resource.close()
        self._owned = []
        self._client = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        target = "LocalCluster" if self.local_cluster else repr(self.client_or_address)
        return f"DaskExecutor({target})"


def available_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def free_cores() -> int:
    """Cores not busy: available cores less the one-minute load average, at least 1."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return max(1, available_cores() - int(load))


def default_executor(runs: int) -> Executor:
    """A process pool when more than one core is free and there is enough work, else serial.

    Starting worker processes costs about a second, so fewer than 50 runs stay serial;
    so does a program read from standard input, which worker processes cannot re-read.
    Scripts that use processes need the usual ``if __name__ == "__main__":`` guard.
    """
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    readable_main = main is None or os.path.exists(main)
    if runs >= 50 and free_cores() > 1 and readable_main:
        return ProcessExecutor(workers=free_cores())
    return SerialExecutor()


def _default_start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


__all__ = [
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "WorkerLostError",
    "available_cores",
    "default_executor",
]
