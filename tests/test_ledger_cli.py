"""`flashcoop ledger verify COHORT_ID` against a real database file, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from tortoise import Tortoise

from tests.factories import bearer, make_cohort, make_participant
from tests.ledger_helpers import entries_url, sale

ROOT = Path(__file__).resolve().parent.parent


def _verify(settings, cohort_id: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": settings.database_url,
        "FLASHCOOP_SECRET_KEY": settings.secret_key,
        "FLASHCOOP_DATA_DIR": str(settings.data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "flashcoop", "ledger", "verify", cohort_id],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_cli_verify_reports_ok_then_the_first_bad_entry(client, settings):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    for amount in ("1", "2", "3"):
        await client.post(entries_url(cohort), json=sale(amount=amount), headers=headers)
    done = _verify(settings, str(cohort.id))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] is True and result["entries"] == 3 and result["first_bad_seq"] is None

    conn = Tortoise.get_connection("default")
    sql = "UPDATE ledger_entry SET amount_cents = 5 WHERE cohort_id = ? AND seq = 2"
    param = str(cohort.id)
    if conn.capabilities.dialect == "postgres":
        sql, param = sql.replace("?", "$1"), cohort.id
    await conn.execute_query(sql, [param])
    done = _verify(settings, str(cohort.id))
    assert done.returncode == 1
    assert json.loads(done.stdout)["first_bad_seq"] == 2
    assert "#2" in done.stderr


async def test_cli_verify_rejects_unknown_cohorts(client, settings):
    assert _verify(settings, "not-an-id").returncode == 2
    assert _verify(settings, str(uuid.uuid4())).returncode == 2
