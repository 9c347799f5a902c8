"""The committed migrations build the schema the models describe, and run twice safely."""

import uuid
from datetime import UTC, datetime, timedelta

from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate as tortoise_migrate
from tortoise.migrations.autodetector import MigrationAutodetector

from flashcoop.accounts.models import Organisation
from flashcoop.core import db
from tests.conftest import create_database, drop_database


async def test_models_have_no_unmigrated_changes():
    config = db.tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert writers == [], "models changed: run `tortoise makemigrations` and commit the result"


def test_migrate_twice_on_a_fresh_database(tmp_path):
    import asyncio

    url = create_database(tmp_path)
    try:
        asyncio.run(db.migrate(url))
        asyncio.run(db.migrate(url))

        async def use() -> int:
            await db.init_db(url)
            try:
                await Organisation.create(name="CAE", kind="structure")
                return await Organisation.all().count()
            finally:
                await db.close_db()

        assert asyncio.run(use()) == 1
    finally:
        drop_database(url)


# --- from the previous release's schema, with data in it ---------------------------------

PREVIOUS_RELEASE = "flashcoop.0002_stored_file"


async def _insert(table: str, row: dict) -> None:
    """A row written as the previous release wrote it: plain SQL, the columns it had."""
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    names = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, len(row) + 1))
    values = list(row.values())
    if not postgres:  # SQLite stores uuids and times as text, as Tortoise writes them
        values = [
            str(v)
            if isinstance(v, uuid.UUID)
            else v.isoformat(" ")
            if isinstance(v, datetime)
            else v
            for v in values
        ]
    await conn.execute_query(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)


async def _fill_previous_release(url: str) -> dict:
    """Books of a running cohort: a structure, a facilitator, a member, two chained sales."""
    from flashcoop.accounts.services import hash_secret
    from flashcoop.core.fields import name_key
    from flashcoop.ledger.chain import GENESIS, entry_hash
    from flashcoop.ledger.models import LedgerEntry

    await db.init_db(url)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        await _insert(
            "organisation", {"id": 1, "name": "CAE Avant", "kind": "structure", "created_at": now}
        )
        await _insert(
            "user",
            {
                "id": 1,
                "email": "fac@example.org",
                "name": "Fac",
                "role": "facilitator",
                "organisation_id": 1,
                "password_hash": await hash_secret("correct horse battery"),
                "session_version": 1,
                "is_active": True,
                "created_at": now,
            },
        )
        cohort_id, member_id = uuid.uuid4(), uuid.uuid4()
        await _insert(
            "cohort",
            {
                "id": cohort_id,
                "structure_id": 1,
                "created_by_id": 1,
                "name": "Épicerie d'avant",
                "activity": "Épicerie",
                "location": "",
                "starts_at": now - timedelta(days=1),
                "ends_at": now + timedelta(days=5),
                "timezone": "Europe/Paris",
                "currency": "EUR",
                "surplus_rule": "equal",
                "framework": "entrecomp",
                "attendance_threshold": 0,
                "programme": "none",
                "join_code": "AVANT234",
                "joining_open": True,
                "status": "active",
                "closed_at": None,
                "created_at": now,
            },
        )
        await _insert(
            "participant",
            {
                "id": member_id,
                "cohort_id": cohort_id,
                "display_name": "Aïcha",
                "name_key": name_key("Aïcha"),
                "first_name": "",
                "last_name": "",
                "email": "",
                "consent_share_name": False,
                "role": "member",
                "pin_hash": await hash_secret("1234"),
                "auth_version": 1,
                "joined_at": now,
            },
        )
        prev = GENESIS
        for seq, cents in ((1, 1250), (2, 300)):
            entry = LedgerEntry(
                id=uuid.uuid4(),
                cohort_id=cohort_id,
                seq=seq,
                kind="sale",
                book="sale",
                amount_cents=cents,
                quantity=1,
                label="Jus",
                payment_method="cash",
                participant_id=member_id,
                author_id=member_id,
                recorded_by_id=None,
                reverses_id=None,
                reason="",
                occurred_at=now,
                recorded_at=now,
                local_day=now.date().isoformat(),
                prev_hash=prev,
            )
            entry.hash = entry_hash(entry)
            await _insert(
                "ledger_entry",
                {
                    name: getattr(entry, name)
                    for name in (
                        "id",
                        "cohort_id",
                        "seq",
                        "kind",
                        "book",
                        "amount_cents",
                        "quantity",
                        "label",
                        "payment_method",
                        "participant_id",
                        "author_id",
                        "recorded_by_id",
                        "reverses_id",
                        "reason",
                        "occurred_at",
                        "recorded_at",
                        "local_day",
                        "prev_hash",
                        "hash",
                    )
                },
            )
            prev = entry.hash
        await _insert("ledger_head", {"id": 1, "cohort_id": cohort_id, "seq": 2, "hash": prev})
        return {"cohort_id": cohort_id, "member_id": member_id}
    finally:
        await db.close_db()


def test_migrate_from_the_previous_release_keeps_its_data_usable(tmp_path):
    import asyncio

    from flashcoop.closure.engine import close_cohort
    from flashcoop.cohorts.joining import JoinRequest, join_cohort
    from flashcoop.cohorts.models import Cohort, Participant
    from flashcoop.core.settings import Settings
    from flashcoop.ledger.chain import verify_chain
    from flashcoop.ledger.models import LedgerEntry
    from tests.ledger_helpers import book_draft

    url = create_database(tmp_path)
    try:

        async def to_previous_release() -> None:
            try:
                await tortoise_migrate(config=db.tortoise_config(url), target=PREVIOUS_RELEASE)
            finally:
                await db.close_db()

        asyncio.run(to_previous_release())
        ids = asyncio.run(_fill_previous_release(url))
        asyncio.run(db.migrate(url))  # to the latest: what an upgrade runs

        async def use() -> None:
            from flashcoop.core.principal import Principal
            from flashcoop.ledger.services import record_entry

            await db.init_db(url)
            try:
                cohort = await Cohort.get(id=ids["cohort_id"])
                assert (await verify_chain(cohort.id)).ok
                # The member signs in again with the PIN of the previous release.
                member, created = await join_cohort(
                    JoinRequest("AVANT234", "Aïcha", "1234"), client="t", max_failures=10
                )
                assert not created and member.id == ids["member_id"]
                # New columns have their defaults; a new sale chains onto the old ones.
                assert (await Participant.get(id=member.id)).birth_year is None
                await record_entry(
                    cohort,
                    book_draft("sale", 500, datetime.now(UTC)),
                    principal=Principal(participant=member),
                )
                result = await verify_chain(cohort.id)
                assert result.ok and result.entries == 3
                # The newest steps (closure, shares, certificates) run on the old books.
                settings = Settings(
                    data_dir=tmp_path, database_url=url, secret_key="k" * 40, scheduler=False
                )
                assert await close_cohort(cohort.id, trigger="manual", settings=settings)
                await cohort.refresh_from_db()
                assert cohort.status == "closed"
                sales = await LedgerEntry.filter(cohort_id=cohort.id).values_list(
                    "amount_cents", flat=True
                )
                assert sorted(sales) == [300, 500, 1250]
            finally:
                await db.close_db()

        asyncio.run(use())
    finally:
        drop_database(url)
