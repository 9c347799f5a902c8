import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from asgi_lifespan import LifespanManager

from flashcoop.app import create_app
from flashcoop.core.settings import Settings, _stored_secret


def test_settings_from_environment(tmp_path):
    settings = Settings.from_env(
        {
            "FLASHCOOP_DATA_DIR": str(tmp_path),
            "FLASHCOOP_SCHEDULER": "off",
            "FLASHCOOP_REMINDER_MINUTES": "60, 1440",
            "FLASHCOOP_BASE_URL": "https://coop.example.org",
        }
    )
    assert settings.scheduler is False
    assert settings.reminder_minutes == (1440, 60)
    assert settings.https
    assert settings.database_url == f"sqlite://{tmp_path.resolve()}/flashcoop.sqlite3"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = Settings.from_env({"FLASHCOOP_DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"FLASHCOOP_DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 40
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_workers_starting_together_agree_on_one_whole_key(tmp_path, monkeypatch):
    # Making a key takes a while here: a worker that looked while another was writing it used
    # to read an empty key.
    made = secrets.token_urlsafe

    def slow(n: int) -> str:
        time.sleep(0.2)
        return made(n)

    monkeypatch.setattr(secrets, "token_urlsafe", slow)
    with ThreadPoolExecutor(4) as pool:
        keys = list(pool.map(lambda _: _stored_secret(tmp_path), range(4)))
    assert len(set(keys)) == 1 and len(keys[0]) >= 40
    assert keys[0] == (tmp_path / "secret_key").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind


@pytest.mark.parametrize(
    ("name", "value"),
    [("FLASHCOOP_TIMEZONE", "Mars/Olympus"), ("FLASHCOOP_SCHEDULER", "maybe"),
     ("FLASHCOOP_AMOUNT_CEILING_CENTS", "lots")],
)
def test_bad_settings_stop_with_the_variable_named(tmp_path, name, value):
    with pytest.raises(SystemExit, match=name):
        Settings.from_env({"FLASHCOOP_DATA_DIR": str(tmp_path), name: value})


async def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        database_url="postgres://postgres@127.0.0.1:9/unreachable",
        secret_key="k" * 40,
        scheduler=False,
    )
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
