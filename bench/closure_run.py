"""The closure bench's measured phases, each run in a process of its own: the whole closure
with a PDF pool of a given size, and bare WeasyPrint on the same documents."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _capture() -> list[tuple[str, str]]:
    """Keep every HTML document the closure renders to PDF: (kind, html)."""
    from flashcoop.certificates import pdf as certificate_pdf
    from flashcoop.closure import reports

    captured: list[tuple[str, str]] = []

    def keeping(kind: str, real: Callable[..., Awaitable[bytes]]) -> Any:
        async def render(html: str, **options: Any) -> bytes:
            captured.append((kind, html))
            return await real(html, **options)

        return render

    certificate_pdf.render_pdf = keeping("certificate", certificate_pdf.render_pdf)
    reports.render_pdf = keeping("report", reports.render_pdf)
    return captured


def _keep(captured: list[tuple[str, str]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, (kind, html) in enumerate(captured):
        (folder / f"{number:03d}-{kind}.html").write_text(html)


async def close(url: str, workers: int, capture: Path | None) -> dict[str, Any]:
    """Close the big cohort in this process: whole time, time per step, the rendering
    processes' peak memory."""
    from bench.common import bench_settings
    from flashcoop.accounts.models import User
    from flashcoop.closure import engine
    from flashcoop.closure.models import Closure
    from flashcoop.cohorts.models import Cohort
    from flashcoop.core import db, pdf
    from flashcoop.domains import house

    house()
    pdf.configure(workers)
    captured = _capture()
    await db.init_db(url)
    try:
        cohort = await Cohort.get(name="Bench")
        user = await User.get(email="bench@example.org")
        settings = bench_settings(url, pdf_workers=workers)
        steps: dict[str, float] = {}
        current = ["claim"]
        stalls: dict[str, float] = {}  # the longest the event loop was held, by step

        async def watch() -> None:
            loop = asyncio.get_running_loop()
            while True:
                before = loop.time()
                await asyncio.sleep(0.005)
                late = loop.time() - before - 0.005
                stalls[current[0]] = max(stalls.get(current[0], 0.0), late)

        def timed(name: str, work: Callable[[Any], Awaitable[None]]) -> Any:
            async def step(run: Any) -> None:
                current[0] = name
                started = time.perf_counter()
                await work(run)
                steps[name] = time.perf_counter() - started

            return step

        engine.STEP_WORK = tuple((d, timed(d, w)) for d, w in engine.STEP_WORK)  # type: ignore[misc]
        watcher = asyncio.ensure_future(watch())
        started = time.perf_counter()
        assert await engine.close_cohort(cohort.id, trigger="manual", settings=settings, by=user)
        total = time.perf_counter() - started
        watcher.cancel()
        closure = await Closure.get(cohort_id=cohort.id)
        assert closure.step == "done"
    finally:
        await db.close_db()
        await pdf.aclose()
    if capture is not None:
        _keep(captured, capture)
    return {
        "total": total,
        "steps": steps,
        "entries": closure.ledger_entries,
        "peak_rss_mb": pdf.peak_worker_rss_kb() / 1024,
        "workers": len(pdf.worker_pids()),
        "stalls_ms": {name: round(late * 1000) for name, late in stalls.items()},
    }


def bare(folder: Path) -> dict[str, Any]:
    """Bare WeasyPrint, one document after another in this one process, nothing shared: the
    floor any closure that renders these documents pays."""
    from weasyprint import HTML

    documents = sorted(folder.iterdir())
    spent = {"certificate": 0.0, "report": 0.0}
    for path in documents:
        html = path.read_text()
        started = time.perf_counter()
        HTML(string=html).write_pdf()
        spent[path.stem.split("-", 1)[1]] += time.perf_counter() - started
    return {
        "total": sum(spent.values()),
        "certificates": spent["certificate"],
        "reports": spent["report"],
        "documents": len(documents),
        "peak_rss_mb": _peak_mb(),
    }
