"""HTML → PDF with WeasyPrint in a small pool of processes, off the event loop.

WeasyPrint holds the GIL for a whole render (a certificate ~0.1 s, a report ~1-2 s), so threads
would freeze the sale form as surely as running it on the loop: the renders go to processes.

- The pool is small (FLASHCOOP_PDF_WORKERS, default 2, never more than the CPUs): a closure's
  thirty certificates are rendered that many at a time, and the app keeps a core for requests.
- Processes come from a fork server that has already imported WeasyPrint (core/pdf_worker.py):
  a new worker starts in milliseconds, and nothing is ever forked from this process, which has
  an event loop, threads and database connections.
- The pool is replaced after RECYCLE_AFTER renders, so a worker's memory (Pango's caches grow
  with every document) stays bounded. Replacing the whole pool rather than using
  `max_tasks_per_child` avoids CPython's gh-115634: on 3.11 that option can hang the pool.
- A worker that dies (killed, out of memory) breaks the pool: the renders it took down are
  retried once on a fresh pool, so one crash costs a retry, not a closure.
- Where processes cannot start (no /dev/shm, no semaphores), or with FLASHCOOP_PDF_WORKERS=0,
  renders run in threads, one at a time per worker slot, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import anyio

log = logging.getLogger(__name__)

RECYCLE_AFTER = 60  # renders per pool before it is replaced (workers restart with fresh memory)
SHUTDOWN_TIMEOUT = 10.0  # seconds the workers get to exit at shutdown before they are killed
WORKER_MODULE = "flashcoop.core.pdf_worker"


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


@dataclass
class _Pool:
    executor: ProcessPoolExecutor
    submitted: int = 0


@dataclass
class _State:
    workers: int = field(default_factory=default_workers)
    pool: _Pool | None = None
    threads_only: bool = False  # processes could not start here: render in threads
    peak_rss_kb: int = 0  # the largest VmHWM any worker reported
    worker_pids: set[int] = field(default_factory=set)


_state = _State()
_lock = threading.Lock()  # the pool is created and replaced from worker threads
# At most one render per worker at a time: the pool's own queue stays empty (a long queue
# would only hold PDFs in memory), and the thread fallback renders as many at once.
_slots = anyio.CapacityLimiter(_state.workers)


def configure(workers: int) -> None:
    """Set the pool's size (0: threads only); the next render uses it. Called at start-up."""
    size = max(0, min(workers, os.cpu_count() or 1))
    with _lock:
        if size == _state.workers and _state.threads_only == (size == 0):
            return
        _shutdown_locked(wait=False)
        _state.workers = size
        _state.threads_only = size == 0
    _slots.total_tokens = max(1, size)


def pool_size() -> int:
    """How many renders run at once (what callers bound their own concurrency by)."""
    return max(1, _state.workers)


def uses_processes() -> bool:
    return not _state.threads_only


def peak_worker_rss_kb() -> int:
    """The largest peak memory a rendering process reported since start-up, in kB."""
    return _state.peak_rss_kb


def worker_pids() -> set[int]:
    """Every rendering process seen since start-up (for the bench and the tests)."""
    return set(_state.worker_pids)


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_MODULE])
    return context


def _new_pool() -> _Pool | None:
    from flashcoop.core import pdf_worker

    try:
        executor = ProcessPoolExecutor(
            max_workers=_state.workers, mp_context=_context(), initializer=pdf_worker.start
        )
    except (OSError, NotImplementedError, ImportError) as exc:
        log.warning("PDF: no process pool here (%s): rendering in threads", exc)
        _state.threads_only = True
        return None
    return _Pool(executor)


def _current_locked(broken: _Pool | None) -> _Pool | None:
    """The pool to use, replaced when it is `broken` or has rendered enough (its workers
    finish what they hold, then exit); None when renders must go to threads."""
    pool = _state.pool
    if pool is not None and pool is broken:
        _stop(pool, kill=True)
        pool = _state.pool = None
    elif pool is not None and pool.submitted >= RECYCLE_AFTER:
        pool.executor.shutdown(wait=False)  # its workers finish what they hold, then exit
        pool = _state.pool = None
    if pool is None and not _state.threads_only:
        pool = _state.pool = _new_pool()
    return pool


def _submit(
    html: str, base_url: str | None, broken: _Pool | None
) -> tuple[_Pool, Future[tuple[bytes, int, int]]] | None:
    """Hand one render to the current pool (run in a thread: starting the fork server or a
    worker must not wait on the event loop). `broken` is a pool seen broken: replace it.
    None: render in a thread instead."""
    from flashcoop.core import pdf_worker

    with _lock:
        for _ in range(2):  # a pool whose idle worker died is found broken here: a new one
            pool = _current_locked(broken)
            if pool is None:
                return None
            pool.submitted += 1
            try:
                return pool, pool.executor.submit(pdf_worker.render_in_worker, html, base_url)
            except BrokenProcessPool:
                broken = pool
            except (OSError, NotImplementedError) as exc:
                log.warning("PDF: worker processes cannot start (%s): rendering in threads", exc)
                _shutdown_locked(wait=False)
                _state.threads_only = True
                return None
        raise BrokenProcessPool("the PDF rendering processes keep dying")


async def _in_pool(html: str, base_url: str | None, broken: _Pool | None) -> bytes | None:
    submitted = await anyio.to_thread.run_sync(_submit, html, base_url, broken)
    if submitted is None:
        return None
    pool, future = submitted
    try:
        pdf, pid, peak = await asyncio.wrap_future(future)
    except BrokenProcessPool:
        if broken is not None:
            raise  # broken twice in a row: this document is the likely cause
        log.warning("PDF: a rendering process died; retrying on a new pool")
        return await _in_pool(html, base_url, pool)
    if len(_state.worker_pids) > 256:  # a long-lived server: keep the record bounded
        _state.worker_pids.clear()
    _state.worker_pids.add(pid)
    _state.peak_rss_kb = max(_state.peak_rss_kb, peak)
    return pdf


def _warm() -> None:
    from flashcoop.core import pdf_worker

    with _lock:
        pool = _current_locked(None)
        if pool is None:
            return
        try:
            for _ in range(_state.workers):  # each submit starts a worker until all are up
                pool.executor.submit(pdf_worker.noop)
        except (OSError, NotImplementedError, RuntimeError, BrokenProcessPool) as exc:
            log.warning("PDF: could not start the rendering processes early (%s)", exc)


def warm_up() -> None:
    """Start the rendering processes now, in the background (a closure calls this before its
    database work, so the first render does not wait for WeasyPrint to load)."""
    if not _state.threads_only:
        threading.Thread(target=_warm, name="pdf-warm-up", daemon=True).start()


def _render_in_thread(html: str, base_url: str | None) -> bytes:
    from flashcoop.core import pdf_worker

    return pdf_worker.render(html, base_url)


async def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render a complete HTML document (with its own CSS) to PDF bytes."""
    async with _slots:
        if not _state.threads_only:
            pdf = await _in_pool(html, base_url, None)
            if pdf is not None:
                return pdf
        return await anyio.to_thread.run_sync(_render_in_thread, html, base_url)


def _stop(pool: _Pool, *, kill: bool, timeout: float = 0) -> None:
    """Shut `pool` down; with `kill`, end whatever worker is still there after `timeout`.

    A broken pool is killed outright: on CPython 3.11 a worker started while another died can
    be left blocked on a pipe nobody reads, and the executor would wait for it forever (at
    exit too). The executor's process table is private API, read defensively."""
    executor = pool.executor
    processes = getattr(executor, "_processes", None) or {}  # the live table, not a copy
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    if manager is not None and timeout:
        manager.join(timeout)
    if kill:
        for process in list(processes.values()):
            with contextlib.suppress(OSError, ValueError):
                if process.is_alive():
                    process.kill()


def _shutdown_locked(*, wait: bool) -> None:
    pool, _state.pool = _state.pool, None
    if pool is not None:
        # Waiting: the workers get their stop signal and exit; one that does not within
        # SHUTDOWN_TIMEOUT is killed, so an app or a command always ends.
        _stop(pool, kill=wait, timeout=SHUTDOWN_TIMEOUT if wait else 0)


def shutdown(*, wait: bool = True) -> None:
    """Stop the rendering processes (app exit, end of a command); a later render starts a new
    pool. Renders still queued are cancelled."""
    with _lock:
        _shutdown_locked(wait=wait)


async def aclose() -> None:
    """`shutdown` from async code (the app's lifespan), without blocking the event loop."""
    await anyio.to_thread.run_sync(shutdown)


def current_pids() -> set[int]:
    """The live processes of the current pool (empty when none)."""
    pool = _state.pool
    if pool is None:
        return set()
    processes = getattr(pool.executor, "_processes", None) or {}
    return set(processes)
