"""The PDF process pool: real PDFs from worker processes, a killed worker costs a retry and
never a closure, threads where processes cannot start, nothing left running at exit."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from pypdf import PdfReader

from flashcoop.app import create_app
from flashcoop.certificates import issuing
from flashcoop.certificates.models import Certificate
from flashcoop.closure import reports
from flashcoop.closure.engine import CLAIM_TIMEOUT, close_cohort
from flashcoop.closure.models import Closure, Report
from flashcoop.cohorts.models import Cohort
from flashcoop.core import pdf
from flashcoop.core.clock import utcnow
from flashcoop.core.storage import StoredFile
from tests.closure_helpers import attend, make_books, sell


def page(text: str, rows: int = 0) -> str:
    table = "".join(f"<tr><td>{i}</td><td>{text} {i}</td></tr>" for i in range(rows))
    return f"<html><body><h1>{text}</h1><table>{table}</table></body></html>"


def text_of(document: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(document)).pages)


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def gone(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def kill_workers() -> set[int]:
    pids = pdf.current_pids()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # killed already, not yet reaped
            os.kill(pid, signal.SIGKILL)
    return pids


async def test_the_pool_renders_real_pdfs_in_other_processes(app):
    names = ["Aïcha", "Bruno", "Chloé", "Dmitri"]
    documents = await asyncio.gather(*(pdf.render_pdf(page(name)) for name in names))
    for name, document in zip(names, documents, strict=True):
        assert name in text_of(document)
    workers = pdf.current_pids()
    assert workers & pdf.worker_pids()  # the documents came from this pool's processes
    assert os.getpid() not in pdf.worker_pids()
    assert len(workers) <= pdf.pool_size() == min(2, os.cpu_count() or 1)
    assert 0 < pdf.peak_worker_rss_kb() < 400 * 1024


async def test_a_worker_killed_mid_render_costs_a_retry_not_the_document(app):
    await pdf.render_pdf(page("warm"))  # the pool is up
    render = asyncio.ensure_future(pdf.render_pdf(page("Long report", rows=1500)))
    await asyncio.sleep(0.3)
    killed = kill_workers()
    assert killed and not render.done()
    document = await render
    assert "Long report 1499" in text_of(document)
    assert pdf.current_pids().isdisjoint(killed)  # a new pool rendered it


@contextlib.asynccontextmanager
async def killing_workers() -> AsyncIterator[None]:
    """Kill every rendering process, again and again, while the block runs."""
    stop = asyncio.Event()

    async def killer() -> None:
        while not stop.is_set():
            kill_workers()
            await asyncio.sleep(0.01)

    task = asyncio.ensure_future(killer())
    try:
        yield
    finally:
        stop.set()
        await task


async def test_renders_that_keep_dying_fail_loudly(app, monkeypatch):
    await pdf.render_pdf(page("warm"))
    async with killing_workers():
        with pytest.raises(pdf.BrokenProcessPool):
            await pdf.render_pdf(page("Never", rows=1500))
    assert "Again" in text_of(await pdf.render_pdf(page("Again")))  # and it recovers


async def _closing_books():
    books = await make_books(("Aïcha", "Bruno", "Chloé", "Dara", "Émile"))
    await attend(books, 3, books.members)
    await sell(books, books.members[0], 30_00)
    return books


async def _one_file_per_certificate(cohort_id: object, members: int) -> None:
    certificates = await Certificate.filter(cohort_id=cohort_id)
    assert len(certificates) == members
    assert all(c.file_id is not None for c in certificates)
    stored = await StoredFile.filter(name__startswith="certificate-").count()
    assert stored == members  # no orphan copy from a render that was retried


async def test_a_closure_survives_its_rendering_processes_being_killed(app, settings, monkeypatch):
    books = await _closing_books()
    real = issuing.render_certificate_pdf
    kills: list[set[int]] = []

    async def render_then_kill(*args, **kwargs) -> bytes:
        if not kills:  # once, while the first certificates are in the workers
            kills.append(set())
            asyncio.get_running_loop().call_later(0.05, lambda: kills[0].update(kill_workers()))
        return await real(*args, **kwargs)

    monkeypatch.setattr(issuing, "render_certificate_pdf", render_then_kill)
    assert await close_cohort(books.cohort.id, trigger="manual", settings=settings)
    assert (await Closure.get(cohort_id=books.cohort.id)).step == "done"
    await _one_file_per_certificate(books.cohort.id, 5)
    for document in await Report.filter(cohort_id=books.cohort.id, format="pdf"):
        stored = await StoredFile.get(id=document.file_id)
        assert bytes(stored.content).startswith(b"%PDF")


async def test_when_renders_keep_dying_the_report_step_stops_and_is_retried(
    app, settings, monkeypatch
):
    books = await _closing_books()
    real = reports.render_pdf

    async def render_while_killing(html: str) -> bytes:
        async with killing_workers():
            return await real(html)

    monkeypatch.setattr(reports, "render_pdf", render_while_killing)
    with pytest.raises(pdf.BrokenProcessPool):
        await close_cohort(books.cohort.id, trigger="manual", settings=settings)
    closure = await Closure.get(cohort_id=books.cohort.id)
    assert closure.step == "certificates"  # stopped at the reports, nothing half done after
    assert (await Cohort.get(id=books.cohort.id)).status == "closing"
    monkeypatch.setattr(reports, "render_pdf", real)
    later = utcnow() + CLAIM_TIMEOUT + timedelta(minutes=1)
    assert await close_cohort(books.cohort.id, trigger="schedule", settings=settings, now=later)
    assert (await Closure.get(cohort_id=books.cohort.id)).step == "done"
    stored = await Report.filter(cohort_id=books.cohort.id).values_list("audience", "format")
    assert {fmt for _, fmt in stored} == {"csv", "json", "pdf"}
    assert len(stored) == len(set(stored))
    await _one_file_per_certificate(books.cohort.id, 5)


async def test_the_app_stops_its_rendering_processes_at_exit(settings):
    application = create_app(settings)
    async with LifespanManager(application):
        assert "Bye" in text_of(await pdf.render_pdf(page("Bye")))
        workers = pdf.current_pids()
        assert workers and all(alive(pid) for pid in workers)
    assert pdf.current_pids() == set()
    assert gone(workers)


async def test_threads_render_when_configured_or_when_processes_cannot_start(settings, monkeypatch):
    application = create_app(dataclass_replace(settings, pdf_workers=0))
    async with LifespanManager(application):
        assert not pdf.uses_processes()
        before = pdf.worker_pids()
        assert "Threads" in text_of(await pdf.render_pdf(page("Threads")))
        assert pdf.worker_pids() == before and pdf.current_pids() == set()

    def no_processes(*args, **kwargs):
        raise OSError("no /dev/shm here")

    monkeypatch.setattr(pdf, "ProcessPoolExecutor", no_processes)
    async with LifespanManager(create_app(settings)):
        assert "Fallback" in text_of(await pdf.render_pdf(page("Fallback")))
        assert not pdf.uses_processes() and pdf.current_pids() == set()
    monkeypatch.undo()
    async with LifespanManager(create_app(settings)):  # the next start tries processes again
        assert "Back" in text_of(await pdf.render_pdf(page("Back")))
        assert pdf.uses_processes() and pdf.current_pids()


def dataclass_replace(settings, **changes):
    import dataclasses

    return dataclasses.replace(settings, **changes)
