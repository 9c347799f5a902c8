"""Backup and restore, end to end, as docs/operator-guide.md tells the operator to do them.

A cohort with sales, attendance and a real closure (shares, certificates with their PDFs,
reports) is backed up — SQLite with its online backup API, PostgreSQL with `pg_dump -Fc` —
and restored into a fresh database (`pg_restore`). The restored app answers as before: the
ledger chain verifies, each certificate's stored PDF has its SHA-256 intact and its public
page says it is genuine.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from flashcoop.app import create_app
from flashcoop.certificates.models import Certificate
from flashcoop.closure.engine import close_cohort
from flashcoop.core import db
from flashcoop.core.settings import Settings
from flashcoop.core.storage import StoredFile
from tests.closure_helpers import attend, make_books, sell, spend
from tests.conftest import TEST_DATABASE, create_database, drop_database
from tests.factories import bearer

SECRET = "backup-secret-" + "x" * 32


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key=SECRET,
        base_url="http://testserver",
        scheduler=False,
    )


async def _fill(settings: Settings) -> dict[str, Any]:
    await db.init_db(settings.database_url)
    try:
        books = await make_books(("Aïcha", "Bruno"))
        await attend(books, 3, books.members)
        await sell(books, books.members[0], 12_50)
        await sell(books, books.members[1], 7_00)
        await spend(books, 4_00)
        assert await close_cohort(
            books.cohort.id, trigger="manual", settings=settings, by=books.facilitator
        )
        certificates = await Certificate.filter(cohort_id=books.cohort.id).prefetch_related("file")
        assert certificates, "the closure issued no certificate to back up"
        return {
            "cohort_id": books.cohort.id,
            "facilitator_id": books.facilitator.id,
            "certificates": {c.id: c.file.sha256 for c in certificates},
        }
    finally:
        await db.close_db()


def _pg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def backup_and_restore(source: str, target: str, tmp_path: Path) -> None:
    """What the operator guide says, on this kind of database."""
    if source.startswith("sqlite://"):
        # The online backup API: a consistent copy even while the app is writing.
        src = sqlite3.connect(source.removeprefix("sqlite://"))
        dst = sqlite3.connect(target.removeprefix("sqlite://"))
        try:
            with dst:
                src.backup(dst)
        finally:
            src.close()
            dst.close()
        return
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.fail("pg_dump and pg_restore are needed next to the PostgreSQL server")
    dump = tmp_path / "flashcoop.dump"
    subprocess.run([pg_dump, "-Fc", "-f", str(dump), _pg_url(source)], check=True, timeout=120)
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", "-d", _pg_url(target), str(dump)],
        check=True,
        timeout=120,
    )


async def _check_restored(settings: Settings, filled: dict[str, Any]) -> None:
    from flashcoop.accounts.models import User

    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            staff = await bearer(await User.get(id=filled["facilitator_id"]))
            base = f"/api/v1/cohorts/{filled['cohort_id']}"
            verify = (await c.get(f"{base}/ledger/verify", headers=staff)).json()
            assert verify["ok"] is True and verify["entries"] == 3
            ledger = (await c.get(f"{base}/ledger", headers=staff)).json()
            assert (ledger["sales"], ledger["expenses"]) == ("19.50", "4.00")
            assert (await c.get(base, headers=staff)).json()["status"] == "closed"
            for certificate_id, sha256 in filled["certificates"].items():
                certificate = await Certificate.get(id=certificate_id)
                stored = await StoredFile.get(id=certificate.file_id)
                assert stored.sha256 == sha256 and stored.intact
                page = await c.get(f"/verify/{certificate_id}")
                assert page.status_code == 200
                assert "Certificat authentique" in page.text
                pdf = await c.get(f"/api/v1/certificates/{certificate_id}.pdf", headers=staff)
                assert pdf.status_code == 200  # served byte for byte from the restored file
                assert pdf.content == bytes(stored.content)


def test_backup_then_restore_into_a_fresh_database(tmp_path: Path) -> None:
    source = create_database(tmp_path / "source")
    target = create_database(tmp_path / "target") if TEST_DATABASE != "sqlite" else ""
    (tmp_path / "source").mkdir(exist_ok=True)
    (tmp_path / "target").mkdir(exist_ok=True)
    if not target:
        target = f"sqlite://{tmp_path / 'target' / 'restored.sqlite3'}"
    try:
        asyncio.run(db.migrate(source))
        filled = asyncio.run(_fill(_settings(source, tmp_path / "source")))
        backup_and_restore(source, target, tmp_path)
        # The original is gone: only the backup speaks now.
        drop_database(source)
        if source.startswith("sqlite://"):
            Path(source.removeprefix("sqlite://")).unlink()
        asyncio.run(_check_restored(_settings(target, tmp_path / "target"), filled))
    finally:
        drop_database(source)
        drop_database(target)
