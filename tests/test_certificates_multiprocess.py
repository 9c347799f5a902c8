"""Three real processes issue a cohort's certificates at the same moment against one database:
each member ends up with exactly one certificate and one PDF."""

from flashcoop.certificates.models import Certificate
from flashcoop.core.storage import StoredFile
from tests.certificate_helpers import make_setup
from tests.conftest import race
from tests.factories import make_participant

SCRIPT = """
import asyncio, sys
from datetime import datetime
from flashcoop.core import db
from flashcoop.core.settings import Settings
from flashcoop.domains import house

async def main(url, cohort_id, now):
    house()
    await db.init_db(url)
    from flashcoop.certificates.issuing import issue_for_closure
    from flashcoop.cohorts.models import Cohort

    settings = Settings(
        database_url=url, secret_key="k" * 40, scheduler=False, base_url="http://testserver"
    )
    cohort = await Cohort.get(id=cohort_id)
    count = 0
    for _ in range(2):  # and a retry
        count += await issue_for_closure(cohort, settings=settings, now=datetime.fromisoformat(now))
    print(count)
    await db.close_db()

asyncio.run(main(*sys.argv[1:]))
"""


async def test_racing_processes_issue_one_certificate_each(app, database_url):
    s = await make_setup(threshold=0)
    await make_participant(s.cohort, "Олена")
    counts = await race(SCRIPT, database_url, str(s.cohort.id), s.after_end.isoformat())
    assert sum(counts) == 4
    rows = await Certificate.filter(cohort_id=s.cohort.id)
    assert len(rows) == 4 and len({r.participant_id for r in rows}) == 4
    assert all(r.file_id is not None for r in rows)
    assert await StoredFile.filter(id__in=[r.file_id for r in rows]).count() == 4
    # Copies rendered by the processes that lost a race were dropped, not left behind.
    assert await StoredFile.filter(name__startswith="certificate-").count() == 4
