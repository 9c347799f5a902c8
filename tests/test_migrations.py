"""The committed migrations build the schema the models describe, and run twice safely."""

from tortoise.context import TortoiseContext
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
