"""Issuing: eligibility, early issue, override with a reason, exactly one per member and
cohort under concurrent and repeated calls, the snapshot, and rendering once."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import pytest

from flashcoop.certificates import issuing
from flashcoop.certificates.content import hashed_identity
from flashcoop.certificates.errors import CertificatesError
from flashcoop.certificates.issuing import (
    issue_certificate,
    issue_for_closure,
    revoke_certificate,
    standings,
)
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.services import CertificateAltered, pdf_bytes
from flashcoop.core.errors import DomainError, ValidationError
from flashcoop.core.principal import Principal
from flashcoop.core.storage import StoredFile
from flashcoop.workshops.models import Workshop
from tests.certificate_helpers import make_setup, pdf_text
from tests.factories import make_participant
from tests.workshop_helpers import make_workshop


async def test_eligibility_follows_the_threshold_of_hours_planned_so_far(app):
    s = await make_setup(threshold=50)
    found = await standings(s.cohort, now=s.after_end)
    assert (found[str(s.aicha.id)].minutes, found[str(s.aicha.id)].planned) == (300, 300)
    assert found[str(s.aicha.id)].eligible
    assert found[str(s.bob.id)].minutes == 120 and not found[str(s.bob.id)].eligible
    assert not found[str(s.zoe.id)].eligible
    # Exactly at the threshold counts: 40 % needed, 40 % attended.
    await s.cohort.__class__.filter(id=s.cohort.id).update(attendance_threshold=40)
    await s.cohort.refresh_from_db()
    assert (await standings(s.cohort, now=s.after_end))[str(s.bob.id)].eligible
    # A workshop still ahead does not count yet (someone leaving now is judged on the
    # programme so far); at closure it does, and a cancelled one never does.
    ahead = await make_workshop(s.cohort, starts_at=s.now + timedelta(days=1), hours=5)
    dropped = await make_workshop(s.cohort, starts_at=s.now - timedelta(hours=5), hours=4)
    await Workshop.filter(id=dropped.id).update(status="cancelled")
    assert (await standings(s.cohort, now=s.now))[str(s.aicha.id)].planned == 300
    late = await standings(s.cohort, now=s.after_end)
    assert late[str(s.aicha.id)].planned == 600 and late[str(s.aicha.id)].eligible
    assert not late[str(s.bob.id)].eligible
    assert ahead.duration_minutes == 300


async def test_threshold_zero_makes_everyone_who_joined_eligible(app, settings):
    s = await make_setup(threshold=0)
    assert await issue_for_closure(s.cohort, settings=settings, now=s.after_end) == 3
    kinds = await Certificate.filter(cohort_id=s.cohort.id).values_list("kind", flat=True)
    assert sorted(kinds) == ["eligible"] * 3


async def test_closure_issues_to_eligible_members_once(app, settings):
    s = await make_setup(threshold=50)
    assert await issue_for_closure(s.cohort, settings=settings, now=s.after_end) == 1
    assert await issue_for_closure(s.cohort, settings=settings, now=s.after_end) == 0
    [only] = await Certificate.filter(cohort_id=s.cohort.id)
    assert only.participant_id == s.aicha.id and only.kind == "eligible"
    assert only.file_id is not None and only.language == "fr"


async def test_override_needs_a_reason(app, settings):
    s = await make_setup(threshold=50)
    staff = Principal(user=s.facilitator)
    with pytest.raises(DomainError) as refused:
        await issue_certificate(
            s.cohort, s.bob, principal=staff, reason="  ", settings=settings, now=s.now
        )
    assert refused.value.code == CertificatesError.NOT_ELIGIBLE
    assert refused.value.status == 409
    assert not await Certificate.exists(participant_id=s.bob.id)
    with pytest.raises(ValidationError) as too_long:
        await issue_certificate(
            s.cohort, s.bob, principal=staff, reason="x" * 2001, settings=settings, now=s.now
        )
    assert "reason" in too_long.value.fields
    certificate, created = await issue_certificate(
        s.cohort,
        s.bob,
        principal=staff,
        reason="Found a job as a cashier after the second week",
        settings=settings,
        now=s.now,
    )
    assert created and certificate.kind == "override"
    assert certificate.reason.startswith("Found a job")
    assert certificate.issued_by_id == s.facilitator.id


async def test_early_issue_for_an_eligible_member_needs_no_reason(app, settings):
    s = await make_setup(threshold=50)
    staff = Principal(user=s.facilitator)
    certificate, created = await issue_certificate(
        s.cohort, s.aicha, principal=staff, reason=None, settings=settings, now=s.now
    )
    assert created and certificate.kind == "early"
    # Closure afterwards issues nothing more to her.
    assert await issue_for_closure(s.cohort, settings=settings, now=s.after_end) == 0
    again, created = await issue_certificate(
        s.cohort, s.aicha, principal=staff, reason="retry", settings=settings, now=s.after_end
    )
    assert not created and again.id == certificate.id and again.reason == ""


async def test_exactly_one_certificate_under_concurrent_issuing(app, settings):
    s = await make_setup(threshold=0)
    staff = Principal(user=s.facilitator)
    calls = [
        issue_certificate(
            s.cohort, s.aicha, principal=staff, reason="", settings=settings, now=s.after_end
        )
        for _ in range(4)
    ] + [issue_for_closure(s.cohort, settings=settings, now=s.after_end) for _ in range(4)]
    results = await asyncio.gather(*calls)
    singles = results[:4]
    counts = results[4:]
    assert len({c.id for c, _created in singles}) == 1
    # Each member got exactly one certificate, created by exactly one of the calls.
    rows = await Certificate.filter(cohort_id=s.cohort.id)
    assert sorted(str(r.participant_id) for r in rows) == sorted(
        str(p.id) for p in (s.aicha, s.bob, s.zoe)
    )
    created_singles = sum(1 for _c, created in singles if created)
    assert created_singles + sum(counts) == 3  # type: ignore[arg-type]
    # One PDF per certificate: the renders that lost a race dropped their copy.
    assert await StoredFile.all().count() == 3
    assert all(r.file_id is not None for r in rows)


async def test_snapshot_holds_what_the_certificate_says(app, settings):
    s = await make_setup(threshold=50, location="Nantes")
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    c = certificate.content
    assert c["holder"] == "Aïcha N'Diaye"  # first and last names when given
    assert (c["cohort"], c["activity"], c["structure"]) == ("Épicerie test", "Épicerie", "CAE Test")
    assert c["facilitator"] == s.facilitator.name
    assert c["minutes"] == 300
    assert c["starts_on"] == s.cohort.starts_at.astimezone(s.cohort.tz).date().isoformat()
    levels = {line["code"]: line["level"] for line in c["competences"]}
    # Assessed ones with the latest level; the workshop's other tag without a level.
    assert levels == {"1.1": 4, "2.2": 3, "3.3": None}
    first = c["competences"][0]
    assert first["level_label"] == {"en": "Passes it on", "fr": "Transmet"}
    recipient = c["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    assert recipient["identity"] == hashed_identity("aicha@example.org", certificate.salt)
    assert "aicha@example.org" not in str(c).lower()
    # Later changes do not touch what was issued.
    await s.cohort.__class__.filter(id=s.cohort.id).update(name="Renamed")
    await certificate.refresh_from_db()
    assert certificate.content["cohort"] == "Épicerie test"


async def test_a_member_without_email_is_identified_by_a_hashed_urn(app, settings):
    s = await make_setup(threshold=0)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.bob.id)
    recipient = certificate.content["recipient"]
    assert recipient["type"] == "url"
    assert recipient["identity"] == hashed_identity(f"urn:uuid:{s.bob.id}", certificate.salt)
    assert certificate.content["holder"] == "Bob"


async def test_pdf_is_rendered_once_and_served_byte_for_byte(app, settings, monkeypatch):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    stored = await StoredFile.get(id=certificate.file_id)
    first = await pdf_bytes(certificate, settings=settings)
    assert hashlib.sha256(first).hexdigest() == stored.sha256

    async def must_not_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(issuing, "render_certificate_pdf", must_not_render)
    assert await pdf_bytes(certificate, settings=settings) == first


async def test_an_altered_file_is_refused_not_rendered_again(app, settings, monkeypatch):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    await StoredFile.filter(id=certificate.file_id).update(content=b"%PDF-1.7 forged")
    with pytest.raises(CertificateAltered) as refused:
        await pdf_bytes(certificate, settings=settings)
    assert refused.value.code == CertificatesError.CERTIFICATE_ALTERED


async def test_a_failed_render_is_done_by_a_later_call(app, settings, monkeypatch):
    s = await make_setup(threshold=50)
    original = issuing.render_certificate_pdf

    async def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(issuing, "render_certificate_pdf", broken)
    assert await issue_for_closure(s.cohort, settings=settings, now=s.after_end) == 1
    certificate = await Certificate.get(participant_id=s.aicha.id)
    assert certificate.file_id is None
    monkeypatch.setattr(issuing, "render_certificate_pdf", original)
    # The closure's retry renders it, issuing nothing new; the download would too.
    assert await issue_for_closure(s.cohort, settings=settings, now=s.after_end) == 0
    await certificate.refresh_from_db()
    assert certificate.file_id is not None
    assert "Aïcha N'Diaye" in pdf_text(await pdf_bytes(certificate, settings=settings))


async def test_revoke_needs_a_reason_and_keeps_the_first(app, settings):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    staff = Principal(user=s.facilitator)
    for bad in ("", "   ", None, 12, "x" * 2001):
        with pytest.raises(ValidationError):
            await revoke_certificate(certificate, principal=staff, reason=bad, now=s.after_end)
    revoked = await revoke_certificate(
        certificate, principal=staff, reason="Attendance sheet forged", now=s.after_end
    )
    assert revoked.revoked_at is not None and revoked.revocation_reason == "Attendance sheet forged"
    again = await revoke_certificate(
        certificate, principal=staff, reason="other", now=s.after_end + timedelta(days=1)
    )
    assert again.revoked_at == revoked.revoked_at and again.revocation_reason.startswith("Att")


async def test_a_member_of_another_cohort_is_refused(app, settings):
    s = await make_setup(threshold=0)
    other = await make_setup(threshold=0, organisation="CAE Test")
    stranger = await make_participant(other.cohort, "Ailleurs")
    with pytest.raises(ValidationError):
        await issue_certificate(
            s.cohort,
            stranger,
            principal=Principal(user=s.facilitator),
            reason="",
            settings=settings,
            now=s.now,
        )


async def test_a_lost_race_inside_the_closure_transaction_keeps_it_usable(
    app, settings, monkeypatch
):
    """The closure may call issue_for_closure inside its own transaction: losing the insert
    race to another worker (simulated: the existence check misses the row) must not abort it
    (PostgreSQL aborts a transaction on an IntegrityError outside a savepoint)."""
    from tortoise.transactions import in_transaction

    s = await make_setup(threshold=0)
    staff = Principal(user=s.facilitator)
    theirs, _ = await issue_certificate(
        s.cohort, s.aicha, principal=staff, reason="", settings=settings, now=s.now
    )
    original = Certificate.get_or_none

    async def blind(*args, **kwargs):
        found = await original(*args, **kwargs)
        if found is not None and found.participant_id == s.aicha.id:
            return None  # as if the other worker had not committed yet
        return found

    monkeypatch.setattr(Certificate, "get_or_none", blind)
    async with in_transaction():
        issued = await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
        # The transaction is still usable after the lost race.
        assert await Certificate.filter(cohort_id=s.cohort.id).count() == 3
    assert issued == 2
    rows = await Certificate.filter(cohort_id=s.cohort.id)
    assert len(rows) == 3 and theirs.id in {r.id for r in rows}
