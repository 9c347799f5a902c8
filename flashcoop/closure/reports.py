"""The closure report: figures built once, rendered as PDF, CSV and JSON, stored at closure.

Each (kind, audience, format, version) is stored once: the `Report` table's unique constraint
decides between concurrent writers, and a stored file is never replaced. Follow-up reports
(outcomes recorded after closure) are new versions beside the closure report, never edits.
"""

from __future__ import annotations

import asyncio
import contextvars
from datetime import datetime
from typing import Any

import anyio
from tortoise.exceptions import IntegrityError
from tortoise.functions import Max
from tortoise.transactions import in_transaction

from flashcoop.closure.errors import ClosureError
from flashcoop.closure.figures import AUDIENCES, ClosureFigures, build_figures
from flashcoop.closure.models import Closure, Outcome, Report
from flashcoop.closure.report_formats import MEDIA_TYPES, render_csv, render_json
from flashcoop.closure.report_pdf import report_html
from flashcoop.cohorts.models import CLOSED, Cohort
from flashcoop.core import i18n
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.pdf import render_pdf
from flashcoop.core.settings import Settings

FORMATS = ("json", "csv", "pdf")
CLOSURE, FOLLOWUP = "closure", "followup"


def _in_language(language: str, function: Any, *args: Any) -> Any:
    """Call `function` with `language` current, without changing the caller's language."""

    def run() -> Any:
        i18n.set_language(language)
        return function(*args)

    return contextvars.copy_context().run(run)


async def render_report(figures: ClosureFigures, fmt: str) -> bytes:
    """One rendering of the figures: "json", "csv" or "pdf"."""
    if fmt == "json":
        return render_json(figures)
    if fmt == "csv":
        return render_csv(figures)
    # Built in a thread: the report's tables and charts would hold the event loop.
    html: str = await anyio.to_thread.run_sync(_in_language, figures.language, report_html, figures)
    return await render_pdf(html)


def file_name(cohort: Cohort, kind: str, version: int, fmt: str) -> str:
    suffix = "" if kind == CLOSURE else f"-followup-{version}"
    return f"closure-report-{str(cohort.id)[:8]}{suffix}.{fmt}"


async def _store(
    cohort: Cohort,
    *,
    kind: str,
    version: int,
    audience: str,
    fmt: str,
    content: bytes,
    now: datetime,
) -> bool:
    """Store one file and its Report row together; False when another writer stored it first.

    Both in one transaction: on PostgreSQL a failed insert aborts the transaction, and the
    rollback also removes the file that lost the race, so no orphan is left behind."""
    from flashcoop.core.storage import store_file

    try:
        async with in_transaction():
            stored = await store_file(
                content,
                name=file_name(cohort, kind, version, fmt),
                media_type=MEDIA_TYPES[fmt],
                now=now,
            )
            await Report.create(
                cohort_id=cohort.id,
                kind=kind,
                audience=audience,
                format=fmt,
                version=version,
                file_id=stored.id,
                created_at=now,
            )
    except IntegrityError:
        return False
    return True


async def _store_version(
    cohort: Cohort,
    closure: Closure,
    *,
    kind: str,
    version: int,
    language: str,
    now: datetime,
    as_of: datetime | None = None,
) -> None:
    done = set(
        await Report.filter(cohort_id=cohort.id, kind=kind, version=version).values_list(
            "audience", "format"
        )
    )
    wanted: list[tuple[str, str, ClosureFigures]] = []
    for audience in AUDIENCES:
        missing = [fmt for fmt in FORMATS if (audience, fmt) not in done]
        if not missing:
            continue
        figures = await build_figures(
            cohort,
            closure,
            audience=audience,
            now=now,
            kind=kind,
            version=version,
            as_of=as_of,
            language=language,
        )
        wanted += [(audience, fmt, figures) for fmt in missing]
    # Every audience's PDF at once (the PDF pool renders them in parallel); each file is
    # then stored on this task's connection. What rendered is kept even when another
    # rendering failed, and the first failure is raised after: the step stops, and its retry
    # renders only what is missing.
    contents = await asyncio.gather(
        *(render_report(figures, fmt) for _, fmt, figures in wanted), return_exceptions=True
    )
    for (audience, fmt, _), content in zip(wanted, contents, strict=True):
        if isinstance(content, bytes):
            await _store(
                cohort,
                kind=kind,
                version=version,
                audience=audience,
                fmt=fmt,
                content=content,
                now=now,
            )
    for content in contents:
        if isinstance(content, BaseException):
            raise content


async def store_closure_reports(
    cohort: Cohort, closure: Closure, *, settings: Settings, now: datetime
) -> None:
    """Build the closure report and store it (each format, each audience) unless it already is.

    Idempotent: a retry after a crash stores only what is missing."""
    await _store_version(
        cohort, closure, kind=CLOSURE, version=0, language=settings.default_language, now=now
    )


def ensure_closed(cohort: Cohort) -> None:
    if cohort.status != CLOSED:
        raise DomainError(
            ClosureError.COHORT_NOT_CLOSED,
            N_("This cohort is not closed yet: its report comes at closure."),
        )


async def latest_followup(cohort: Cohort) -> int:
    """The highest follow-up version stored (0 when none)."""
    rows = (
        await Report.filter(cohort_id=cohort.id, kind=FOLLOWUP)
        .annotate(top=Max("version"))
        .values("top")
    )
    return int(rows[0]["top"] or 0) if rows else 0


async def create_followup_report(cohort: Cohort, *, settings: Settings, now: datetime) -> int:
    """Store a follow-up report (version n+1) with the outcomes recorded up to `now`.

    Refused (409 `no_new_outcomes`) when no outcome was recorded since the last report, so a
    double click does not make two identical versions."""
    ensure_closed(cohort)
    closure = await Closure.get_or_none(cohort_id=cohort.id)
    if closure is None:
        raise NotFound()
    last = await latest_followup(cohort)
    since = closure.started_at
    if last:
        previous = await Report.filter(cohort_id=cohort.id, kind=FOLLOWUP, version=last).first()
        since = previous.created_at if previous else since
    if not await Outcome.filter(cohort_id=cohort.id, recorded_at__gt=since).exists():
        raise DomainError(
            ClosureError.NO_NEW_OUTCOMES,
            N_("No situation was recorded since the last report: there is nothing to add."),
        )
    version = last + 1
    await _store_version(
        cohort,
        closure,
        kind=FOLLOWUP,
        version=version,
        language=settings.default_language,
        now=now,
        as_of=now,
    )
    return version


async def report_file(
    cohort: Cohort, *, audience: str, fmt: str, version: int, settings: Settings, now: datetime
) -> Report:
    """The stored report (closure report for version 0, else that follow-up), or 404.

    A closed cohort whose closure stopped before storing its report gets it now: storing is
    idempotent, and the figures are those frozen at closure."""
    ensure_closed(cohort)
    kind = CLOSURE if version == 0 else FOLLOWUP
    query = Report.filter(
        cohort_id=cohort.id, kind=kind, audience=audience, format=fmt, version=version
    )
    found = await query.first()
    if found is None and kind == CLOSURE:
        closure = await Closure.get_or_none(cohort_id=cohort.id)
        if closure is not None:
            await store_closure_reports(cohort, closure, settings=settings, now=now)
            found = await query.first()
    if found is None:
        raise NotFound()
    return found


async def stored_reports(cohort: Cohort, *, audience: str) -> list[tuple[str, int, datetime]]:
    """(kind, version, created_at) of every stored report for this audience, oldest first."""
    return (await stored_reports_of([cohort.id], audience=audience))[cohort.id]


async def stored_reports_of(
    cohort_ids: list[Any], *, audience: str
) -> dict[Any, list[tuple[str, int, datetime]]]:
    """stored_reports of several cohorts in one query (a funder may fund hundreds)."""
    found: dict[Any, list[tuple[str, int, datetime]]] = {key: [] for key in cohort_ids}
    if cohort_ids:
        rows = (
            await Report.filter(cohort_id__in=cohort_ids, audience=audience, format="json")
            .order_by("kind", "version")
            .values_list("cohort_id", "kind", "version", "created_at")
        )
        for cohort_id, kind, version, created_at in rows:
            found[cohort_id].append((str(kind), int(version), created_at))
    return found
