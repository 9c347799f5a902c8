"""The house: one list of domains, each declaring what it contributes, a shell naming none."""

from __future__ import annotations

import re
from pathlib import Path

from flashcoop.core.domain import Domain, House
from flashcoop.core.signals import Signal
from flashcoop.domains import INSTALLED, house
from tests.factories import make_cohort

ROOT = Path(__file__).resolve().parent.parent
SHELL = ["app.py", "cli.py", "domains.py", "core/scheduler.py", "core/db.py"]


def test_every_installed_domain_declares_itself():
    built = house()
    assert [d.name for d in built.domains] == list(INSTALLED)
    for domain in built.domains:
        assert domain.models == (f"flashcoop.{domain.name}.models",)


def test_the_shell_names_no_domain():
    # Importing or mentioning a domain package in the shell would bypass the list.
    pattern = re.compile(r"flashcoop\.(" + "|".join(INSTALLED) + r")\b")
    for name in SHELL:
        text = (ROOT / "flashcoop" / name).read_text()
        assert not pattern.search(text), f"flashcoop/{name} names a domain"


def test_the_house_refuses_two_domains_with_one_name_or_one_job_name():
    import pytest

    from flashcoop.core.jobs import Job

    async def sweep(settings, now):  # pragma: no cover - never run
        return 0

    with pytest.raises(ValueError):
        House([Domain(name="a"), Domain(name="a")])
    job = Job("same", sweep, 60, "")
    with pytest.raises(ValueError):
        House([Domain(name="a", jobs=(job,)), Domain(name="b", jobs=(job,))])


async def test_a_signal_reaches_each_receiver_once_however_often_connected():
    seen: list[int] = []

    async def receiver(*, value: int) -> None:
        seen.append(value)

    signal = Signal("test")
    signal.connect(receiver)
    signal.connect(receiver)
    await signal.send(value=1)
    assert seen == [1]


async def test_cohort_created_is_received_by_workshops(app):
    from flashcoop.workshops.models import Workshop

    with_programme = await make_cohort(programme="flashcoop-7-days")
    without = await make_cohort(programme="none")
    assert await Workshop.filter(cohort_id=with_programme.id).count() > 0
    assert await Workshop.filter(cohort_id=without.id).count() == 0


async def test_a_failing_receiver_leaves_no_cohort_behind(app, monkeypatch):
    import pytest

    from flashcoop.cohorts.models import Cohort
    from flashcoop.cohorts.signals import cohort_created

    class Boom(Exception):
        pass

    async def boom(**_: object) -> None:
        raise Boom()

    cohort_created.connect(boom)
    try:
        with pytest.raises(Boom):
            await make_cohort(programme="flashcoop-7-days")
    finally:
        cohort_created.disconnect(boom)
    assert await Cohort.all().count() == 0
